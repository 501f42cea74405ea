import cors from 'cors';
import type { RequestHandler } from 'express';
import { REQUEST_ID_HEADER } from '@crm/kernel';

/**
 * CORS for browser clients (partner portals, the console) on their own origins. Only the listed origins are let
 * in; callers authenticate with a bearer token, never a cookie, so credentials are not allowed and a foreign page
 * cannot ride on a signed-in user's session. Preflights are answered here (204) with the headers a GraphQL client
 * sends; the rate-limit headers are exposed so a portal can pace itself.
 */
export function corsPolicy(allowedOrigins: string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return cors({
    origin: (origin, callback) => callback(null, origin !== undefined && (allowed.has('*') || allowed.has(origin))),
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['authorization', 'content-type', 'apollo-require-preflight', 'x-apollo-operation-name', REQUEST_ID_HEADER],
    exposedHeaders: ['retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', REQUEST_ID_HEADER],
    credentials: false,
    maxAge: 600,
    optionsSuccessStatus: 204,
  });
}

/** `CORS_ORIGINS`: comma-separated origins (`https://portal.example.com`), or `*` for any. */
export function parseOrigins(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((origin) => origin.trim().replace(/\/$/, ''))
    .filter(Boolean);
}
