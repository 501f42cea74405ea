import { streamFor } from '@crm/contracts';
import { eventsOnStream, eventually } from '@crm/testing';
import { randomUUID } from 'node:crypto';
import { Schema, type Connection } from 'mongoose';
import {
  connectEventBus,
  createEvent,
  ensureStream,
  kickRelayAfterWrites,
  OutboxRelay,
  outboxPlugin,
  StaleRevisionError,
  updateCarriesEvents,
  updateVersioned,
  withEvents,
  type CloudEvent,
  type EventBus,
} from '../src';
import { newMetrics, probeDatabase, probeHappenedV1, silentLogger } from './events-fixture';

interface VersionedProbe {
  _id: string;
  n: number;
  note: string | null;
  hits: number;
  revision: number;
  pendingEvents: CloudEvent[];
}

function versionedProbeModel(connection: Connection) {
  const schema = new Schema<VersionedProbe>({ _id: String, n: Number, note: { type: String, default: null }, hits: { type: Number, default: 0 }, revision: { type: Number, default: 0 } }, { versionKey: false });
  schema.plugin(outboxPlugin);
  return connection.model<VersionedProbe>('VersionedProbe', schema, 'versioned_probes');
}

const probeEvent = (id: string, n: number) => createEvent(probeHappenedV1, { subject: id, actor: { userId: 'tester', roles: [] }, data: { n } });

describe('updateCarriesEvents: which writes ask the relay for a pass', () => {
  const event = probeEvent('p-1', 1);

  it('sees the events withEvents adds, and an outbox written with $set or $setOnInsert', () => {
    expect(updateCarriesEvents(withEvents({ $set: { n: 1 } }, event) as Record<string, unknown>)).toBe(true);
    expect(updateCarriesEvents({ $set: { pendingEvents: [event] } })).toBe(true);
    expect(updateCarriesEvents({ $setOnInsert: { pendingEvents: [event] } })).toBe(true);
    expect(updateCarriesEvents({ $push: { pendingEvents: event } })).toBe(true);
  });

  it('ignores writes that add no event: plain changes, empty pushes and the relay clearing what it published', () => {
    expect(updateCarriesEvents(null)).toBe(false);
    expect(updateCarriesEvents({ $set: { n: 1 } })).toBe(false);
    expect(updateCarriesEvents(withEvents({ $set: { n: 1 } }) as Record<string, unknown>)).toBe(false);
    expect(updateCarriesEvents({ $push: { pendingEvents: { $each: [] } } })).toBe(false);
    expect(updateCarriesEvents({ $set: { pendingEvents: [] } })).toBe(false);
    expect(updateCarriesEvents({ $pull: { pendingEvents: { id: event.id } } })).toBe(false);
  });
});

