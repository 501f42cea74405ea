// Our gateway against @graphql-hive/gateway-runtime: the same running subgraphs, supergraph and query (20 customers
// with their tickets and credit profile), each gateway alone in its own process, the same autocannon load; in-flight
// de-duplication on in both, then off in both. Also our gateway's overhead against calling one subgraph directly.
// Run: `npm run bench:gateway` (BENCH_SECONDS=10 BENCH_CONNECTIONS=50). Prints figures; asserts nothing.
import { resolveServers, testServiceEnv, tokenFor } from '@crm/testing';
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { call } from '../../platform/demo-data';
import { startPlatform, type RunningPlatform } from '../../platform/platform';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const QUERY = '{ customers(first: 20, filter: {region: "Bench"}) { edges { node { name tickets { id status severity } creditProfile { grade creditLimit currency } } } } }';
const ACCOUNTS_ONLY = '{ customers(first: 20, filter: {region: "Bench"}) { edges { node { name lifecycle } } } }';

interface Run {
  label: string;
  rps: number;
  p50: number;
  p975: number;
  errors: number;
  subgraphRequestsPerRequest: number;
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, token: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const ok = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: '{ __typename }' }) })
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within 60 s`);
}

function spawnGateway(kind: 'ours' | 'hive', port: number, dedupe: boolean, env: NodeJS.ProcessEnv): ChildProcess {
  const entry = kind === 'ours' ? 'apps/gateway/src/main.ts' : 'scripts/benchmarks/gateway/hive-gateway.ts';
  // No NATS_URL: the gateways serve queries only, as the peer does.
  const { NATS_URL: _nats, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { ...inherited, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: kind === 'ours' ? 'silent' : 'error', SUBGRAPH_DEDUPE: String(dedupe), HIVE_DEDUPE: String(dedupe) },
    stdio: ['ignore', process.env.BENCH_DEBUG ? 'inherit' : 'ignore', 'inherit'],
  });
  return child;
}

async function subgraphRequests(platform: RunningPlatform): Promise<number> {
  let total = 0;
  for (const service of Object.values(platform.services)) {
    const metric = await service.metrics.getSingleMetric('http_requests_total')?.get();
    total += (metric?.values ?? []).reduce((sum, v) => sum + v.value, 0);
  }
  return total;
}

async function load(label: string, url: string, query: string, token: string, platform: RunningPlatform, clients = connections): Promise<Run> {
  // A gateway that answers with errors would look fast: one checked answer first.
  const probe = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });
  const answer = (await probe.json()) as { data?: { customers?: { edges: unknown[] } }; errors?: unknown[] };
  if (!probe.ok || answer.errors || answer.data?.customers?.edges.length !== 20) throw new Error(`${label}: not a full answer (${probe.status}): ${JSON.stringify(answer).slice(0, 400)}`);
  // Warm up (plans, connections, JIT) before measuring.
  await autocannon({ url, method: 'POST', connections: clients, duration: 2, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });
  const before = await subgraphRequests(platform);
  const result = await autocannon({ url, method: 'POST', connections: clients, duration: seconds, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });
  const sent = (await subgraphRequests(platform)) - before;
  const answered = result.requests.total;
  return { label, rps: result.requests.average, p50: result.latency.p50, p975: result.latency.p97_5, errors: result.errors + result.non2xx, subgraphRequestsPerRequest: answered ? sent / answered : 0 };
}

async function main(): Promise<void> {
  process.env.CRM_SKIP_DOCKER ??= 'true';
  const servers = await resolveServers({ env: {} });
  process.env.MONGO_URL = servers.mongoUrl;
  process.env.NATS_URL = servers.natsUrl;
  const platform = await startPlatform({
    mongoUrl: servers.mongoUrl,
    natsUrl: servers.natsUrl,
    gatewayPort: 0,
    subgraphPorts: 'free',
    logLevel: 'silent',
    envFor: (name) => ({ ...testServiceEnv(name), PORT: '0' }),
  });
  const children: ChildProcess[] = [];
  try {
    const gm = await tokenFor({ sub: 'gm-bench', roles: ['general_manager'] });
    const agent = await tokenFor({ sub: 'agent-bench', roles: ['service_agent'] });
    const setup = platform.gateway.graphqlUrl;
    await call(setup, 'mutation { upsertDepartment(input: {id: "D-B", name: "Bench"}) { department { id } userErrors { field code message } } }', {}, gm);
    await call(setup, 'mutation { upsertConsultant(input: {id: "c-b", name: "Bench Consultant", departmentId: "D-B"}) { consultant { id } userErrors { field code message } } }', {}, gm);
    for (let i = 0; i < 20; i += 1) {
      const { createCustomer } = await call(setup, 'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } userErrors { field code message } } }', { i: { name: `Bench ${i}`, kind: 'ORGANISATION', listType: 'ENTERPRISE', ownerId: 'c-b', region: 'Bench' } }, gm);
      await new Promise((r) => setTimeout(r, 100));
      await call(setup, 'mutation($i: OpenTicketInput!) { openTicket(input: $i) { ticket { id } userErrors { field code message } } }', { i: { customerId: createCustomer.customer.id, type: 'INQUIRY', channel: 'EMAIL', severity: 'LOW', matter: 'bench', complainant: { name: 'B' } } }, agent).catch(() => undefined);
    }
    await platform.gateway.stop();

    // One supergraph for both, routed to the running subgraphs.
    const dir = mkdtempSync(path.join(tmpdir(), 'crm-gateway-bench-'));
    const urls = Object.fromEntries(Object.values(platform.services).map((s) => [s.name, `${s.url}/graphql`]));
    const supergraphSdl = readFileSync(path.join(__dirname, '../../../schema/supergraph.graphql'), 'utf8').replace(
      /@join__graph\(name: "([^"]+)", url: "[^"]*"\)/g,
      (_, name: string) => `@join__graph(name: "${name}", url: "${urls[name]}")`,
    );
    const supergraphPath = path.join(dir, 'supergraph.graphql');
    writeFileSync(supergraphPath, supergraphSdl);
    // Our gateway's per-identity rate limit (ADR 0017) would answer most of one caller's load with 429, which looks
    // fast; Hive has none. Lifted here so both do the same work, and a run with errors is not compared (below).
    const unlimited = { requestsPerMinute: 1e9, requestBurst: 1e9, costPerMinute: 1e12, costBurst: 1e12 };
    const env = {
      SUPERGRAPH_PATH: supergraphPath,
      JWT_SECRET: testServiceEnv('gateway').JWT_SECRET,
      RATE_LIMITS: JSON.stringify({ partner: unlimited, default: unlimited, general_manager: unlimited }),
    };

    const runs: Run[] = [];
    for (const dedupe of [true, false]) {
      for (const kind of ['ours', 'hive'] as const) {
        const port = await freePort();
        const child = spawnGateway(kind, port, dedupe, env);
        children.push(child);
        const url = `http://127.0.0.1:${port}/graphql`;
        await waitFor(url, gm);
        runs.push(await load(`${kind === 'ours' ? '@apollo/gateway (ours)' : '@graphql-hive/gateway-runtime'}, de-duplication ${dedupe ? 'on' : 'off'}`, url, QUERY, gm, platform));
        child.kill('SIGTERM');
      }
    }
    // Overhead: one subgraph's own query, straight to accounts and through our gateway.
    const port = await freePort();
    const ours = spawnGateway('ours', port, false, env);
    children.push(ours);
    await waitFor(`http://127.0.0.1:${port}/graphql`, gm);
    // One client at a time: the latency the gateway adds, not how the two processes share two cores under load.
    const direct = await load('accounts subgraph called directly, 1 client', urls.accounts, ACCOUNTS_ONLY, gm, platform, 1);
    const through = await load('the same query through our gateway, 1 client', `http://127.0.0.1:${port}/graphql`, ACCOUNTS_ONLY, gm, platform, 1);
    ours.kill('SIGTERM');

    const byLabel = (text: string) => runs.find((r) => r.label.startsWith(text))!;
    console.log(`\nGateway benchmark (${new Date().toISOString()}, node ${process.version}, ${connections} connections × ${seconds} s, query: 20 customers + tickets + credit)`);
    console.log('| gateway | requests/s | p50 ms | p97.5 ms | errors | subgraph requests per request |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const r of [...runs, direct, through]) console.log(`| ${r.label} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p975} | ${r.errors} | ${r.subgraphRequestsPerRequest.toFixed(2)} |`);
    for (const dedupe of ['on', 'off']) {
      const a = byLabel('@apollo/gateway (ours), de-duplication ' + dedupe);
      const b = byLabel('@graphql-hive/gateway-runtime, de-duplication ' + dedupe);
      const flawed = a.errors + b.errors > 0 ? ` (not comparable: ${a.errors + b.errors} error answers)` : '';
      console.log(`ratio ours / hive, de-duplication ${dedupe}: ${(a.rps / b.rps).toFixed(2)}×${flawed}`);
    }
    console.log(`gateway overhead on a one-subgraph query, 1 client: p50 +${(through.p50 - direct.p50).toFixed(1)} ms, throughput ${((through.rps / direct.rps) * 100).toFixed(0)} % of direct`);
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await platform.stop().catch(() => undefined);
    await servers.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
