import { streamFor } from '@crm/contracts';
import { connectMongo } from '@crm/data';
import { eventually, eventsOnStream, uniqueDatabaseName } from '@crm/testing';
import { Schema, type Connection, type mongo } from 'mongoose';
import type { JetStreamClient } from 'nats';
import { randomUUID } from 'node:crypto';
import { connectEventBus, createEvent, ensureStream, kickRelayAfterWrites, OutboxRelay, outboxPlugin, withEvents, type CloudEvent, type EventBus } from '../src';
import { newMetrics, probeHappenedV1, silentLogger, type ProbeRecord } from './events-fixture';

/** The relay's batches: many documents per pass, per-document order, one clearing write per batch, partial failures. */
describe('outbox relay batches against real MongoDB-wire and NATS servers', () => {
  let connection: Connection;
  let bus: EventBus;
  let commands: mongo.CommandStartedEvent[];
  let models = 0;

  beforeAll(async () => {
    connection = await connectMongo({ url: process.env.MONGO_URL!, dbName: uniqueDatabaseName('relay'), monitorCommands: true });
    connection.getClient().on('commandStarted', (event: mongo.CommandStartedEvent) => commands.push(event));
    bus = await connectEventBus(process.env.NATS_URL!, 'outbox-batches-test');
    await ensureStream(bus.jsm, streamFor('accounts'));
  });
  beforeEach(() => {
    commands = [];
  });
  afterAll(async () => {
    await bus.nc.drain();
    await connection.close();
  });

  /**
   * A fresh outbox collection per test, so one test's leftovers never reach another's relay. Its indexes are built
   * before anything is written: the dev server's sparse pending-events index misses documents inserted while it builds.
   */
  async function freshModel() {
    models += 1;
    const schema = new Schema<ProbeRecord>({ _id: String, n: Number }, { versionKey: false });
    schema.plugin(outboxPlugin);
    const model = connection.model<ProbeRecord>(`BatchProbe${models}`, schema, `batch_probes_${models}`);
    await model.init();
    return model;
  }

  const probeEvent = (id: string, n: number) => createEvent(probeHappenedV1, { subject: id, actor: { userId: 'tester', roles: [] }, data: { n } });
  const stored = (subject?: string) => eventsOnStream(bus.jsm, streamFor('accounts').name, probeHappenedV1.type, subject);
  const updates = () => commands.filter((c) => c.commandName === 'update');
  /** Per subject, the `n` of its events in stream order (one read of the stream). */
  async function orderBySubject(): Promise<Map<string, number[]>> {
    const bySubject = new Map<string, number[]>();
    for (const event of await stored()) bySubject.set(event.subject, [...(bySubject.get(event.subject) ?? []), event.data.n as number]);
    return bySubject;
  }

  /** Documents with `perDoc` pending events each, numbered 0..perDoc-1 in the order they were written. */
  async function seed(model: Awaited<ReturnType<typeof freshModel>>, docs: number, perDoc: number): Promise<Array<{ id: string; events: CloudEvent[] }>> {
    const seeded = Array.from({ length: docs }, () => {
      const id = randomUUID();
      return { id, events: Array.from({ length: perDoc }, (_, n) => probeEvent(id, n)) };
    });
    await model.insertMany(seeded.map(({ id, events }) => ({ _id: id, n: 0, pendingEvents: events })));
    return seeded;
  }

  /** A JetStream client that refuses the publishes `refuse` picks, and otherwise publishes for real. */
  function failingJs(refuse: (subject: string, msgID: string) => boolean): JetStreamClient {
    return new Proxy(bus.js, {
      get(target, property, receiver) {
        if (property !== 'publish') return Reflect.get(target, property, receiver);
        return async (subject: string, data: Uint8Array, options: { msgID: string }) => {
          if (refuse(subject, options.msgID)) throw new Error('NATS refused the publish');
          return target.publish(subject, data, options);
        };
      },
    });
  }

  it('drains many documents in one pass, each document\'s events in the order written, with one clearing write per batch', async () => {
    const Model = await freshModel();
    const seeded = await seed(Model, 300, 3);
    commands = [];
    const relay = new OutboxRelay({ js: bus.js, models: [Model], logger: silentLogger, metrics: newMetrics(), batchSize: 100, maxInFlight: 64 });

    const n = await relay.drain();
    expect(n).toBe(900);

    // 300 documents in batches of 100: three clearing writes, not one per event.
    expect(updates()).toHaveLength(3);
    expect(await Model.countDocuments({ 'pendingEvents.id': { $exists: true } })).toBe(0);
    const onStream = await stored();
    expect(new Set(onStream.map((e) => e.id)).size).toBe(onStream.length);
    const bySubject = await orderBySubject();
    for (const { id } of seeded) expect(bySubject.get(id)).toEqual([0, 1, 2]);
  });

  it('leaves exactly the unacknowledged events pending when a publish fails mid-batch, and publishes them in order on the next pass', async () => {
    const Model = await freshModel();
    const seeded = await seed(Model, 40, 3);
    // The second event of one document is refused: its first stays published, its second and third stay pending.
    const broken = seeded[17];
    const refused = broken.events[1].id;
    const relay = new OutboxRelay({ js: failingJs((_, msgID) => msgID === refused), models: [Model], logger: silentLogger, metrics: newMetrics(), maxInFlight: 8 });

    await expect(relay.drain()).rejects.toThrow('NATS refused the publish');

    const stillPending = await Model.find({ 'pendingEvents.id': { $exists: true } }).lean();
    const brokenNow = stillPending.find((doc) => doc._id === broken.id);
    expect(brokenNow!.pendingEvents.map((e) => e.id)).toEqual(broken.events.slice(1).map((e) => e.id));
    // Every other pending event was never acknowledged: none of them is on the stream; every cleared one is.
    const onStream = new Set((await stored()).map((e) => e.id));
    const pendingIds = stillPending.flatMap((doc) => doc.pendingEvents.map((e) => e.id));
    for (const id of pendingIds) expect(onStream.has(id)).toBe(false);
    const cleared = seeded.flatMap((doc) => doc.events.map((e) => e.id)).filter((id) => !pendingIds.includes(id));
    for (const id of cleared) expect(onStream.has(id)).toBe(true);
    expect(cleared.length + pendingIds.length).toBe(120);

    // The next pass (NATS back) publishes the rest: the broken document's events in their order, nothing twice.
    await new OutboxRelay({ js: bus.js, models: [Model], logger: silentLogger, metrics: newMetrics() }).drain();
    const bySubject = await orderBySubject();
    expect(bySubject.get(broken.id)).toEqual([0, 1, 2]);
    for (const { id } of seeded) expect(bySubject.get(id)).toEqual([0, 1, 2]);
    expect(await Model.countDocuments({ 'pendingEvents.id': { $exists: true } })).toBe(0);
  });

  it('stops starting documents after a failure: with one document in flight, those after it stay wholly pending', async () => {
    const Model = await freshModel();
    const [first, failing, after] = await seed(Model, 3, 2);
    const relay = new OutboxRelay({ js: failingJs((_, msgID) => msgID === failing.events[0].id), models: [Model], logger: silentLogger, metrics: newMetrics(), maxInFlight: 1 });

    await expect(relay.drain()).rejects.toThrow();

    expect((await Model.findById(first.id).lean())!.pendingEvents).toEqual([]);
    expect((await Model.findById(failing.id).lean())!.pendingEvents.map((e) => e.id)).toEqual(failing.events.map((e) => e.id));
    expect((await Model.findById(after.id).lean())!.pendingEvents.map((e) => e.id)).toEqual(after.events.map((e) => e.id));
    expect(await stored(failing.id)).toEqual([]);
    expect(await stored(after.id)).toEqual([]);
    expect((await stored(first.id)).map((e) => e.data.n)).toEqual([0, 1]);
  });

  it('keeps an event written while its document was being published: the clear pulls only what was acknowledged', async () => {
    const Model = await freshModel();
    const [doc] = await seed(Model, 1, 1);
    const late = probeEvent(doc.id, 1);
    // The write lands between the relay's read and its clear.
    const relay = new OutboxRelay({
      js: new Proxy(bus.js, {
        get(target, property, receiver) {
          if (property !== 'publish') return Reflect.get(target, property, receiver);
          return async (...args: Parameters<JetStreamClient['publish']>) => {
            await Model.updateOne({ _id: doc.id }, withEvents<ProbeRecord>({ $set: { n: 1 } }, late));
            return target.publish(...args);
          };
        },
      }),
      models: [Model],
      logger: silentLogger,
      metrics: newMetrics(),
    });

    expect(await relay.drain()).toBe(1);
    expect((await Model.findById(doc.id).lean())!.pendingEvents.map((e) => e.id)).toEqual([late.id]);
    await new OutboxRelay({ js: bus.js, models: [Model], logger: silentLogger, metrics: newMetrics() }).drain();
    expect((await stored(doc.id)).map((e) => e.data.n)).toEqual([0, 1]);
  });

  it('reads only the documents a write named when the write wakes it, and scans when a write named none', async () => {
    const Model = await freshModel();
    await seed(Model, 5, 0);
    const relay = new OutboxRelay({ js: bus.js, models: [Model], logger: silentLogger, metrics: newMetrics(), pollIntervalMs: 3_600_000 });
    const undo = kickRelayAfterWrites(connection, () => relay.kick());
    const finds = () => commands.filter((c) => c.commandName === 'find' && c.command.find === Model.collection.name).map((c) => c.command.filter as Record<string, unknown>);
    relay.start();
    try {
      await eventually(async () => expect(finds()).toHaveLength(1));
      expect(finds()[0]._id).toBeUndefined();
      commands = [];
      const id = randomUUID();
      await Model.create({ _id: id, n: 1, pendingEvents: [probeEvent(id, 0)] });
      await Model.updateOne({ _id: id }, withEvents<ProbeRecord>({ $set: { n: 2 } }, probeEvent(id, 1)));
      await eventually(async () => expect((await stored(id)).map((e) => e.data.n)).toEqual([0, 1]));
      expect(finds().length).toBeGreaterThan(0);
      for (const filter of finds()) expect(filter._id).toEqual({ $in: [id] });

      commands = [];
      await Model.updateMany({ n: 2 }, withEvents<ProbeRecord>({ $set: { n: 3 } }, probeEvent(id, 2)));
      await eventually(async () => expect((await stored(id)).map((e) => e.data.n)).toEqual([0, 1, 2]));
      expect(finds().some((filter) => filter._id === undefined)).toBe(true);
    } finally {
      undo();
      await relay.stop();
    }
  });
});