describe('outbox writes against real MongoDB-wire and NATS servers', () => {
  let connection: Connection;
  let bus: EventBus;
  let Probe: ReturnType<typeof versionedProbeModel>;

  beforeAll(async () => {
    connection = await probeDatabase();
    Probe = versionedProbeModel(connection);
    bus = await connectEventBus(process.env.NATS_URL!, 'outbox-writes-test');
    await ensureStream(bus.jsm, streamFor('accounts'));
  });
  afterAll(async () => {
    await bus.nc.drain();
    await connection.close();
  });

  const newProbe = async (fields: Partial<VersionedProbe> = {}) => (await Probe.create({ _id: randomUUID(), n: 0, ...fields })).toObject();

  describe('updateVersioned', () => {
    it('writes the change, bumps the revision and commits the events in the same write', async () => {
      const probe = await newProbe({ hits: 2 });
      const event = probeEvent(probe._id, 7);
      const saved = await updateVersioned(Probe, probe, { $set: { n: 7 }, $inc: { hits: 1 } }, [event]);
      expect(saved).toMatchObject({ _id: probe._id, n: 7, hits: 3, revision: 1 });
      expect(saved.pendingEvents.map((e) => e.id)).toEqual([event.id]);
      expect(await Probe.findById(probe._id).lean()).toMatchObject({ n: 7, hits: 3, revision: 1, pendingEvents: [expect.objectContaining({ id: event.id })] });
    });

    it('throws StaleRevisionError and writes neither the change nor its event when the revision read is no longer current', async () => {
      const probe = await newProbe();
      await updateVersioned(Probe, probe, { $set: { n: 1 } }, []);
      // `probe` still names revision 0: someone else wrote in between.
      const stale = await updateVersioned(Probe, probe, { $set: { n: 2 } }, [probeEvent(probe._id, 2)]).catch((error: unknown) => error);
      expect(stale).toBeInstanceOf(StaleRevisionError);
      expect(stale).toMatchObject({ collection: 'versioned_probes', id: probe._id });
      expect(await Probe.findById(probe._id).lean()).toMatchObject({ n: 1, revision: 1, pendingEvents: [] });
    });

    it('treats a guard that no longer holds, or a document that is gone, as stale', async () => {
      const probe = await newProbe({ note: 'open' });
      await expect(updateVersioned(Probe, probe, { $set: { n: 3 } }, [], { guard: { note: 'closed' } })).rejects.toBeInstanceOf(StaleRevisionError);
      expect(await Probe.findById(probe._id).lean()).toMatchObject({ n: 0, revision: 0 });
      await expect(updateVersioned(Probe, { _id: randomUUID(), revision: 0 }, { $set: { n: 3 } }, [])).rejects.toBeInstanceOf(StaleRevisionError);
    });

    it('returns only the projected fields when asked to', async () => {
      const probe = await newProbe({ note: 'kept' });
      const saved = await updateVersioned(Probe, probe, { $set: { n: 4 } }, [], { projection: { n: 1 } });
      expect(saved).toEqual({ _id: probe._id, n: 4 });
    });
  });

  describe('relay kicks', () => {
    let kicks: number;
    let undo: () => void;
    beforeEach(() => {
      kicks = 0;
      undo = kickRelayAfterWrites(connection, () => (kicks += 1));
    });
    afterEach(() => undo());

    it('kick the relay of the connection once per write that carried events, through any write path', async () => {
      const probe = await newProbe({ pendingEvents: [probeEvent('seed', 0)] });
      expect(kicks).toBe(1);
      await Probe.updateOne({ _id: probe._id }, withEvents<VersionedProbe>({ $set: { n: 1 } }, probeEvent(probe._id, 1)));
      await updateVersioned(Probe, { _id: probe._id, revision: 0 }, { $set: { n: 2 } }, [probeEvent(probe._id, 2)]);
      await Probe.updateMany({ _id: probe._id }, withEvents<VersionedProbe>({ $set: { n: 3 } }, probeEvent(probe._id, 3)));
      expect(kicks).toBe(4);
    });

    it('leave the relay alone for writes without events, and stop once undone', async () => {
      const probe = await newProbe();
      await Probe.updateOne({ _id: probe._id }, { $set: { n: 1 } });
      await updateVersioned(Probe, probe, { $set: { n: 2 } }, []);
      await Probe.updateOne({ _id: probe._id }, { $pull: { pendingEvents: { id: 'none' } } });
      expect(kicks).toBe(0);
      undo();
      await Probe.updateOne({ _id: probe._id }, withEvents<VersionedProbe>({ $set: { n: 3 } }, probeEvent(probe._id, 3)));
      expect(kicks).toBe(0);
    });
  });

  it('publishes an event written with updateVersioned without waiting for the relay poll', async () => {
    // A poll far beyond the wait below: only the kick after the write can publish in time.
    const metrics = newMetrics();
    const relay = new OutboxRelay({ js: bus.js, models: [Probe], logger: silentLogger, metrics, pollIntervalMs: 3_600_000 });
    const undo = kickRelayAfterWrites(connection, () => relay.kick());
    relay.start();
    try {
      // The start-up pass sets the backlog gauge when it ends; after it, only a kick can publish the write below.
      await eventually(async () => expect((await metrics.outboxBacklog.get()).values).toHaveLength(1));
      const probe = await newProbe();
      const event = probeEvent(probe._id, 5);
      await updateVersioned(Probe, probe, { $set: { n: 5 } }, [event]);
      const published = await eventually(async () => {
        const found = await eventsOnStream(bus.jsm, streamFor('accounts').name, probeHappenedV1.type, probe._id);
        if (found.length === 0) throw new Error('not published yet');
        return found;
      }, 10_000);
      expect(published.map((e) => e.id)).toEqual([event.id]);
      await eventually(async () => expect((await Probe.findById(probe._id).lean())!.pendingEvents).toEqual([]), 10_000);
    } finally {
      undo();
      await relay.stop();
    }
  });
});
