// `npm start`: servers (given, Docker, or local under .data/), every subgraph and the gateway; the URL and the dev
// tokens are printed as soon as the gateway answers, then demo data is seeded in the background behind a progress bar.
// The services read the same variables as when they run alone (README, "Configuration").
// Only what starting the servers needs is imported up front: the platform's code (gateway, kernel, five subgraphs:
// seconds of loading) is imported while the servers start, since a JVM boots on the other core meanwhile.
import { repoRoot, resolveServers } from '@crm/dev-servers';
import path from 'node:path';
import type { RunningPlatform } from './platform';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  if (process.env.JWT_JWKS_URL) {
    throw new Error('npm start signs its demo tokens with JWT_SECRET and seeds data with them: unset JWT_JWKS_URL (it is for deployments)');
  }
  const phases: string[] = [`launcher ${seconds(process.uptime() * 1000)}`];

  let phaseStart = Date.now();
  const serversStarting = resolveServers({
    dataDir: process.env.CRM_DATA_DIR ? path.resolve(process.env.CRM_DATA_DIR) : path.join(repoRoot(), '.data'),
    mongoPort: Number(process.env.MONGO_DEV_PORT ?? 27017),
    natsPort: Number(process.env.NATS_DEV_PORT ?? 4222),
  });
  serversStarting.catch(() => undefined);
  const loading = loadCode();
  loading.catch(() => undefined);
  const servers = await serversStarting;
  phases.push(`servers ${seconds(Date.now() - phaseStart)}`);
  console.log(`servers (${servers.source}): ${servers.mongoUrl}  ${servers.natsUrl}`);

  let platform: RunningPlatform | undefined;
  // eslint-disable-next-line prefer-const -- declared before the shutdown handler that reads it, assigned once the platform is up
  let consoleUp: { url: string; close(): Promise<void> } | undefined;
  const consoleHost = process.env.HOST ?? '127.0.0.1';
  const consolePort = Number(process.env.CONSOLE_PORT ?? 4400);
  let stopping = false;
  let seeding: { done(summary: string): number } | undefined;
  let explorerBuilt: Promise<boolean> = Promise.resolve(false);
  const stop = async (signal: string) => {
    stopping = true;
    seeding?.done('demo seeding interrupted: the data seeded so far stays (remove the data directory for a full seeding)');
    seeding = undefined;
    console.log(`\n${signal}: stopping the platform…`);
    await consoleUp?.close().catch((error) => console.error(error));
    await platform?.stop().catch((error) => console.error(error));
    console.log('platform stopped; stopping servers…');
    await servers.stop();
    console.log('servers stopped');
    process.exit(0);
  };
  // Ctrl-C signals the whole process group, so the signal comes twice (from the terminal and relayed by tsx): the
  // second must not find node without a handler (it would die on the spot, mid-shutdown).
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stopping) void stop(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    phaseStart = Date.now();
    const { startPlatform, consoleServer, explorerBuild } = await loading;
    phases.push(`code loaded ${seconds(Date.now() - phaseStart)} after them`);
    // The gateway's explorer page (apps/explorer), built while the platform starts when missing or older than its
    // sources; the gateway serves it once it is there.
    explorerBuilt = explorerBuild.buildExplorerWhenStale().then(
      () => true,
      (error: unknown) => {
        console.error(`explorer not built (GET /graphql answers 503): ${error instanceof Error ? error.message : String(error)}`);
        return false;
      },
    );
    // The console (apps/console) calls the gateway from its own origin: CORS lets it in besides what CORS_ORIGINS lists.
    process.env.CORS_ORIGINS = consoleServer.withConsoleOrigins(process.env.CORS_ORIGINS, consoleServer.consoleOrigins(consoleHost, consolePort));
    platform = await startPlatform({
      mongoUrl: servers.mongoUrl,
      natsUrl: servers.natsUrl,
      gatewayPort: Number(process.env.PORT ?? (await import('@crm/contracts')).GATEWAY_DEFAULT_PORT),
      // CRM_SUBGRAPH_PORTS=free: any free ports instead of the registry's (a second platform beside a running one).
      subgraphPorts: process.env.CRM_SUBGRAPH_PORTS === 'free' ? 'free' : 'default',
      onPhase: (phase, ms) => {
        if (phase !== 'load') phases.push(`${phase === 'subgraphs' ? 'five subgraphs' : 'gateway'} ${seconds(ms)}`);
      },
    });
  } catch (error) {
    // startPlatform has stopped the services that came up; the servers are ours to stop.
    await servers.stop();
    throw error;
  }

  const { demoTokens, seedDemoData, seedDemoActivity, seedProgress, consoleServer } = await loading;
  // The dashboard and the partner-portal example, built first when the bundle is missing or older than its sources.
  consoleUp = await consoleServer.startConsoleServer({ graphqlUrl: platform.gateway.graphqlUrl, host: consoleHost, port: consolePort }).catch((error: unknown) => {
    console.error(`console not served (the platform runs without it): ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  });
  const explorerUp = platform.gateway.explorerUrl && (await explorerBuilt) ? platform.gateway.explorerUrl : undefined;
  const tokens = await demoTokens(process.env.JWT_SECRET ?? (await import('@crm/auth')).DEV_JWT_SECRET, { issuer: process.env.JWT_ISSUER, audience: process.env.JWT_AUDIENCE });
  console.log(`
CRM platform is up, ${seconds(process.uptime() * 1000)} after the launcher started (${phases.join(', ')}).
  GraphQL gateway : ${platform.gateway.graphqlUrl}
  explorer        : ${explorerUp ? `${explorerUp} (open in a browser: GraphiQL; paste a token below in its token bar)` : platform.gateway.explorerUrl ? 'not built' : 'off (EXPLORER_ENABLED=false)'}
  subgraphs       : ${Object.values(platform.services).map((s) => `${s.name} ${s.url}`).join(', ')}
  console         : ${consoleUp ? `${consoleUp.url}/ (dashboard; sign in with a token below)  ${consoleUp.url}/partner.html (partner-portal example: partnerPortal)` : 'not served'}
  health          : ${platform.gateway.url}/healthz  ${platform.gateway.url}/readyz  ${platform.gateway.url}/metrics

Dev tokens (send as "Authorization: Bearer <token>"; more with \`npm run dev-token -- --role …\`):
${Object.entries(tokens).map(([who, token]) => `  ${who.padEnd(16)} ${token}`).join('\n')}

Try:
  curl -s ${platform.gateway.graphqlUrl} -H 'content-type: application/json' \\
    -H "authorization: Bearer ${tokens.generalManager}" \\
    -d '{"query":"{ customers(first: 3) { totalCount edges { node { name lifecycle owner { name } tickets { type severity status matter } } } } }"}'

Ctrl-C stops everything; data stays under ${process.env.CRM_DATA_DIR ?? '.data/'}.
Demo data is seeded now, in the background: the platform answers meanwhile (lists fill up as it goes).
`);

  // Seeding goes through the gateway as a client would, while the platform is already in use.
  const seedingStarted = Date.now();
  const progress = seedProgress(platform.gateway.graphqlUrl);
  seeding = progress;
  const gatewayUrl = platform.gateway.graphqlUrl;
  void (async () => {
    const seeded = await seedDemoData(gatewayUrl, tokens, progress.log);
    if (seeded.skipped) return 'demo data already present: left as it is';
    await seedDemoActivity(gatewayUrl, tokens, seeded.customers, progress.log);
    return `demo data seeded in ${seconds(Date.now() - seedingStarted)}`;
  })().then(
    (summary) => {
      seeding = undefined;
      const requests = progress.done(summary);
      if (process.env.CRM_SEED_COUNT === 'true') console.log(`seeding sent ${requests} requests`);
    },
    (error: unknown) => {
      if (stopping) return;
      seeding = undefined;
      progress.done(`demo seeding failed (the platform keeps running): ${error instanceof Error ? error.message : String(error)}`);
    },
  );
}

/** The platform, its subgraphs' definitions and the demo seeders, loaded once the servers are on their way. */
async function loadCode() {
  await new Promise((resolve) => setImmediate(resolve));
  const [platform, { serviceRegistry }, demoData, demoActivity, progress, consoleServer, explorerBuild] = await Promise.all([
    import('./platform'),
    import('@crm/contracts'),
    import('./demo-data'),
    import('./demo-activity'),
    import('./seed-progress'),
    import('../../apps/console/tools/console-server'),
    import('../../apps/explorer/tools/build'),
  ]);
  await Promise.all(serviceRegistry.map((registration) => platform.loadSubgraph(registration.name)));
  return { startPlatform: platform.startPlatform, demoTokens: demoData.demoTokens, seedDemoData: demoData.seedDemoData, seedDemoActivity: demoActivity.seedDemoActivity, seedProgress: progress.seedProgress, consoleServer, explorerBuild };
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
