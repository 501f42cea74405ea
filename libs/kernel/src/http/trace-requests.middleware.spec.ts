import { installTestSpanExporter, startTelemetry, type Telemetry } from '@crm/telemetry';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { request } from 'node:http';
import pino from 'pino';
import { Registry } from 'prom-client';
import { createHttpShell } from './http-shell';
import { startHttpServer, type RunningHttpServer } from './http-server';

// The HTTP shell with a tracer: a server span per GraphQL request, continuing the caller's traceparent, active in the
// handler after the body parser (which resumes from the request's stream events), ended with the response status.
describe('server spans of the HTTP shell', () => {
  const exporter = new InMemorySpanExporter();
  let uninstall: () => void;
  let telemetry: Telemetry;
  let server: RunningHttpServer;
  const seenInHandler: (string | undefined)[] = [];

  beforeAll(async () => {
    uninstall = installTestSpanExporter(exporter);
    telemetry = startTelemetry('accounts', {});
    const app = createHttpShell({ logger: pino({ level: 'silent' }), registry: new Registry(), readiness: async () => ({ ok: true }), bodyLimitBytes: 1024, tracer: telemetry.tracer });
    app.use('/graphql', (req, res) => {
      seenInHandler.push(trace.getActiveSpan()?.spanContext().spanId);
      if (req.body?.fail) res.status(500).json({ errors: [{ message: 'boom' }] });
      else res.json({ ok: true });
    });
    server = await startHttpServer(app, { host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await server.close(1000);
    await telemetry.shutdown();
    uninstall();
  });
  beforeEach(() => {
    exporter.reset();
    seenInHandler.length = 0;
  });

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const finished = async (count: number) => {
    for (let i = 0; i < 100 && exporter.getFinishedSpans().length < count; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    return exporter.getFinishedSpans();
  };

  it("continues the caller's trace, and the span is active in the handler", async () => {
    const res = await post('{"query":"{ a }"}', { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'x-request-id': 'req-1' });
    expect(res.status).toBe(200);
    const [span] = await finished(1);
    expect(span).toMatchObject({ name: 'POST /graphql', kind: SpanKind.SERVER, parentSpanId: '00f067aa0ba902b7' });
    expect(span.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(span.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/graphql', 'http.response.status_code': 200, 'crm.request_id': 'req-1' });
    expect(seenInHandler).toEqual([span.spanContext().spanId]);
  });

  it('keeps the span active when the body arrives in pieces, read by the parser over several stream events', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('{"query":');
      setTimeout(() => req.end('"{ a }"}'), 50);
    });
    expect(status).toBe(200);
    const [span] = await finished(1);
    expect(seenInHandler).toEqual([span.spanContext().spanId]);
  });

  it('starts a trace without a traceparent, and marks a 5xx failed but not a 4xx', async () => {
    await post('{"fail":true}');
    await post('{not json');
    const spans = await finished(2);
    const byStatus = new Map(spans.map((span) => [span.attributes['http.response.status_code'], span]));
    expect(byStatus.get(500)?.status.code).toBe(SpanStatusCode.ERROR);
    expect(byStatus.get(500)?.parentSpanId).toBeUndefined();
    expect(byStatus.get(400)?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('does not trace the probes or /metrics', async () => {
    await fetch(`${server.url}/healthz`);
    await fetch(`${server.url}/metrics`);
    await post('{}');
    const spans = await finished(1);
    expect(spans.map((span) => span.attributes['url.path'])).toEqual(['/graphql']);
  });
});
