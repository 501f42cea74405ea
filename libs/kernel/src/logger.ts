import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Fields that carry credentials wherever they sit in a log line's object: request headers (as pino's and Node's
 * serializers name them), graphql-ws connection params, and a token, password or secret passed on its own.
 */
export const REDACTED_PATHS: readonly string[] = [
  'authorization',
  'cookie',
  'token',
  'accessToken',
  'password',
  'secret',
  'JWT_SECRET',
  '*.authorization',
  '*.cookie',
  '*.token',
  '*.accessToken',
  '*.password',
  '*.secret',
  '*.JWT_SECRET',
  'headers.authorization',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
  'connectionParams.authorization',
  'connectionParams.Authorization',
  '*.connectionParams.authorization',
  '*.connectionParams.Authorization',
];

export const REDACTED = '[redacted]';

// A bearer credential or a JWT (three base64url parts, the first a JSON header) inside free text such as an error message.
const CREDENTIAL_IN_TEXT = /\b(Bearer\s+)[A-Za-z0-9._~+/=-]+|\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

/** Free text with every bearer credential and JWT replaced by `[redacted]`. */
export function redactCredentials(text: string): string {
  return text.replace(CREDENTIAL_IN_TEXT, (match, bearer: string | undefined) => (bearer ? `${bearer}${REDACTED}` : REDACTED));
}

/**
 * Structured JSON logs; one child per plugin and per request. Credentials never reach a line: the fields of
 * `REDACTED_PATHS` are replaced by pino's redaction, and tokens inside messages and error texts are scrubbed.
 * `destination` defaults to stdout (twelve-factor); tests pass their own to read the lines. With tracing on, a line
 * written inside traced work names its trace and span (`trace_id`, `span_id`: OpenTelemetry's log fields).
 */
export function createLogger(service: string, level: string, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    name: service,
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...REDACTED_PATHS], censor: REDACTED },
    mixin: traceFields,
    serializers: { err: (error: Error) => scrubError(pino.stdSerializers.err(error)) },
    hooks: {
      logMethod(args, method) {
        method.apply(
          this,
          args.map((arg) => (typeof arg === 'string' ? redactCredentials(arg) : arg)) as Parameters<typeof method>,
        );
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** The active span's ids; nothing outside a trace or with tracing off (no context manager: the root context). */
function traceFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getSpanContext(context.active());
  return span && isSpanContextValid(span) ? { trace_id: span.traceId, span_id: span.spanId } : {};
}

function scrubError(serialized: ReturnType<typeof pino.stdSerializers.err>): ReturnType<typeof pino.stdSerializers.err> {
  return {
    ...serialized,
    message: redactCredentials(serialized.message ?? ''),
    ...(serialized.stack ? { stack: redactCredentials(serialized.stack) } : {}),
  };
}

export type { DestinationStream, Logger };
