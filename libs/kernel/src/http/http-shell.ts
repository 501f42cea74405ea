import type { Tracer } from '@opentelemetry/api';
import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger';
import { httpMetrics } from './http-metrics.middleware';
import { jsonBody } from './json-body.middleware';
import { requestContext } from './request-context.middleware';
import { traceRequests } from './trace-requests.middleware';
import { jsonApiSecurityHeaders, landingPageSecurityHeaders, securityHeaders, wantsLandingPage, type SecurityHeadersPolicy } from './security-headers';

/** Named readiness checks; the process is ready when every one is true. */
export type ReadinessCheck = () => Promise<Record<string, boolean>>;

export interface HttpShellOptions {
  logger: Logger;
  /** Where the HTTP metrics are registered and what `GET /metrics` exposes. */
  registry: Registry;
  /** Backs `GET /readyz`; a thrown error counts as not ready. */
  readiness: ReadinessCheck;
  /** Shown on `GET /readyz` as `details`, without deciding readiness (e.g. the gateway's last supergraph reload). */
  readinessDetails?: () => Record<string, unknown>;
  /** Named on `GET /healthz`: the process and the release it runs. */
  identity?: { service: string; version: string };
  /** JSON body limit of the GraphQL route. */
  bodyLimitBytes: number;
  /** Where the GraphQL handler will be mounted; the JSON body parser is scoped to it. Default `/graphql`. */
  graphqlPath?: string;
  /**
   * Helmet options per request, for a route that serves a page with its own bundled assets (an explorer page
   * needs a CSP that allows its scripts and styles: return that policy for its path only). Undefined, or a
   * request it returns undefined for, gets the JSON API policy (`jsonApiSecurityHeaders`).
   */
  securityHeaders?: SecurityHeadersPolicy;
  /** With tracing on: a server span per GraphQL request, continuing the caller's W3C trace context. */
  tracer?: Tracer;
}

/**
 * The HTTP shell every process shares. Mount the GraphQL handler on the returned app afterwards:
 * `app.use('/graphql', expressMiddleware(apollo, …))` — its body is already parsed by `jsonBody(bodyLimitBytes)`.
 *
 * - security headers (helmet) on every response: `jsonApiSecurityHeaders`, or what `securityHeaders` picks;
 * - request id: `x-request-id` reused when acceptable or generated, echoed on the response,
 *   available as `req.requestId` / `res.locals.requestId`, with a child logger as `req.log` / `res.locals.logger`;
 * - `GET /healthz` → 200 `{ status: 'ok', service, version }` (the process lives; `identity` when given);
 * - `GET /readyz` → 200 `{ status: 'ready', checks }` or 503 `{ status: 'not_ready', checks }` (plus `details` if given);
 * - `GET /metrics` → Prometheus text of `registry`;
 * - `http_request_duration_seconds` (histogram) and `http_requests_total` (counter) by method, route, status;
 * - with `tracer`: a server span per request on the GraphQL path (probes and metrics are not traced).
 */
export function createHttpShell(options: HttpShellOptions): Express {
  const { logger, registry, readiness, bodyLimitBytes, graphqlPath = '/graphql' } = options;
  const app = express();
  app.disable('x-powered-by');

  app.use(
    securityHeaders(
      (req) => options.securityHeaders?.(req) ?? (wantsLandingPage(req, graphqlPath) ? landingPageSecurityHeaders : jsonApiSecurityHeaders),
    ),
  );

  app.use(requestContext(logger));
  app.use(httpMetrics(registry));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', ...options.identity });
  });

  app.get('/readyz', async (_req, res) => {
    let checks: Record<string, boolean>;
    try {
      checks = await readiness();
    } catch (error) {
      res.locals.logger.warn({ err: error }, 'readiness check failed');
      checks = { readiness: false };
    }
    const ready = Object.values(checks).every(Boolean);
    const details = options.readinessDetails?.();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks, ...(details && { details }) });
  });

  app.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });

  if (options.tracer) app.use(graphqlPath, traceRequests(options.tracer, graphqlPath));
  app.use(graphqlPath, jsonBody(bodyLimitBytes));
  return app;
}
