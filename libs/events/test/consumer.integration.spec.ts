import { deadLetterSubject, streamFor } from '@crm/contracts';
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import {
  connectEventBus,
  createEvent,
  encodeEvent,
  ensureStream,
  isJetStreamError,
  JetStreamErrorCode,
  listDeadLetters,
  ProcessedEvents,
  replayDeadLetter,
  startConsumer,
  type CloudEvent,
  type EventBus,
} from '../src';
import { eventually } from '@crm/testing';
import { AckPolicy } from 'nats';
import { newMetrics, probeDatabase, probeHappenedV1, silentLogger } from './events-fixture';

/** Wait until `check` holds (deliveries and redeliveries happen in the background). */
function until(check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  return eventually(async () => {
    if (!(await check())) throw new Error('condition not met in time');
  }, timeoutMs);
}

describe('durable consumers against a real NATS JetStream', () => {
  let connection: Connection;
  let bus: EventBus;
  let processed: ProcessedEvents;

  beforeAll(async () => {
    connection = await probeDatabase();
    processed = new ProcessedEvents(connection);
    bus = await connectEventBus(process.env.NATS_URL!, 'consumer-test');
    await ensureStream(bus.jsm, streamFor('accounts'));
  });
  afterAll(async () => {
    await bus.nc.drain();
    await connection.close();
  });

  const publishProbe = async (n: number) => {
    const event = createEvent(probeHappenedV1, { subject: randomUUID(), actor: { userId: 'tester', roles: [] }, data: { n } });
    await bus.js.publish(event.type, encodeEvent(event), { msgID: event.id });
    return event;
  };
  const deps = () => ({ bus, service: 'surveys' as const, processed, metrics: newMetrics(), logger: silentLogger });

  it('handles each event once even when the same event is delivered again', async () => {
    const durable = `test-once-${randomUUID().slice(0, 8)}`;
    const seen: string[] = [];
    const event = await publishProbe(1);
    const consumer = await startConsumer({ contract: probeHappenedV1, durable, handle: async (e) => void seen.push(e.id) }, deps());
    await until(() => seen.includes(event.id));
    // The same event again under another message id, as a replay would send it.
    await bus.js.publish(event.type, encodeEvent(event as CloudEvent), { msgID: `again-${event.id}` });
    await new Promise((r) => setTimeout(r, 500));
    await consumer.stop();
    expect(seen.filter((id) => id === event.id)).toHaveLength(1);
  });

  it('sends an event whose handler keeps failing to the dead-letter subject after the configured deliveries, and can replay it', async () => {
    const durable = `test-dlq-${randomUUID().slice(0, 8)}`;
    let attempts = 0;
    let healthy = false;
    const event = await publishProbe(2);
    const consumer = await startConsumer(
      {
        contract: probeHappenedV1,
        durable,
        maxDeliver: 3,
        backoffMs: [50, 100],
        handle: async (e) => {
          if (e.id !== event.id) return;
          attempts += 1;
          if (!healthy) throw new Error('downstream refused');
        },
      },
      deps(),
    );
    let letters: Awaited<ReturnType<typeof listDeadLetters>> = [];
    await until(async () => {
      letters = await listDeadLetters(bus, deadLetterSubject('surveys', durable));
      return letters.length === 1;
    });
    expect(attempts).toBe(3);
    expect(letters[0]).toMatchObject({ eventId: event.id, consumer: durable, originalSubject: probeHappenedV1.type, deliveries: 3, error: 'downstream refused' });

    healthy = true;
    await replayDeadLetter(bus, letters[0].sequence);
    await until(() => attempts === 4);
    await until(async () => processed.has(durable, event.id));
    expect(await listDeadLetters(bus, deadLetterSubject('surveys', durable))).toHaveLength(0);
    await consumer.stop();
  });

  it('dead-letters a payload that breaks its contract at once, without retrying', async () => {
    const durable = `test-poison-${randomUUID().slice(0, 8)}`;
    let calls = 0;
    const bad = { ...createEvent(probeHappenedV1, { subject: 'x', actor: { userId: 't', roles: [] }, data: { n: 1 } }), data: { n: 'not a number' } };
    await bus.js.publish(bad.type, encodeEvent(bad as CloudEvent), { msgID: bad.id });
    const consumer = await startConsumer({ contract: probeHappenedV1, durable, handle: async () => void (calls += 1) }, deps());
    await until(async () => (await listDeadLetters(bus, deadLetterSubject('surveys', durable))).some((l) => l.eventId === bad.id));
    await consumer.stop();
    const letter = (await listDeadLetters(bus, deadLetterSubject('surveys', durable))).find((l) => l.eventId === bad.id)!;
    expect(letter.deliveries).toBe(1);
  });

  it('fails to start, naming the reason, when JetStream refuses to update an existing durable (it is not recreated behind the refusal)', async () => {
    const durable = `test-refused-${randomUUID().slice(0, 8)}`;
    const stream = streamFor('accounts').name;
    // A durable someone set up with three back-off steps: JetStream will not lower max_deliver below that.
    await bus.jsm.consumers.add(stream, { durable_name: durable, ack_policy: AckPolicy.Explicit, filter_subject: probeHappenedV1.type, max_deliver: 5, backoff: [1e9, 2e9, 3e9] });
    const refused = await startConsumer({ contract: probeHappenedV1, durable, maxDeliver: 2, handle: async () => undefined }, deps()).catch((error: unknown) => error);
    expect(refused).toMatchObject({ message: expect.stringContaining('backoff') });
    expect((await bus.jsm.consumers.info(stream, durable)).config).toMatchObject({ max_deliver: 5, backoff: [1e9, 2e9, 3e9] });
    await bus.jsm.consumers.delete(stream, durable);
  });

  it('classifies JetStream answers by their API error code', async () => {
    const missingStream = await bus.jsm.streams.info(`NO_SUCH_STREAM_${randomUUID().slice(0, 8)}`).catch((error: unknown) => error);
    expect(isJetStreamError(missingStream, JetStreamErrorCode.streamNotFound)).toBe(true);
    expect(isJetStreamError(missingStream, JetStreamErrorCode.consumerNotFound)).toBe(false);
    const missingConsumer = await bus.jsm.consumers.info(streamFor('accounts').name, `no-such-${randomUUID().slice(0, 8)}`).catch((error: unknown) => error);
    expect(isJetStreamError(missingConsumer, JetStreamErrorCode.consumerNotFound)).toBe(true);
    expect(isJetStreamError(new Error('stream not found'), JetStreamErrorCode.streamNotFound)).toBe(false);
  });
});
