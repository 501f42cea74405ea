import { context, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

/** The standard `OTEL_*` variables this platform reads (parsed by the kernel's config schema). */
export interface TelemetrySettings {
  OTEL_SDK_DISABLED?: boolean;
  /** `otlp`, `console` or `none`; unset, tracing is on only when an OTLP endpoint is set. */
  OTEL_TRACES_EXPORTER?: string;
  /** Base URL of the collector's OTLP/HTTP receiver; traces go to `<it>/v1/traces`. */
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  /** Full URL for traces, used as it is (wins over OTEL_EXPORTER_OTLP_ENDPOINT). */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;
  /** `key=value,key2=value2`, sent with every export (e.g. a vendor's API key). */
  OTEL_EXPORTER_OTLP_HEADERS?: string;
  /** `key=value,…` added to every span's resource (e.g. `deployment.environment.name=staging`). */
  OTEL_RESOURCE_ATTRIBUTES?: string;
  OTEL_TRACES_SAMPLER?: string;
  OTEL_TRACES_SAMPLER_ARG?: string;
}

/** A service's tracing: its tracer (the no-op API's when off) and how to flush and stop it. */
export interface Telemetry {
  readonly enabled: boolean;
  readonly serviceName: string;
  readonly tracer: Tracer;
  /** Export what is buffered and stop; a no-op when off. */
  shutdown(): Promise<void>;
}

/** The collector a service exports to when OTEL_TRACES_EXPORTER=otlp names no endpoint (the OTLP/HTTP default). */
export const DEFAULT_OTLP_TRACES_URL = 'http://localhost:4318/v1/traces';

const TRACER_NAME = '@crm/telemetry';

let testExporter: SpanExporter | undefined;

/**
 * Test hook: every service started from now on traces, whatever its settings, into `exporter` (e.g. an
 * `InMemorySpanExporter`), one span at a time so a test reads them as soon as they end. Returns the undo.
 */
export function installTestSpanExporter(exporter: SpanExporter): () => void {
  testExporter = exporter;
  return () => {
    if (testExporter === exporter) testExporter = undefined;
  };
}

/** Whether the settings turn tracing on: off by default, on with an exporter or an OTLP endpoint, never with OTEL_SDK_DISABLED. */
export function tracingEnabled(settings: TelemetrySettings): boolean {
  if (settings.OTEL_SDK_DISABLED) return false;
  const exporter = settings.OTEL_TRACES_EXPORTER?.trim();
  if (exporter) return exporter !== 'none';
  return Boolean(settings.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || settings.OTEL_EXPORTER_OTLP_ENDPOINT);
}

/** Where OTLP traces are sent: the traces endpoint as given, else the base endpoint plus `/v1/traces`. */
export function otlpTracesUrl(settings: TelemetrySettings): string {
  if (settings.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return settings.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (settings.OTEL_EXPORTER_OTLP_ENDPOINT) return `${settings.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
  return DEFAULT_OTLP_TRACES_URL;
}

/** `a=1,b=2` (values percent-decoded, as the OTEL spec writes them) as a record; malformed pairs are skipped. */
export function parseKeyValueList(list: string | undefined): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const item of (list ?? '').split(',')) {
    const at = item.indexOf('=');
    if (at <= 0) continue;
    const key = item.slice(0, at).trim();
    try {
      pairs[key] = decodeURIComponent(item.slice(at + 1).trim());
    } catch {
      // A value that is not valid percent-encoding is dropped, not half-decoded.
    }
  }
  return pairs;
}

/** OTEL_TRACES_SAMPLER / _ARG as the spec names them; the default follows the caller's decision, else samples all. */
export function samplerFrom(settings: TelemetrySettings): Sampler {
  const ratio = Number(settings.OTEL_TRACES_SAMPLER_ARG ?? '1');
  const fraction = Number.isFinite(ratio) && ratio >= 0 && ratio <= 1 ? ratio : 1;
  switch (settings.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on') {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(fraction);
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(fraction) });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/**
 * Start tracing for one service. Off (the default) starts no SDK: the tracer is the no-op API's and nothing is
 * exported. On, the service gets its own tracer provider (so several services in one process — tests, the
 * launcher — each carry their own `service.name`), exporting through OTLP/HTTP in batches. Spans are never
 * registered as the process's global provider: code passes this tracer explicitly, which is what keeps services
 * sharing a process apart. The one process-wide part is the async-local context manager, set once.
 */
export function startTelemetry(serviceName: string, settings: TelemetrySettings, version?: string): Telemetry {
  const exporter = testExporter;
  if (!exporter && !tracingEnabled(settings)) {
    return { enabled: false, serviceName, tracer: trace.getTracer(TRACER_NAME), shutdown: async () => undefined };
  }
  useAsyncLocalContext();
  const processor: SpanProcessor = exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporterFrom(settings));
  const provider = new BasicTracerProvider({
    resource: new Resource({
      ...parseKeyValueList(settings.OTEL_RESOURCE_ATTRIBUTES),
      [ATTR_SERVICE_NAME]: serviceName,
      ...(version && { [ATTR_SERVICE_VERSION]: version }),
    }),
    sampler: exporter ? new AlwaysOnSampler() : samplerFrom(settings),
    spanProcessors: [processor],
  });
  let stopped: Promise<void> | undefined;
  return {
    enabled: true,
    serviceName,
    tracer: provider.getTracer(TRACER_NAME, version),
    // The test exporter is shared by every service of the test: flush into it, but leave it open for the others.
    shutdown: () => (stopped ??= exporter ? provider.forceFlush() : provider.shutdown()),
  };
}

function exporterFrom(settings: TelemetrySettings): SpanExporter {
  if (settings.OTEL_TRACES_EXPORTER?.trim() === 'console') return new ConsoleSpanExporter();
  return new OTLPTraceExporter({ url: otlpTracesUrl(settings), headers: parseKeyValueList(settings.OTEL_EXPORTER_OTLP_HEADERS) });
}

let contextManagerSet = false;

/** The active span follows async work (awaits, timers, event listeners bound to it) through AsyncLocalStorage. */
function useAsyncLocalContext(): void {
  if (contextManagerSet) return;
  // False when another copy already set one (e.g. an embedding app's SDK): that one serves as well.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  contextManagerSet = true;
}
