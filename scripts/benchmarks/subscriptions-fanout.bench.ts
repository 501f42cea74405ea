// Benchmark (never part of `npm test`): complaint-subscription fan-out through one gateway. The whole platform
// in-process on throw-away local servers (as run-all.ts); 1 000 graphql-ws subscribers (the `graphql-ws` client over
// `ws`, one socket each, in a worker thread so the clients do not share the platform's event loop) of mixed roles:
// general managers, service agents, marketing, department managers of two departments, consultants owning some of the
// customers or none, partners linked to some customers or none, finance (reads no ticket). Complaints are opened
// through the gateway by a service agent, one every BENCH_EVENT_GAP_MS, on customers of every scope.
//
// Prints delivery latency (the event's occurredAt → received by the subscriber, and the event on the bus → received),
// p50/p95/p99/max, the gateway's bus consumers (sampled through the run and on the JetStream server), lookups made and
// shared, and checks each delivery against the platform's rule table (`canSeeCustomerScope`, row `ticket`): wrong
// deliveries (an event the subscriber may not read), missing ones (a permitted subscriber that did not get it) and
// duplicates. Exits non-zero when any is > 0.
//
// Run: `npx tsx scripts/benchmarks/subscriptions-fanout.bench.ts`. BENCH_SUBSCRIBERS=1000, BENCH_IDENTITIES (distinct
// tokens the subscribers spread over; default = BENCH_SUBSCRIBERS, i.e. nobody shares a lookup), BENCH_EVENTS=10,
// BENCH_EVENT_GAP_MS=1000, BENCH_CUSTOMERS=8, BENCH_DELIVERY_TIMEOUT_MS=60000, BENCH_LOG=silent.
import { asPartnerOnly, type Caller, type CrmClaims } from '@crm/auth';
import { canSeeCustomerScope, type CustomerScopeFacts } from '@crm/customer-scope';
import { resolveServers, testServiceEnv, tokenFor } from '@crm/testing';
import { Worker } from 'node:worker_threads';
import { call, callWhenKnown } from '../platform/demo-data';
import { startPlatform } from '../platform/platform';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const IDENTITIES = Math.min(SUBSCRIBERS, Number(process.env.BENCH_IDENTITIES ?? SUBSCRIBERS));
const EVENTS = Number(process.env.BENCH_EVENTS ?? 10);
const EVENT_GAP_MS = Number(process.env.BENCH_EVENT_GAP_MS ?? 1000);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 8);
const DELIVERY_TIMEOUT_MS = Number(process.env.BENCH_DELIVERY_TIMEOUT_MS ?? 60_000);

const DEPARTMENTS = ['D-FAN-N', 'D-FAN-S'];
const CONSULTANTS = [
  { id: 'c-fan-n1', departmentId: 'D-FAN-N' },
  { id: 'c-fan-n2', departmentId: 'D-FAN-N' },
  { id: 'c-fan-s1', departmentId: 'D-FAN-S' },
  { id: 'c-fan-s2', departmentId: 'D-FAN-S' },
];
const PARTNERS = ['P-FAN-1', 'P-FAN-2'];

/** The kinds of caller the subscribers are, in turn; `k` makes each identity's token its own. */
const ROLE_MIX: ((k: number) => CrmClaims)[] = [
  (k) => ({ sub: `gm-fan-${k}`, roles: ['general_manager'] }),
  (k) => ({ sub: `agent-fan-${k}`, roles: ['service_agent'] }),
  (k) => ({ sub: `agent-fan-${k}`, roles: ['service_agent'] }),
  (k) => ({ sub: `mkt-fan-${k}`, roles: ['marketing'] }),
  (k) => ({ sub: `m-fan-n-${k}`, roles: ['department_manager'], department_id: 'D-FAN-N' }),
  (k) => ({ sub: `m-fan-s-${k}`, roles: ['department_manager'], department_id: 'D-FAN-S' }),
  (k) => ({ sub: CONSULTANTS[k % CONSULTANTS.length].id, roles: ['consultant'], department_id: CONSULTANTS[k % CONSULTANTS.length].departmentId, name: `Consultant ${k}` }),
  (k) => ({ sub: `c-fan-none-${k}`, roles: ['consultant'], department_id: 'D-FAN-N' }),
  (k) => ({ sub: `portal-fan-${k}`, roles: ['partner'], partner_id: PARTNERS[k % PARTNERS.length] }),
  (k) => ({ sub: `portal-fan-x-${k}`, roles: ['partner'], partner_id: 'P-FAN-ELSEWHERE' }),
  (k) => ({ sub: `fin-fan-${k}`, roles: ['finance'] }),
];

