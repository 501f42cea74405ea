// Benchmark (never part of `npm test`): what tracing costs. The whole platform in-process on throw-away local servers,
// started TRACING_BENCH_ROUNDS (2) times each way, alternating: tracing off (no OTEL_* variable), then on, exporting OTLP/HTTP to a local receiver that answers 200
// and counts what it got. Each run measures a read resolved by two subgraphs (accounts + service-desk) serially and
// with TRACING_BENCH_CONCURRENCY (8) clients, and createCustomer (a write with its event, consumed by four services).
// Printed, not asserted; the figures go to docs/operations/tracing.md.
// Run: `npm run bench:tracing` (optionally TRACING_BENCH_REQUESTS=600 TRACING_BENCH_CONCURRENCY=8 TRACING_BENCH_ROUNDS=2).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { resolveServers, testServiceEnv, tokenFor, graphql } from '@crm/testing';
import { call } from '../platform/demo-data';
import { startPlatform } from '../platform/platform';

const requests = Number(process.env.TRACING_BENCH_REQUESTS ?? 600);
const concurrency = Number(process.env.TRACING_BENCH_CONCURRENCY ?? 8);
const rounds = Number(process.env.TRACING_BENCH_ROUNDS ?? 2);

interface Figures {
  p50: number;
  p95: number;
  perSecond: number;
}

async function measure(total: number, parallel: number, run: (i: number) => Promise<void>): Promise<Figures> {
  const samples: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        await run(i);
        samples.push(performance.now() - t0);
      }
    }),
  );
  const wall = performance.now() - started;
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  return { p50: at(0.5), p95: at(0.95), perSecond: (samples.length / wall) * 1000 };
}

/** A stand-in collector: accepts OTLP/HTTP exports and counts them and their spans. */
async function startReceiver() {
  const received = { exports: 0, bytes: 0, spans: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.exports += 1;
      received.bytes += body.length;
      received.spans += (body.match(/"spanId"/g) ?? []).length;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, close: () => new Promise((resolve) => server.close(resolve)) };
}

async function run(label: string, servers: { mongoUrl: string; natsUrl: string }, otel: NodeJS.ProcessEnv) {
  const platform = await startPlatform({
    mongoUrl: servers.mongoUrl,
    natsUrl: servers.natsUrl,
    gatewayPort: 0,
    subgraphPorts: 'free',
    logLevel: 'silent',
    env: { ...process.env, ...otel },
    envFor: (name) => ({ ...testServiceEnv(name, otel), PORT: '0' }),
  });
  const url = platform.gateway.graphqlUrl;
  const gm = await tokenFor({ sub: 'gm-bench', roles: ['general_manager'] });
  try {
    await call(url, 'mutation { upsertDepartment(input: {id: "D-T", name: "Tracing bench"}) { department { id } userErrors { code } } }', {}, gm);
    await call(url, 'mutation { upsertConsultant(input: {id: "c-t", name: "Tracing Consultant", departmentId: "D-T"}) { consultant { id } userErrors { code } } }', {}, gm);
    const month = new Date().toISOString().slice(0, 7);
    const read = async () => {
      const res = await graphql(url, 'query($p: String!) { consultant(id: "c-t") { name complaintCount(period: $p) } }', { p: month }, gm);
      if (res.errors) throw new Error(JSON.stringify(res.errors));
    };
    const write = (i: number) => call(url, 'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } userErrors { code } } }', { i: { name: `Traced ${label} ${i}`, kind: 'ORGANISATION', listType: 'ENTERPRISE', ownerId: 'c-t' } }, gm).then(() => undefined);
    await measure(50, concurrency, read); // warm-up: connections, plans, JIT
    return {
      serial: await measure(Math.ceil(requests / 3), 1, read),
      parallel: await measure(requests, concurrency, read),
      writes: await measure(Math.ceil(requests / 3), concurrency, write),
    };
  } finally {
    await platform.stop();
  }
}

async function main(): Promise<void> {
  process.env.CRM_SKIP_DOCKER ??= 'true';
  const servers = await resolveServers({ env: {} });
  process.env.MONGO_URL = servers.mongoUrl;
  process.env.NATS_URL = servers.natsUrl;
  const receiver = await startReceiver();
  try {
    // Off and on alternate, so a database that warms up (the dev server's JIT) does not favour the later runs.
    const results: { round: number; off: Awaited<ReturnType<typeof run>>; on: Awaited<ReturnType<typeof run>> }[] = [];
    for (let round = 1; round <= rounds; round += 1) {
      const off = await run(`off-${round}`, servers, {});
      const on = await run(`on-${round}`, servers, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
      results.push({ round, off, on });
    }
    console.log(`\nTracing overhead (${new Date().toISOString()}, servers: ${servers.source}, node ${process.version}, ${concurrency} clients, ${rounds} rounds off/on)`);
    console.log('| round | scenario | off p50 ms | on p50 ms | off p95 ms | on p95 ms | off /s | on /s |');
    console.log('| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const { round, off, on } of results) {
      const row = (name: string, a: Figures, b: Figures) =>
        console.log(`| ${round} | ${name} | ${a.p50.toFixed(1)} | ${b.p50.toFixed(1)} | ${a.p95.toFixed(1)} | ${b.p95.toFixed(1)} | ${a.perSecond.toFixed(0)} | ${b.perSecond.toFixed(0)} |`);
      row('consultant + complaintCount (2 subgraphs), serial', off.serial, on.serial);
      row(`consultant + complaintCount (2 subgraphs), ${concurrency} clients`, off.parallel, on.parallel);
      row(`createCustomer (write + event to 4 consumers), ${concurrency} clients`, off.writes, on.writes);
    }
    console.log(`exported with tracing on: ${receiver.received.spans} spans in ${receiver.received.exports} OTLP requests (${(receiver.received.bytes / 1024).toFixed(0)} KiB)`);
  } finally {
    await receiver.close();
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
