import type { Request, RequestHandler } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Security headers of a JSON API (helmet): nothing on a response may load, run or frame anything, it is never
 * sniffed as another type, sent over HTTPS only once seen there, and leaks no referrer. Browsers calling from
 * another origin are unaffected (Cross-Origin-Resource-Policy binds no-cors loads only; CORS decides the rest).
 */
export const jsonApiSecurityHeaders: Readonly<HelmetOptions> = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
  },
  crossOriginResourcePolicy: { policy: 'same-origin' },
  crossOriginOpenerPolicy: { policy: 'same-origin' },
  strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
  xFrameOptions: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
};

/**
 * Apollo's landing page (GET /graphql from a browser outside production) loads its scripts, styles and frames
 * from Apollo's CDN and sets its own nonce-based policy in a <meta> tag; the header policy keeps only what a
 * <meta> policy cannot say (no framing, no <base>, no plugins). Every other header is the JSON API's.
 */
export const landingPageSecurityHeaders: Readonly<HelmetOptions> = {
  ...jsonApiSecurityHeaders,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: helmet.contentSecurityPolicy.dangerouslyDisableDefaultSrc,
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      objectSrc: ["'none'"],
    },
  },
};

/** Picks the helmet options of one request; undefined falls back to the shell's own choice. */
export type SecurityHeadersPolicy = (req: Request) => Readonly<HelmetOptions> | undefined;

/** A GET of the GraphQL path by a client that prefers HTML: Apollo answers it with its landing page. */
export function wantsLandingPage(req: Request, graphqlPath: string): boolean {
  return req.method === 'GET' && req.path === graphqlPath && req.accepts(['application/json', 'text/html']) === 'text/html';
}

/** One helmet middleware per distinct options object, chosen per request. */
export function securityHeaders(choose: (req: Request) => Readonly<HelmetOptions>): RequestHandler {
  const built = new Map<Readonly<HelmetOptions>, RequestHandler>();
  return (req, res, next) => {
    const options = choose(req);
    let handler = built.get(options);
    if (!handler) {
      handler = helmet(options) as RequestHandler;
      built.set(options, handler);
    }
    handler(req, res, next);
  };
}
