import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { contextFromHeaders } from '@crm/telemetry';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE, ATTR_URL_PATH } from '@opentelemetry/semantic-conventions';
import type { RequestHandler } from 'express';

/** The request id (`x-request-id`) on the span too, so a trace and the log lines of its request find each other. */
export const REQUEST_ID_ATTRIBUTE = 'crm.request_id';

/**
 * A server span per request on `route`, continuing the caller's trace when it sent a W3C `traceparent` (the gateway
 * does, to every subgraph). The span is the active context for everything the request runs. The request and the
 * response are bound to it as well, so a listener added to them later (a body parser, a `finish` hook) runs in it
 * whatever async resource emits the event; on Node 20 the body parser keeps it even without that (the spec sends a
 * body in two pieces), the binding guards other emitters and versions.
 */
export function traceRequests(tracer: Tracer, route: string): RequestHandler {
  return (req, res, next) => {
    const parent = contextFromHeaders(req.headers);
    const span = tracer.startSpan(
      `${req.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: req.method,
          [ATTR_HTTP_ROUTE]: route,
          [ATTR_URL_PATH]: req.originalUrl.split('?')[0],
          ...(res.locals.requestId && { [REQUEST_ID_ATTRIBUTE]: res.locals.requestId }),
        },
      },
      parent,
    );
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
      // A client's mistake (4xx) is the client's; only the server's own failures mark the span.
      if (res.statusCode >= 500 || !res.writableFinished) span.setStatus({ code: SpanStatusCode.ERROR, message: res.writableFinished ? `HTTP ${res.statusCode}` : 'connection closed before the response ended' });
      span.end();
    };
    res.once('finish', end);
    res.once('close', end);
    const active = trace.setSpan(parent, span);
    context.bind(active, req);
    context.bind(active, res);
    context.with(active, next);
  };
}
