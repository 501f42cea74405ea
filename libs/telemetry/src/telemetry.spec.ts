import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { activeTraceContext, contextFromHeaders } from './propagation';
import { withSpan } from './spans';
import { installTestSpanExporter, otlpTracesUrl, parseKeyValueList, samplerFrom, startTelemetry, tracingEnabled } from './telemetry';

describe('which OTEL_* settings turn tracing on', () => {
  it('is off by default and with OTEL_SDK_DISABLED or the none exporter, on with an exporter or an endpoint', () => {
    expect(tracingEnabled({})).toBe(false);
    expect(tracingEnabled({ OTEL_TRACES_EXPORTER: 'otlp' })).toBe(true);
    expect(tracingEnabled({ OTEL_TRACES_EXPORTER: 'console' })).toBe(true);
    expect(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracingEnabled({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
    expect(tracingEnabled({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(false);
    expect(tracingEnabled({ OTEL_SDK_DISABLED: true, OTEL_TRACES_EXPORTER: 'otlp' })).toBe(false);
  });

  it('sends traces to the traces endpoint as given, else to the base endpoint plus /v1/traces', () => {
    expect(otlpTracesUrl({})).toBe('http://localhost:4318/v1/traces');
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://tempo:4318/' })).toBe('http://tempo:4318/v1/traces');
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://tempo:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://jaeger:4318/custom' })).toBe('http://jaeger:4318/custom');
  });

  it('reads key=value lists as the spec writes them (percent-decoded, bad pairs skipped)', () => {
    expect(parseKeyValueList('api-key=s%3Dcret, deployment.environment.name=staging,broken,=x,bad=%E0%A4%A')).toEqual({ 'api-key': 's=cret', 'deployment.environment.name': 'staging' });
    expect(parseKeyValueList(undefined)).toEqual({});
  });

  it('names the sampler of OTEL_TRACES_SAMPLER, following the caller by default', () => {
    expect(samplerFrom({}).toString()).toMatch(/^ParentBased\{root=AlwaysOnSampler/);
    expect(samplerFrom({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }).toString()).toBe('TraceIdRatioBased{0.25}');
    expect(samplerFrom({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' }).toString()).toMatch(/root=TraceIdRatioBased\{0.1\}/);
    expect(samplerFrom({ OTEL_TRACES_SAMPLER: 'always_off' }).toString()).toBe('AlwaysOffSampler');
  });
});

describe('startTelemetry', () => {
  it('off, starts no SDK: its spans record nothing and carry no context', async () => {
    const telemetry = startTelemetry('accounts', {});
    expect(telemetry.enabled).toBe(false);
    await withSpan(telemetry.tracer, 'work', {}, async (span) => {
      expect(span.isRecording()).toBe(false);
      expect(activeTraceContext()).toEqual({});
    });
    await telemetry.shutdown();
  });

  it('with the test exporter, gives each service its own service.name and continues a caller’s trace', async () => {
    const exporter = new InMemorySpanExporter();
    const uninstall = installTestSpanExporter(exporter);
    try {
      const accounts = startTelemetry('accounts', {}, '1.2.3');
      const credit = startTelemetry('credit', {});
      const caller = contextFromHeaders({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
      await context.with(caller, () => withSpan(accounts.tracer, 'accounts work', {}, () => withSpan(credit.tracer, 'credit work', {}, async () => undefined)));
      const [creditSpan, accountsSpan] = exporter.getFinishedSpans();
      expect(accountsSpan.resource.attributes).toMatchObject({ 'service.name': 'accounts', 'service.version': '1.2.3' });
      expect(creditSpan.resource.attributes['service.name']).toBe('credit');
      expect(accountsSpan.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
      expect(accountsSpan.parentSpanId).toBe('00f067aa0ba902b7');
      expect(creditSpan.parentSpanId).toBe(accountsSpan.spanContext().spanId);
      await accounts.shutdown();
      await credit.shutdown();
    } finally {
      uninstall();
    }
    expect(startTelemetry('accounts', {}).enabled).toBe(false);
  });

  it('on through OTEL_EXPORTER_OTLP_ENDPOINT, exports OTLP/HTTP to the collector with the configured headers and resource', async () => {
    const received: { url?: string; headers: IncomingHttpHeaders; body: string }[] = [];
    const collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = collector.address() as AddressInfo;
      const telemetry = startTelemetry('gateway', {
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
        OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=k1',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test',
      });
      expect(telemetry.enabled).toBe(true);
      const span = telemetry.tracer.startSpan('POST /graphql');
      const traceId = span.spanContext().traceId;
      span.end();
      await telemetry.shutdown();
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ url: '/v1/traces', headers: expect.objectContaining({ 'x-api-key': 'k1', 'content-type': 'application/json' }) });
      const body = received[0].body;
      expect(body).toContain('"POST /graphql"');
      expect(body).toContain('"stringValue":"gateway"');
      expect(body).toContain('"deployment.environment.name"');
      expect(body).toContain(traceId);
    } finally {
      await new Promise((resolve) => collector.close(resolve));
    }
  });
});
