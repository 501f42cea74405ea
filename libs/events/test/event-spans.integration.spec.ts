import { streamFor } from '@crm/contracts';
import { eventually } from '@crm/testing';
import { installTestSpanExporter, startTelemetry, withSpan, type Telemetry } from '@crm/telemetry';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Connection } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { connectEventBus, createEvent, ensureStream, OutboxRelay, ProcessedEvents, startConsumer, withEvents, type EventBus } from '../src';
import { newMetrics, probeDatabase, probeHappenedV1, probeModel, silentLogger, type ProbeRecord } from './events-fixture';

// The relay's send span and a consumer's process span on the real bus: each links to the span that wrote the event,
// in a trace of its own; a handler that fails marks its span failed (and the redelivery gets a span of its own).
describe('spans of the outbox relay and the consumers', () => {
  const exporter = new InMemorySpanExporter();
  let uninstall: () => void;
  let telemetry: Telemetry;
  let connection: Connection;
  let bus: EventBus;

  beforeAll(async () => {
    uninstall = installTestSpanExporter(exporter);
    telemetry = startTelemetry('accounts', {});
    connection = await probeDatabase();
    bus = await connectEventBus(process.env.NATS_URL!, 'event-spans-test');
    await ensureStream(bus.jsm, streamFor('accounts'));
  });
  afterAll(async () => {
    await bus.nc.drain();
    await connection.close();
    await telemetry.shutdown();
    uninstall();
  });

  const spansOf = (eventId: string, kind: SpanKind) => exporter.getFinishedSpans().filter((s) => s.kind === kind && s.attributes['messaging.message.id'] === eventId);
  const linksTo = (span: ReadableSpan, to: ReadableSpan) => span.links.some((l) => l.context.spanId === to.spanContext().spanId && l.context.traceId === to.spanContext().traceId);

  it('links the send and each delivery to the producing span; a failed handling is marked on its span', async () => {
    const Probe = probeModel(connection);
    await Probe.createIndexes();
    const relay = new OutboxRelay({ js: bus.js, models: [Probe], logger: silentLogger, metrics: newMetrics(), pollIntervalMs: 60_000, tracer: telemetry.tracer });
    let attempts = 0;
    const consumer = await startConsumer(
      {
        contract: probeHappenedV1,
        durable: `test-spans-${randomUUID().slice(0, 8)}`,
        backoffMs: [50],
        handle: async () => {
          attempts += 1;
          if (attempts === 1) throw new Error('first delivery fails');
        },
      },
      { bus, service: 'surveys', processed: new ProcessedEvents(connection), metrics: newMetrics(), logger: silentLogger, tracer: telemetry.tracer },
    );
    try {
      // The write happens inside a span (as inside a request): the event records it.
      const { producer, eventId } = await withSpan(telemetry.tracer, 'POST /graphql', { kind: SpanKind.SERVER }, async (span) => {
        const event = createEvent(probeHappenedV1, { subject: randomUUID(), actor: { userId: 'tester', roles: [] }, data: { n: 1 } });
        await Probe.updateOne({ _id: randomUUID() }, withEvents<ProbeRecord>({ $set: { n: 1 } }, event), { upsert: true });
        return { producer: span, eventId: event.id };
      });
      await relay.drain();
      await eventually(async () => {
        if (spansOf(eventId, SpanKind.CONSUMER).length < 2) throw new Error('two deliveries not traced yet');
      }, 15_000);
      const producerSpan = exporter.getFinishedSpans().find((s) => s.spanContext().spanId === producer.spanContext().spanId)!;

      const [send] = spansOf(eventId, SpanKind.PRODUCER);
      expect(send.name).toBe(`send ${probeHappenedV1.type}`);
      expect(linksTo(send, producerSpan)).toBe(true);
      expect(send.spanContext().traceId).not.toBe(producerSpan.spanContext().traceId);

      const [failed, succeeded] = spansOf(eventId, SpanKind.CONSUMER).sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
      for (const delivery of [failed, succeeded]) {
        expect(delivery.name).toBe(`process ${probeHappenedV1.type}`);
        expect(linksTo(delivery, producerSpan)).toBe(true);
        expect(delivery.parentSpanId).toBeUndefined();
      }
      expect(failed.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'first delivery fails' });
      expect(failed.events.map((e) => e.name)).toContain('exception');
      expect(succeeded.status.code).toBe(SpanStatusCode.UNSET);
    } finally {
      await consumer.stop();
      await relay.stop();
    }
  });
});
