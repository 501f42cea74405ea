import { context, defaultTextMapGetter, isSpanContextValid, ROOT_CONTEXT, trace, type Context, type Link, type TextMapGetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * W3C trace context as it travels: HTTP headers between the gateway and the subgraphs, and the CloudEvents
 * distributed-tracing extension attributes (same names, same values) on every event.
 */
export interface TraceContextFields {
  traceparent?: string;
  tracestate?: string;
}

// Used directly rather than through the global propagation API: nothing here depends on what a process registered.
const w3c = new W3CTraceContextPropagator();

type HeaderValue = string | string[] | undefined;

const headerGetter: TextMapGetter<Record<string, HeaderValue>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key] ?? carrier[key.toLowerCase()],
};

/** The `traceparent` (and `tracestate`) of the active span, or `{}` when there is none (tracing off, outside a trace). */
export function activeTraceContext(active: Context = context.active()): TraceContextFields {
  const fields: Record<string, string> = {};
  w3c.inject(active, fields, { set: (carrier, key, value) => void (carrier[key] = value) });
  return fields.traceparent ? { traceparent: fields.traceparent, ...(fields.tracestate && { tracestate: fields.tracestate }) } : {};
}

/** The caller's context from incoming headers (Node's lower-cased `IncomingHttpHeaders`); the root context when absent. */
export function contextFromHeaders(headers: Record<string, HeaderValue>): Context {
  return w3c.extract(ROOT_CONTEXT, headers, headerGetter);
}

/**
 * A span link to the context that `fields` carry (an event's producer), or none when they carry none or a malformed
 * one: a bad `traceparent` costs the link, never the event.
 */
export function linksTo(fields: TraceContextFields | undefined): Link[] {
  if (!fields?.traceparent) return [];
  const carrier: Record<string, string> = { traceparent: fields.traceparent, ...(fields.tracestate && { tracestate: fields.tracestate }) };
  const producer = trace.getSpanContext(w3c.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter));
  return producer && isSpanContextValid(producer) ? [{ context: producer }] : [];
}