const QUERIES = [
  'subscription { complaintEvents { id type occurredAt ticket { id status severity } } }',
  'subscription { complaintEvents { id type occurredAt ticket { id status customer { id name } } } }',
];

interface Delivery {
  subscriber: number;
  eventId?: string;
  ticketId?: string;
  occurredAt?: string;
  receivedAt: number;
  errors?: unknown;
}

interface WorkerReport {
  deliveries: Delivery[];
  onBus: Record<string, number>;
  closed: number;
}

// The clients, in a worker thread: plain CommonJS, so it runs without a TypeScript loader.
const CLIENT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createClient } = require('graphql-ws');
const WebSocket = require('ws');
const { connect } = require('nats');
const deliveries = [];
const onBus = {};
let closed = 0;
const clients = [];
(async () => {
  const nc = await connect({ servers: workerData.natsUrl });
  nc.subscribe('crm.service-desk.complaint.>', { callback: (_err, msg) => {
    const receivedAt = Date.now();
    try { const id = JSON.parse(Buffer.from(msg.data).toString('utf8')).id; onBus[id] ??= receivedAt; } catch {}
  } });
  const { subscribers, url } = workerData;
  for (let i = 0; i < subscribers.length; i += 1) {
    const { token, query } = subscribers[i];
    const client = createClient({ url, webSocketImpl: WebSocket, connectionParams: { authorization: 'Bearer ' + token }, retryAttempts: 0, lazy: false, on: { closed: () => (closed += 1) } });
    clients.push(client);
    client.subscribe({ query }, {
      next: (result) => {
        const receivedAt = Date.now();
        const event = result.data && result.data.complaintEvents;
        deliveries.push({ subscriber: i, eventId: event && event.id, ticketId: event && event.ticket && event.ticket.id, occurredAt: event && event.occurredAt, receivedAt, errors: result.errors });
      },
      error: (error) => deliveries.push({ subscriber: i, receivedAt: Date.now(), errors: String(error && (error.reason || error.message || error)) }),
      complete: () => {},
    });
    if (i % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  parentPort.postMessage({ type: 'opened' });
  parentPort.on('message', async (message) => {
    if (message !== 'report') return;
    await Promise.all(clients.map((client) => client.dispose()));
    await nc.drain();
    parentPort.postMessage({ type: 'report', deliveries, onBus, closed });
  });
})().catch((error) => parentPort.postMessage({ type: 'failed', error: String(error && error.stack || error) }));
`;

function percentiles(samples: number[]): { n: number; p50: number; p95: number; p99: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.at(-1) ?? NaN };
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
    logLevel: process.env.BENCH_LOG ?? 'silent',
    envFor: (name) => ({ ...testServiceEnv(name), PORT: '0' }),
  });
  let worker: Worker | undefined;
  try {
    const url = platform.gateway.graphqlUrl;
    const gm = await tokenFor({ sub: 'gm-fan-setup', roles: ['general_manager'] });
    const agent = await tokenFor({ sub: 'agent-fan-setup', roles: ['service_agent'] });
    for (const id of DEPARTMENTS) await call(url, `mutation { upsertDepartment(input: {id: "${id}", name: "${id}"}) { department { id } userErrors { field code message } } }`, {}, gm);
    for (const c of CONSULTANTS) {
      await call(url, `mutation { upsertConsultant(input: {id: "${c.id}", name: "${c.id}", departmentId: "${c.departmentId}"}) { consultant { id } userErrors { field code message } } }`, {}, gm);
    }
    // Customers of every scope: owners in both departments; some linked to a partner.
    const scopes: CustomerScopeFacts[] = [];
    for (let i = 0; i < CUSTOMERS; i += 1) {
      const owner = CONSULTANTS[i % CONSULTANTS.length];
      const partnerIds = i % 4 === 0 ? [PARTNERS[0]] : i % 4 === 1 ? [PARTNERS[1]] : [];
      const created = await call(
        url,
        'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } userErrors { field code message } } }',
        { i: { name: `Fan-out ${i}`, kind: 'ORGANISATION', listType: 'ENTERPRISE', ownerId: owner.id, partnerIds } },
        gm,
      );
      scopes.push({ customerId: created.createCustomer.customer.id, ownerId: owner.id, departmentId: owner.departmentId, assignedStaffIds: [owner.id], partnerIds });
    }
    const openComplaint = (customerId: string, matter: string) =>
      callWhenKnown(
        url,
        'mutation($i: OpenTicketInput!) { openTicket(input: $i) { ticket { id } userErrors { field code message } } }',
        { i: { customerId, type: 'COMPLAINT', channel: 'HOTLINE', severity: 'HIGH', matter, complainant: { name: 'Ms Lin' } } },
        agent,
      );
    // Service-desk learns the customers from accounts' events: wait for each (these complaints precede the subscribers).
    for (const scope of scopes) await openComplaint(scope.customerId!, 'warm-up');

    const identities = await Promise.all(Array.from({ length: IDENTITIES }, (_, k) => ROLE_MIX[k % ROLE_MIX.length](k)).map(async (claims) => ({ claims, token: await tokenFor(claims) })));
    const subscribers = Array.from({ length: SUBSCRIBERS }, (_, i) => {
      const identity = identities[i % IDENTITIES];
      // Subscribers of one identity mostly share a query; every other round the other one.
      return { ...identity, query: QUERIES[((i % IDENTITIES) + Math.floor(i / IDENTITIES)) % QUERIES.length] };
    });
    const caller = (claims: CrmClaims): Caller => asPartnerOnly({ userId: claims.sub, roles: [...claims.roles], departmentId: claims.department_id, partnerId: claims.partner_id, token: '' });
    const readable = subscribers.map((s) => scopes.map((scope) => canSeeCustomerScope(caller(s.claims), scope, [], new Date(), 'ticket')));

    const registry = platform.gateway.registry;
    const metric = async (name: string) => (await registry.getSingleMetric(name)?.get())?.values[0]?.value ?? 0;
    const hub = platform.gateway.subscriptions!.hub;

    const connectStarted = Date.now();
    worker = new Worker(CLIENT_WORKER, { eval: true, workerData: { url: url.replace(/^http/, 'ws'), natsUrl: servers.natsUrl, subscribers: subscribers.map(({ token, query }) => ({ token, query })) } });
    const messages: { type: string; [key: string]: unknown }[] = [];
    const waiters: (() => void)[] = [];
    worker.on('message', (message) => {
      messages.push(message);
      waiters.splice(0).forEach((wake) => wake());
    });
    worker.on('error', (error) => {
      messages.push({ type: 'failed', error: String(error) });
      waiters.splice(0).forEach((wake) => wake());
    });
    const workerMessage = async (type: string, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const failed = messages.find((m) => m.type === 'failed');
        if (failed) throw new Error(`client worker failed: ${String(failed.error)}`);
        const found = messages.find((m) => m.type === type);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no '${type}' from the client worker within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    };
    await workerMessage('opened', 120_000);
    const deadline = Date.now() + 120_000;
    while ((await metric('gateway_subscriptions_active')) < SUBSCRIBERS) {
      if (Date.now() > deadline) throw new Error(`only ${await metric('gateway_subscriptions_active')} of ${SUBSCRIBERS} subscriptions running after 120 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const connectMs = Date.now() - connectStarted;

    // Bus consumers, sampled while events flow.
    let maxBusConsumers = hub.busConsumers;
    const sampler = setInterval(() => (maxBusConsumers = Math.max(maxBusConsumers, hub.busConsumers)), 50);
    const lookupsBefore = await metric('gateway_subscription_lookups_total');
    const sharedBefore = await metric('gateway_subscription_lookups_shared_total');
    const overflowsBefore = await metric('gateway_subscription_overflows_total');

    const events: { ticketId: string; customer: number }[] = [];
    const publishStarted = Date.now();
    for (let e = 0; e < EVENTS; e += 1) {
      const customer = e % CUSTOMERS;
      const opened = await openComplaint(scopes[customer].customerId!, `fan-out ${e}`);
      events.push({ ticketId: opened.openTicket.ticket.id, customer });
      await new Promise((resolve) => setTimeout(resolve, EVENT_GAP_MS));
    }
    const publishMs = Date.now() - publishStarted;
    const jsm = await platform.services['service-desk'].bus.nc.jetstreamManager();
    const prefix = `gateway_${platform.gateway.subscriptions!.instanceId}_`;
    const onServer = (await jsm.consumers.list('CRM_SERVICE_DESK').next()).filter((c) => c.name.startsWith(prefix)).length;

    // Wait until every permitted subscriber has every event (or the timeout).
    const expected = subscribers.reduce((sum, _s, i) => sum + events.filter((ev) => readable[i][ev.customer]).length, 0);
    const waitStarted = Date.now();
    while ((await metric('gateway_subscription_events_delivered_total')) < expected && Date.now() - waitStarted < DELIVERY_TIMEOUT_MS) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    clearInterval(sampler);
    const lookups = (await metric('gateway_subscription_lookups_total')) - lookupsBefore;
    const shared = (await metric('gateway_subscription_lookups_shared_total')) - sharedBefore;
    const overflows = (await metric('gateway_subscription_overflows_total')) - overflowsBefore;

    worker.postMessage('report');
    const report = (await workerMessage('report', 60_000)) as unknown as WorkerReport;

    // Each delivery against the rule table: by the ticket it carries (every query selects ticket { id }).
    const eventOfTicket = new Map(events.map((ev, index) => [ev.ticketId, index]));
    const received = events.map(() => new Set<number>());
    let wrong = 0;
    let duplicates = 0;
    let errors = 0;
    const fromOccurred: number[] = [];
    const fromBus: number[] = [];
    for (const d of report.deliveries) {
      if (d.errors || !d.eventId) {
        errors += 1;
        continue;
      }
      const index = d.ticketId === undefined ? undefined : eventOfTicket.get(d.ticketId);
      // Not one of the timed complaints (the warm-up ones were published before anyone subscribed): wrong.
      if (index === undefined || !readable[d.subscriber][events[index].customer]) {
        wrong += 1;
        continue;
      }
      if (received[index].has(d.subscriber)) duplicates += 1;
      received[index].add(d.subscriber);
      fromOccurred.push(d.receivedAt - Date.parse(d.occurredAt!));
      const onBus = report.onBus[d.eventId];
      if (onBus !== undefined) fromBus.push(d.receivedAt - onBus);
    }
    let missing = 0;
    for (const [index, ev] of events.entries()) {
      for (let sub = 0; sub < SUBSCRIBERS; sub += 1) if (readable[sub][ev.customer] && !received[index].has(sub)) missing += 1;
    }

    // How fast the gateway fanned out: from the first timed event on the bus to the last delivery.
    const timedIds = new Set(report.deliveries.filter((d) => d.ticketId !== undefined && eventOfTicket.has(d.ticketId)).map((d) => d.eventId!));
    const firstOnBus = Math.min(...[...timedIds].map((id) => report.onBus[id]).filter((t) => t !== undefined));
    const lastDelivery = Math.max(...report.deliveries.map((d) => d.receivedAt));
    const fanOutSeconds = (lastDelivery - firstOnBus) / 1000;
    const a = percentiles(fromOccurred);
    const b = percentiles(fromBus);
    const row = (name: string, f: ReturnType<typeof percentiles>) => `| ${name} | ${f.n} | ${f.p50} | ${f.p95} | ${f.p99} | ${f.max} |`;
    console.log(`\nComplaint subscription fan-out (${new Date().toISOString()}, servers: ${servers.source}, node ${process.version})`);
    console.log(`${SUBSCRIBERS} subscribers on ${SUBSCRIBERS} sockets, ${IDENTITIES} distinct identities (${ROLE_MIX.length} kinds of caller), ${EVENTS} complaints one every ${EVENT_GAP_MS} ms (${publishMs} ms); all subscribed in ${connectMs} ms`);
    console.log('| latency, ms | deliveries | p50 | p95 | p99 | max |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
    console.log(row('event occurredAt → subscriber', a));
    console.log(row('event on the bus → subscriber', b));
    console.log(`expected deliveries ${expected}; received ${report.deliveries.length - errors}; wrong deliveries ${wrong}; missing ${missing}; duplicates ${duplicates}; error results ${errors}`);
    console.log(`bus consumers of the gateway: max ${maxBusConsumers} while events flowed (hub), ${onServer} on the JetStream server after publishing`);
    console.log(`federated lookups ${lookups} (${(lookups / Math.max(1, EVENTS)).toFixed(1)} per event, ${(lookups / fanOutSeconds).toFixed(0)}/s over ${fanOutSeconds.toFixed(1)} s from the first event on the bus to the last delivery), deliveries sharing a lookup ${shared}, queue overflows ${overflows}`);
    if (wrong > 0 || missing > 0 || duplicates > 0) process.exitCode = 1;
  } finally {
    await worker?.terminate();
    await platform.stop();
    await servers.stop();
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
