// Benchmark (never part of `npm test`): the outbox relay on the dev MongoDB-wire server and a local NATS JetStream
// (or any MONGO_URL/NATS_URL given). Printed, not asserted; the figures go to docs/adr/0002-events-outbox.md.
//  (a) backlog: RELAY_BENCH_BACKLOG (default 20,000) documents with one pending event each are inserted with no
//      relay running, then one relay drains them; prints events/s and the database's time per command kind. Then
//      the same number of events four to a document, and a smaller drain with one document in flight at a time.
//  (b) steady load: RELAY_BENCH_WRITERS (20) writers together at RELAY_BENCH_RATE (135) writes/s for
//      RELAY_BENCH_SECONDS (20) s, each write a new document carrying one event (the outbox plugin's post-write kick
//      wakes the relay; the poll is an hour, so it never helps); a consumer on its own NATS connection records
//      lag = receive time − the event's `time` (taken just before the write). Prints p50/p95/p99/max.
// Run: `npm run bench:relay` (= `npx tsx scripts/benchmarks/relay.bench.ts`).
import { defineEvent, streamFor } from '@crm/contracts';
import { connectMongo } from '@crm/data';
import { connectEventBus, createEvent, EventMetrics, ensureStream, kickRelayAfterWrites, OutboxRelay, outboxPlugin, type CloudEvent } from '@crm/events';
import { DeliverPolicy } from 'nats';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Schema, type mongo } from 'mongoose';
import pino from 'pino';
import { Registry } from 'prom-client';
import { z } from 'zod';
import { benchServers } from './bench-seeding';

const backlog = Number(process.env.RELAY_BENCH_BACKLOG ?? 20_000);
const writers = Number(process.env.RELAY_BENCH_WRITERS ?? 20);
const rate = Number(process.env.RELAY_BENCH_RATE ?? 135);
const seconds = Number(process.env.RELAY_BENCH_SECONDS ?? 20);
const inFlight = Number(process.env.RELAY_BENCH_IN_FLIGHT ?? 256);

const backlogEventV1 = defineEvent('accounts', 'crm.accounts.relaybench.backlogged', 'v1', z.object({ n: z.number().int() }));
const loadEventV1 = defineEvent('accounts', 'crm.accounts.relaybench.written', 'v1', z.object({ n: z.number().int() }));

interface BenchRecord {
  _id: string;
  n: number;
  pendingEvents: CloudEvent[];
}

