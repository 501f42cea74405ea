// Benchmarks (never part of `npm test`): the whole platform in-process on throw-away local servers.
// Prints latency percentiles and throughput for a federated read, a write, and event delivery lag.
// Run: `npm run bench` (optionally BENCH_REQUESTS=400 BENCH_CONCURRENCY=8).
import { streamFor, customerCreatedV1 } from '@crm/contracts';
import { resolveServers, testServiceEnv, tokenFor, graphql } from '@crm/testing';
import { AckPolicy, DeliverPolicy } from 'nats';
import { performance } from 'node:perf_hooks';
import { call } from '../platform/demo-data';
import { startPlatform } from '../platform/platform';

const requests = Number(process.env.BENCH_REQUESTS ?? 300);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);

interface Figures {
  name: string;
  count: number;
  p50: number;
  p95: number;
  p99: number;
  perSecond: number;
}

function summarise(name: string, samples: number[], wallMs: number): Figures {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { name, count: samples.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), perSecond: (samples.length / wallMs) * 1000 };
}

async function measure(name: string, total: number, parallel: number, run: (i: number) => Promise<void>): Promise<Figures> {
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
  return summarise(name, samples, performance.now() - started);
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
    envFor: (name) => ({ ...testServiceEnv(name), PORT: '0', OUTBOX_POLL_MS: '1000' }),
  });
  const url = platform.gateway.graphqlUrl;
  const gm = await tokenFor({ sub: 'gm-bench', roles: ['general_manager'] });
  const agent = await tokenFor({ sub: 'agent-bench', roles: ['service_agent'] });
  try {
    await call(url, 'mutation { upsertDepartment(input: {id: "D-B", name: "Bench"}) { department { id } userErrors { field code message } } }', {}, gm);
    await call(url, 'mutation { upsertConsultant(input: {id: "c-b", name: "Bench Consultant", departmentId: "D-B"}) { consultant { id } userErrors { field code message } } }', {}, gm);

    const create = (i: number) => call(url, 'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } userErrors { field code message } } }', { i: { name: `Bench ${i}`, kind: 'ORGANISATION', listType: 'ENTERPRISE', ownerId: 'c-b', region: 'Bench' } }, gm);
    const ids: string[] = [];
    const writes = await measure('createCustomer (mutation via gateway)', 200, concurrency, async (i) => void ids.push((await create(i)).createCustomer.customer.id));
    await new Promise((r) => setTimeout(r, 1500));
    for (const id of ids.slice(0, 50)) {
      await graphql(url, 'mutation($i: OpenTicketInput!) { openTicket(input: $i) { id } }', { i: { customerId: id, type: 'COMPLAINT', channel: 'PHONE', severity: 'LOW', matter: 'bench', complainant: { name: 'B' } } }, agent);
    }

    const query = '{ customers(first: 50, filter: {region: "Bench"}) { edges { node { name owner { name } tickets { id status } creditProfile { grade } satisfactionScore interactions { channel } } } } }';
    const read = (token: string) => async () => {
      const res = await graphql(url, query, {}, token);
      if (res.errors) throw new Error(JSON.stringify(res.errors));
    };
    const serial = await measure('50 customers × 5 subgraphs, serial', Math.ceil(requests / 3), 1, read(gm));
    const parallel = await measure(`50 customers × 5 subgraphs, ${concurrency} clients`, requests, concurrency, read(gm));

    // Event lag: time from a committed createCustomer to its event on a JetStream consumer.
    const jsm = await platform.services.accounts.bus.nc.jetstreamManager();
    const durable = `bench-${Date.now()}`;
    await jsm.consumers.add(streamFor('accounts').name, { durable_name: durable, ack_policy: AckPolicy.None, deliver_policy: DeliverPolicy.New, filter_subject: customerCreatedV1.type });
    const consumer = await platform.services.accounts.bus.js.consumers.get(streamFor('accounts').name, durable);
    const lags: number[] = [];
    const lagStart = performance.now();
    for (let i = 0; i < 50; i += 1) {
      const t0 = performance.now();
      await create(1000 + i);
      await consumer.next({ expires: 5000 });
      lags.push(performance.now() - t0);
    }
    const lag = summarise('createCustomer → event on a consumer (outbox relay)', lags, performance.now() - lagStart);

    console.log(`\nCRM benchmarks (${new Date().toISOString()}, servers: ${servers.source}, node ${process.version})`);
    console.log('| scenario | n | p50 ms | p95 ms | p99 ms | per second |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const f of [writes, serial, parallel, lag]) {
      console.log(`| ${f.name} | ${f.count} | ${f.p50.toFixed(1)} | ${f.p95.toFixed(1)} | ${f.p99.toFixed(1)} | ${f.perSecond.toFixed(1)} |`);
    }
  } finally {
    await platform.stop();
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
