import type { Request, RequestHandler } from 'express';
import { Counter, Histogram, type Registry } from 'prom-client';
import { registeredMetric } from './registered-metric';

const LABELS = ['method', 'route', 'status'] as const;

// nginx's convention for "client closed the connection before we answered".
const CLIENT_CLOSED_REQUEST = '499';

// Probes are hit every few seconds; logging them at info would drown the lines that matter.
const QUIET_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

/** Count and time every HTTP request, labelled by route pattern (never the raw URL, which would explode cardinality). */
export function httpMetrics(registry: Registry): RequestHandler {
  const duration = registeredMetric(
    registry,
    'http_request_duration_seconds',
    () =>
      new Histogram({
        name: 'http_request_duration_seconds',
        help: 'HTTP request latency in seconds',
        labelNames: LABELS,
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [registry],
      }),
  );
  const total = registeredMetric(
    registry,
    'http_requests_total',
    () => new Counter({ name: 'http_requests_total', help: 'HTTP requests handled', labelNames: LABELS, registers: [registry] }),
  );

  return (req, res, next) => {
    const startedAt = process.hrtime.bigint();
    // 'close' fires for finished and aborted responses alike; 'finish' would miss the aborted ones.
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      const labels = {
        method: req.method,
        route: routeLabel(req),
        status: res.writableFinished ? String(res.statusCode) : CLIENT_CLOSED_REQUEST,
      };
      duration.observe(labels, seconds);
      total.inc(labels);
      const line = { ...labels, durationMs: Math.round(seconds * 1000) };
      if (QUIET_ROUTES.has(labels.route)) res.locals.logger?.debug(line, 'request completed');
      else res.locals.logger?.info(line, 'request completed');
    });
    next();
  };
}

function routeLabel(req: Request): string {
  const routePath = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof routePath === 'string') return `${req.baseUrl}${routePath}`;
  // Handlers mounted with app.use (the GraphQL route) have no req.route, only the mount path.
  if (req.baseUrl) return req.baseUrl;
  return '(unmatched)';
}