const actor = { userId: 'relay-bench', roles: [] };
const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const servers = await benchServers();
  const connection = await connectMongo({ url: servers.mongoUrl, dbName: `relay_bench_${Date.now()}`, monitorCommands: true });
  // Server time per command kind during a drain: what bounds the rate on this server.
  const serverMs = new Map<string, { count: number; ms: number }>();
  connection.getClient().on('commandSucceeded', (event: mongo.CommandSucceededEvent) => {
    const entry = serverMs.get(event.commandName) ?? { count: 0, ms: 0 };
    entry.count += 1;
    entry.ms += event.duration;
    serverMs.set(event.commandName, entry);
  });
  const bus = await connectEventBus(servers.natsUrl, 'relay-bench');
  const listener = await connectEventBus(servers.natsUrl, 'relay-bench-consumer');
  const stream = streamFor('accounts');
  await ensureStream(bus.jsm, stream);
  const schema = new Schema<BenchRecord>({ _id: String, n: Number }, { versionKey: false });
  schema.plugin(outboxPlugin);
  const Model = connection.model<BenchRecord>('RelayBench', schema, 'relay_bench');
  await Model.syncIndexes();
  const logger = pino({ level: 'warn' });
  const relayWith = (maxInFlight: number) =>
    new OutboxRelay({ js: bus.js, models: [Model], logger, metrics: new EventMetrics(new Registry()), pollIntervalMs: 3_600_000, maxInFlight });
  const rows: string[] = [];

  try {
    // (a) Draining a backlog.
    const seed = async (count: number, perDoc: number) => {
      for (let from = 0; from < count; from += 1000 * perDoc) {
        const docs = Array.from({ length: Math.min(1000, (count - from) / perDoc) }, (_, i) => {
          const id = randomUUID();
          return { _id: id, n: from + i, pendingEvents: Array.from({ length: perDoc }, (_, k) => createEvent(backlogEventV1, { subject: id, actor, data: { n: k } })) };
        });
        await Model.collection.insertMany(docs as never[], { ordered: false });
      }
    };
    const drainTimed = async (count: number, maxInFlight: number, perDoc = 1) => {
      await seed(count, perDoc);
      serverMs.clear();
      const t0 = performance.now();
      const published = await relayWith(maxInFlight).drain();
      const ms = performance.now() - t0;
      const spent = [...serverMs].map(([name, { count, ms: total }]) => `${name} ${count}× ${(total / 1000).toFixed(2)} s`).join(', ');
      if (published !== count) throw new Error(`drained ${published} of ${count}`);
      rows.push(`| drain a backlog of ${count.toLocaleString('en')} events, ${perDoc} per document (${maxInFlight} document${maxInFlight === 1 ? '' : 's'} in flight) | ${published.toLocaleString('en')} events | ${(ms / 1000).toFixed(2)} s | ${Math.round((published / ms) * 1000).toLocaleString('en')} events/s |`);
      console.log(rows[rows.length - 1], `database round trips: ${spent}`);
    };
    await drainTimed(backlog, inFlight);
    await drainTimed(backlog, inFlight, 4);
    await drainTimed(Math.max(1000, Math.round(backlog / 10)), 1);

    // (b) Lag under a steady concurrent write load.
    const consumer = await listener.js.consumers.get(stream.name, { filterSubjects: loadEventV1.type, deliver_policy: DeliverPolicy.New });
    const messages = await consumer.consume();
    const lags: number[] = [];
    const seen = new Set<string>();
    const received = (async () => {
      for await (const message of messages) {
        const event = JSON.parse(Buffer.from(message.data).toString('utf8')) as CloudEvent;
        lags.push(Date.now() - Date.parse(event.time));
        seen.add(event.id);
      }
    })();
    const relay = relayWith(inFlight);
    const undoKicks = kickRelayAfterWrites(connection, () => relay.kick());
    relay.start();
    await sleep(200);

    const writeMs: number[] = [];
    const acknowledged: string[] = [];
    const perWriterGap = (1000 * writers) / rate;
    const until = performance.now() + seconds * 1000;
    const started = performance.now();
    let n = 0;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        // Writers start spread over one gap so the load is steady, not in bursts of 20.
        await sleep((perWriterGap * w) / writers);
        for (let due = performance.now(); due < until; due += perWriterGap) {
          const wait = due - performance.now();
          if (wait > 0) await sleep(wait);
          const id = randomUUID();
          const event = createEvent(loadEventV1, { subject: id, actor, data: { n: n++ } });
          const t0 = performance.now();
          await Model.create({ _id: id, n: 0, pendingEvents: [event] });
          writeMs.push(performance.now() - t0);
          acknowledged.push(event.id);
        }
      }),
    );
    const wallS = (performance.now() - started) / 1000;
    const deadline = Date.now() + 30_000;
    while (seen.size < acknowledged.length && Date.now() < deadline) await sleep(50);
    undoKicks();
    await relay.stop();
    messages.stop();
    await received;

    const lag = [...lags].sort((a, b) => a - b);
    const writes = [...writeMs].sort((a, b) => a - b);
    const missing = acknowledged.filter((id) => !seen.has(id)).length;
    rows.push(
      `| ${writers} writers, ${(acknowledged.length / wallS).toFixed(0)} writes/s for ${seconds} s: event lag (receive − event time) | ${lags.length.toLocaleString('en')} events${missing ? `, ${missing} missing` : ''} | p50 ${percentile(lag, 0.5)} ms, p95 ${percentile(lag, 0.95)} ms, p99 ${percentile(lag, 0.99)} ms, max ${lag[lag.length - 1]} ms | write p50 ${percentile(writes, 0.5).toFixed(1)} ms, p99 ${percentile(writes, 0.99).toFixed(1)} ms |`,
    );

    console.log(`\nOutbox relay benchmark (${new Date().toISOString()}, servers: ${servers.source}, node ${process.version})`);
    console.log('| scenario | count | time / latency | rate |');
    console.log('| --- | ---: | --- | --- |');
    for (const row of rows) console.log(row);
  } finally {
    await listener.nc.drain().catch(() => undefined);
    await bus.nc.drain().catch(() => undefined);
    await connection.close();
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
