// `npm start`: servers (given, Docker, or local under .data/), every subgraph and the gateway, demo data.
// The services read the same variables as when they run alone (README, "Configuration").
import { DEV_JWT_SECRET } from '@crm/auth';
import { GATEWAY_DEFAULT_PORT } from '@crm/contracts';
import { repoRoot, resolveServers } from '@crm/dev-servers';
import path from 'node:path';
import { demoTokens, seedDemoData } from './demo-data';
import { seedDemoActivity } from './demo-activity';
import { startPlatform, type RunningPlatform } from './platform';

async function main(): Promise<void> {
  if (process.env.JWT_JWKS_URL) {
    throw new Error('npm start signs its demo tokens with JWT_SECRET and seeds data with them: unset JWT_JWKS_URL (it is for deployments)');
  }
  const secret = process.env.JWT_SECRET ?? DEV_JWT_SECRET;
  const servers = await resolveServers({
    dataDir: path.join(repoRoot(), '.data'),
    mongoPort: Number(process.env.MONGO_DEV_PORT ?? 27017),
    natsPort: Number(process.env.NATS_DEV_PORT ?? 4222),
  });
  console.log(`servers (${servers.source}): ${servers.mongoUrl}  ${servers.natsUrl}`);

  let platform: RunningPlatform | undefined;
  const stop = async (signal: string) => {
    console.log(`\n${signal}: stopping the platform…`);
    await platform?.stop().catch((error) => console.error(error));
    console.log('platform stopped; stopping servers…');
    await servers.stop();
    console.log('servers stopped');
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  try {
    platform = await startPlatform({ mongoUrl: servers.mongoUrl, natsUrl: servers.natsUrl, gatewayPort: Number(process.env.PORT ?? GATEWAY_DEFAULT_PORT) });
  } catch (error) {
    // startPlatform has stopped the services that came up; the servers are ours to stop.
    await servers.stop();
    throw error;
  }

  const tokens = await demoTokens(secret, { issuer: process.env.JWT_ISSUER, audience: process.env.JWT_AUDIENCE });
  const seeded = await seedDemoData(platform.gateway.graphqlUrl, tokens, console.log);
  if (!seeded.skipped) await seedDemoActivity(platform.gateway.graphqlUrl, tokens, seeded.customers, console.log);
  else console.log('demo data already present: left as it is');

  console.log(`
CRM platform is up.
  GraphQL gateway : ${platform.gateway.graphqlUrl}
  subgraphs       : ${Object.values(platform.services).map((s) => `${s.name} ${s.url}`).join(', ')}
  health          : ${platform.gateway.url}/healthz  ${platform.gateway.url}/readyz  ${platform.gateway.url}/metrics

Dev tokens (send as "Authorization: Bearer <token>"; more with \`npm run dev-token -- --role …\`):
${Object.entries(tokens).map(([who, token]) => `  ${who.padEnd(16)} ${token}`).join('\n')}

Try:
  curl -s ${platform.gateway.graphqlUrl} -H 'content-type: application/json' \\
    -H "authorization: Bearer ${tokens.generalManager}" \\
    -d '{"query":"{ customers(first: 3) { totalCount edges { node { name lifecycle owner { name } tickets { type severity status matter } } } } }"}'

Ctrl-C stops everything; data stays under .data/.`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
