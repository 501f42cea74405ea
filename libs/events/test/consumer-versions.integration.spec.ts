import { deadLetterSubject, defineEvent, streamFor, type EventContract } from '@crm/contracts';
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { z } from 'zod';
import { acceptedVersions, connectEventBus, createEvent, encodeEvent, ensureStream, listDeadLetters, ProcessedEvents, startConsumer, type CloudEvent, type EventBus } from '../src';
import { eventually } from '@crm/testing';
import { newMetrics, probeDatabase, probeHappenedV1, silentLogger } from './events-fixture';

/** A breaking change of the probe event: a new required field, so a new version published alongside v1. */
const probeHappenedV2 = defineEvent('accounts', 'crm.accounts.probe.happened', 'v2', z.object({ n: z.number().int(), label: z.string() }));
const probeHappenedV3 = defineEvent('accounts', 'crm.accounts.probe.happened', 'v3', z.object({ count: z.number().int() }));

describe('a consumer across versions of its event (real NATS JetStream)', () => {
  let connection: Connection;
  let bus: EventBus;
  let processed: ProcessedEvents;

  beforeAll(async () => {
    connection = await probeDatabase();
    processed = new ProcessedEvents(connection);
    bus = await connectEventBus(process.env.NATS_URL!, 'consumer-versions-test');
    await ensureStream(bus.jsm, streamFor('accounts'));
  });
  afterAll(async () => {
    await bus.nc.drain();
    await connection.close();
  });

  const publish = async (contract: EventContract, data: unknown) => {
    const event = createEvent(contract, { subject: randomUUID(), actor: { userId: 'tester', roles: [] }, data: data as never });
    await bus.js.publish(event.type, encodeEvent(event), { msgID: event.id });
    return event;
  };
  const outcomes = async (metrics: ReturnType<typeof newMetrics>, durable: string) =>
    Object.fromEntries((await metrics.consumed.get()).values.filter((v) => v.labels.durable === durable).map((v) => [v.labels.outcome, v.value]));

  it('lists the versions a handler accepts, oldest first', () => {
    expect(acceptedVersions({ contract: probeHappenedV2, olderVersions: [{ contract: probeHappenedV1, upgrade: (d) => d }] }).map((c) => c.version)).toEqual(['v1', 'v2']);
    expect(acceptedVersions({ contract: probeHappenedV1 }).map((c) => c.version)).toEqual(['v1']);
  });

  it('reads the older version it still accepts through its upgrade, and skips a newer version it does not read yet', async () => {
    const durable = `test-versions-${randomUUID().slice(0, 8)}`;
    const seen: CloudEvent<{ n: number; label: string }>[] = [];
    const metrics = newMetrics();
    const consumer = await startConsumer(
      {
        contract: probeHappenedV2,
        olderVersions: [{ contract: probeHappenedV1, upgrade: (data: { n: number }) => ({ ...data, label: 'unlabelled' }) }],
        durable,
        handle: async (event) => void seen.push(event as CloudEvent<{ n: number; label: string }>),
      },
      { bus, service: 'surveys', processed, metrics, logger: silentLogger },
    );
    const v1 = await publish(probeHappenedV1, { n: 1 });
    const v2 = await publish(probeHappenedV2, { n: 2, label: 'two' });
    const v3 = await publish(probeHappenedV3, { count: 3 });
    const last = await publish(probeHappenedV2, { n: 4, label: 'four' });
    await eventually(async () => {
      if (!seen.some((e) => e.id === last.id)) throw new Error('not yet');
    }, 15_000);
    await consumer.stop();
    expect(seen.map((e) => [e.id, e.data, e.dataschema])).toEqual([
      [v1.id, { n: 1, label: 'unlabelled' }, 'urn:crm:event:crm.accounts.probe.happened:v2'],
      [v2.id, { n: 2, label: 'two' }, 'urn:crm:event:crm.accounts.probe.happened:v2'],
      [last.id, { n: 4, label: 'four' }, 'urn:crm:event:crm.accounts.probe.happened:v2'],
    ]);
    expect(seen.some((e) => e.id === v3.id)).toBe(false);
    expect(await outcomes(metrics, durable)).toEqual({ ok: 3, other_version: 1 });
    expect(await listDeadLetters(bus, deadLetterSubject('surveys', durable))).toHaveLength(0);
  });

  it('lets a consumer that reads only v1 skip the v2 published alongside it, and still dead-letters a v1 that breaks its contract', async () => {
    const durable = `test-v1-only-${randomUUID().slice(0, 8)}`;
    const seen: string[] = [];
    const metrics = newMetrics();
    const consumer = await startConsumer({ contract: probeHappenedV1, durable, handle: async (event) => void seen.push(event.id) }, { bus, service: 'surveys', processed, metrics, logger: silentLogger });
    const v2 = await publish(probeHappenedV2, { n: 5, label: 'five' });
    const bad = { ...createEvent(probeHappenedV1, { subject: 'x', actor: { userId: 'tester', roles: [] }, data: { n: 6 } }), data: { n: 'six' } };
    await bus.js.publish(bad.type, encodeEvent(bad as CloudEvent), { msgID: bad.id });
    const v1 = await publish(probeHappenedV1, { n: 7 });
    await eventually(async () => {
      if (!seen.includes(v1.id) || (await listDeadLetters(bus, deadLetterSubject('surveys', durable))).length === 0) throw new Error('not yet');
    }, 15_000);
    await consumer.stop();
    expect(seen).not.toContain(v2.id);
    expect((await listDeadLetters(bus, deadLetterSubject('surveys', durable))).map((letter) => letter.eventId)).toEqual([bad.id]);
    // The stream is read from the start: the v2 and v3 events of the test above are skipped here too.
    expect(await outcomes(metrics, durable)).toMatchObject({ other_version: expect.any(Number), dead_letter: 1 });
    expect((await outcomes(metrics, durable)).other_version).toBeGreaterThanOrEqual(1);
  });
});
