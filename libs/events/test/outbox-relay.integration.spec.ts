import { streamFor } from '@crm/contracts';
import { eventsOnStream } from '@crm/testing';
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { connectEventBus, createEvent, encodeEvent, ensureStream, OutboxRelay, withEvents, type EventBus } from '../src';
import { newMetrics, probeDatabase, probeHappenedV1, probeModel, silentLogger, type ProbeRecord } from './events-fixture';

async function countOnStream(bus: EventBus, subjectId: string): Promise<number> {
  return (await eventsOnStream(bus.jsm, streamFor('accounts').name, probeHappenedV1.type, subjectId)).length;
}

describe('outbox relay against real MongoDB-wire and NATS servers', () => {
  let connection: Connection;
  let bus: EventBus;
  let Probe: ReturnType<typeof probeModel>;

  beforeAll(async () => {
    connection = await probeDatabase();
    Probe = probeModel(connection);
    bus = await connectEventBus(process.env.NATS_URL!, 'outbox-test');
    await ensureStream(bus.jsm, streamFor('accounts'));
  });
  afterAll(async () => {
    await bus.nc.drain();
    await connection.close();
  });

  const probeEvent = (id: string, n: number) => createEvent(probeHappenedV1, { subject: id, actor: { userId: 'tester', roles: [] }, data: { n } });

  it('publishes an event left behind by a relay that died between the write and the publish, exactly once', async () => {
    const id = randomUUID();
    // The write committed with its event, and no relay ran (the process died here).
    await Probe.create({ _id: id, n: 1, pendingEvents: [probeEvent(id, 1)] });
    const restarted = new OutboxRelay({ js: bus.js, models: [Probe], logger: silentLogger, metrics: newMetrics() });
    expect(await restarted.drain()).toBe(1);
    expect(await countOnStream(bus, id)).toBe(1);
    expect((await Probe.findById(id).lean())!.pendingEvents).toEqual([]);
  });

  it('does not duplicate an event re-published after a crash between publish and clear', async () => {
    const id = randomUUID();
    const event = probeEvent(id, 2);
    await Probe.create({ _id: id, n: 2, pendingEvents: [event] });
    // The first relay published, then died before removing the event from the document.
    await bus.js.publish(event.type, encodeEvent(event), { msgID: event.id });
    const restarted = new OutboxRelay({ js: bus.js, models: [Probe], logger: silentLogger, metrics: newMetrics() });
    await restarted.drain();
    expect(await countOnStream(bus, id)).toBe(1);
  });

  it('publishes nothing for a write that failed: the event never existed without its state change', async () => {
    const id = randomUUID();
    await Probe.create({ _id: id, n: 3 });
    // An update guarded on a stale condition matches nothing, so neither the change nor its event is written.
    const result = await Probe.updateOne({ _id: id, n: 999 }, withEvents<ProbeRecord>({ $set: { n: 4 } }, probeEvent(id, 4)));
    expect(result.modifiedCount).toBe(0);
    await new OutboxRelay({ js: bus.js, models: [Probe], logger: silentLogger, metrics: newMetrics() }).drain();
    expect(await countOnStream(bus, id)).toBe(0);
  });

  it('picks up leftovers when started, without waiting for a write', async () => {
    const id = randomUUID();
    await Probe.create({ _id: id, n: 5, pendingEvents: [probeEvent(id, 5), probeEvent(id, 6)] });
    const relay = new OutboxRelay({ js: bus.js, models: [Probe], logger: silentLogger, metrics: newMetrics(), pollIntervalMs: 60_000 });
    relay.start();
    const deadline = Date.now() + 10_000;
    while ((await countOnStream(bus, id)) < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await relay.stop();
    expect(await countOnStream(bus, id)).toBe(2);
  });
});
