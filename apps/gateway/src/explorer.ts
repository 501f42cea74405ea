import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { findSchemaDir, jsonApiSecurityHeaders, type Logger, type SecurityHeadersPolicy } from '@crm/kernel';
import express, { type Request, type Router } from 'express';
import type { HelmetOptions } from 'helmet';
import type { GatewayConfig } from './gateway.config';

/** Where the explorer's files are served from: the page at GET /graphql, everything it loads under this path. */
export const EXPLORER_ASSETS_PATH = '/explorer';

/**
 * The explorer page and its assets may run and style only what the gateway itself serves (GraphiQL, React and
 * Monaco are bundled: no CDN, works offline), start Monaco's workers from it, and talk to this origin only (HTTP and
 * graphql-ws: CSP 3 `'self'` covers ws: and wss: of the same host). Styles may be inline: Monaco and GraphiQL set
 * element styles from script. Every other header is the JSON API's (no framing, no referrer, same-origin only).
 */
export const explorerSecurityHeaders: Readonly<HelmetOptions> = {
  ...jsonApiSecurityHeaders,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'", 'data:'],
      workerSrc: ["'self'"],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
      frameAncestors: ["'none'"],
    },
  },
};

/** Explorer on unless EXPLORER_ENABLED says otherwise; off by default with NODE_ENV=production. */
export function explorerEnabled(config: Pick<GatewayConfig, 'EXPLORER_ENABLED' | 'NODE_ENV'>): boolean {
  return config.EXPLORER_ENABLED ?? config.NODE_ENV !== 'production';
}

/** EXPLORER_DIR, else `dist/apps/explorer` at the root of the repository (beside schema/), where `nx build explorer` puts it. */
export function explorerDir(config: Pick<GatewayConfig, 'EXPLORER_DIR'>): string {
  if (config.EXPLORER_DIR) return path.resolve(config.EXPLORER_DIR);
  return path.join(path.dirname(findSchemaDir(__dirname)), 'dist', 'apps', 'explorer');
}

/**
 * A browser opening /graphql: a GET without an operation (`?query=` is a GraphQL GET and stays Apollo's) from a
 * client that prefers HTML to JSON.
 */
export function wantsExplorerPage(req: Request, graphqlPath = '/graphql'): boolean {
  return req.method === 'GET' && req.path === graphqlPath && req.query.query === undefined && req.accepts(['application/json', 'text/html']) === 'text/html';
}

/** The explorer's security headers for its page and assets; undefined (the JSON API's) for everything else. */
export function explorerSecurityPolicy(graphqlPath = '/graphql'): SecurityHeadersPolicy {
  return (req) => (wantsExplorerPage(req, graphqlPath) || req.path.startsWith(`${EXPLORER_ASSETS_PATH}/`) ? explorerSecurityHeaders : undefined);
}

/**
 * GET /graphql → the explorer page (index.html), /explorer/* → its bundle. Mounted before Apollo; every other
 * request to /graphql goes on to it unchanged. The page only calls /graphql like any client, so the token, the
 * limits, the rate limits and the introspection policy apply to it as they do to any caller.
 * A bundle that is not built yet (`npx nx build explorer`; npm start builds it) is read once it appears.
 */
export function explorerRoutes(dir: string, logger: Logger, graphqlPath = '/graphql'): Router {
  const router = express.Router();
  const indexFile = path.join(dir, 'index.html');
  let page: string | undefined;
  if (!existsSync(indexFile)) logger.warn({ dir }, 'explorer enabled but not built: run `npx nx build explorer` (GET /graphql answers 503 until then)');

  // A middleware, not router.get: a GET route would make the router answer OPTIONS /graphql itself, before CORS.
  router.use((req, res, next) => {
    if (!wantsExplorerPage(req, graphqlPath)) return next();
    page ??= existsSync(indexFile) ? readFileSync(indexFile, 'utf8') : undefined;
    if (!page) return void res.status(503).type('text/plain').send('The GraphQL explorer is not built: run `npx nx build explorer`, or `npm start`, which builds it.');
    res.set('cache-control', 'no-cache').type('html').send(page);
  });
  // Not hashed file names: the browser revalidates (ETag) rather than keeping a stale bundle after a rebuild.
  router.use(EXPLORER_ASSETS_PATH, express.static(dir, { index: false, fallthrough: false, cacheControl: true, maxAge: 0, setHeaders: (res) => res.set('cache-control', 'no-cache') }));
  return router;
}
