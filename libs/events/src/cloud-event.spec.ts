import { complaintOpenedV1, samplePayload } from '@crm/contracts';
import { contextFromHeaders, installTestSpanExporter, linksTo, startTelemetry, withSpan } from '@crm/telemetry';
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { createEvent, encodeEvent, parseEvent } from './cloud-event';

// The CloudEvents distributed-tracing extension on the envelope: an event built inside traced work carries that
// span's W3C context, an event built outside carries none, and either (or one from before tracing) still parses.
describe('trace context in the CloudEvents envelope', () => {
  const exporter = new InMemorySpanExporter();
  const uninstall = installTestSpanExporter(exporter);
  const telemetry = startTelemetry('service-desk', {});
  afterAll(async () => {
    await telemetry.shutdown();
    uninstall();
  });

  const newEvent = () => createEvent(complaintOpenedV1, { subject: 'T-1', data: samplePayload(complaintOpenedV1, 'minimal') as never, actor: { userId: 'agent-he', roles: ['service_agent'] } });

  it('records the active span as traceparent, and it survives the bus', async () => {
    const event = await withSpan(telemetry.tracer, 'POST /graphql', {}, async (span) => {
      const built = newEvent();
      const { traceId, spanId } = span.spanContext();
      expect(built.traceparent).toBe(`00-${traceId}-${spanId}-01`);
      return built;
    });
    expect(event.tracestate).toBeUndefined();
    const received = parseEvent(complaintOpenedV1, encodeEvent(event));
    expect(received.traceparent).toBe(event.traceparent);
    const [producer] = exporter.getFinishedSpans();
    expect(linksTo(received)).toEqual([{ context: expect.objectContaining({ traceId: producer.spanContext().traceId, spanId: producer.spanContext().spanId }) }]);
  });

  it('carries tracestate along with traceparent when the trace has one', () => {
    const incoming = contextFromHeaders({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'vendor=abc' });
    const event = context.with(trace.setSpan(incoming, telemetry.tracer.startSpan('child', {}, incoming)), () => newEvent());
    expect(event.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(event.tracestate).toBe('vendor=abc');
  });

  it('records nothing outside a trace', () => {
    const event = newEvent();
    expect(event).not.toHaveProperty('traceparent');
    expect(event).not.toHaveProperty('tracestate');
    expect(linksTo(event)).toEqual([]);
  });

  it('parses an event written before tracing, and one whose traceparent is malformed (only the link is lost)', () => {
    const beforeTracing = JSON.parse(Buffer.from(encodeEvent(newEvent())).toString('utf8')) as Record<string, unknown>;
    expect(Object.keys(beforeTracing).filter((key) => key.startsWith('trace'))).toEqual([]);
    expect(parseEvent(complaintOpenedV1, encodeEvent(beforeTracing as never)).traceparent).toBeUndefined();
    const garbled = { ...newEvent(), traceparent: 'not-a-traceparent', tracestate: 'x' };
    const parsed = parseEvent(complaintOpenedV1, encodeEvent(garbled));
    expect(parsed.traceparent).toBe('not-a-traceparent');
    expect(linksTo(parsed)).toEqual([]);
    // The all-zero trace id is invalid by the W3C spec: no link to it either.
    expect(linksTo({ traceparent: `00-${'0'.repeat(32)}-b7ad6b7169203331-01` })).toEqual([]);
  });
});
