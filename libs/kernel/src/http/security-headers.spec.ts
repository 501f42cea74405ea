import pino from 'pino';
import { Registry } from 'prom-client';
import { createHttpShell, type HttpShellOptions } from './http-shell';
import { startHttpServer, type RunningHttpServer } from './http-server';
import { jsonApiSecurityHeaders } from './security-headers';

/** What every response of a JSON API must carry, whatever its route or status. */
export function expectJsonApiSecurityHeaders(headers: Headers, status = 200): void {
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
  expect(headers.get('x-frame-options')).toBe('DENY');
  // Express's own 404 (finalhandler) replaces the policy with its strictest, `default-src 'none'`; X-Frame-Options still denies framing.
  if (status !== 404) expect(headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  expect(headers.get('content-security-policy')).toContain("default-src 'none'");
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  expect(headers.get('cross-origin-resource-policy')).toBe('same-origin');
  expect(headers.get('x-powered-by')).toBeNull();
}

describe('security headers of the HTTP shell', () => {
  let server: RunningHttpServer;

  async function start(extra: Partial<HttpShellOptions> = {}): Promise<void> {
    const app = createHttpShell({ logger: pino({ level: 'silent' }), registry: new Registry(), readiness: async () => ({ mongo: true }), bodyLimitBytes: 64, ...extra });
    app.get('/graphql', (_req, res) => void res.type('html').send('<p>landing page</p>'));
    app.post('/graphql', (_req, res) => void res.json({ data: null }));
    app.get('/explorer', (_req, res) => void res.type('html').send('<p>explorer</p>'));
    server = await startHttpServer(app, { host: '127.0.0.1', port: 0 });
  }

  afterEach(() => server.close(1000));

  const post = (body: string) => fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it.each([
    ['GET /healthz', () => fetch(`${server.url}/healthz`), 200],
    ['GET /readyz', () => fetch(`${server.url}/readyz`), 200],
    ['GET /metrics', () => fetch(`${server.url}/metrics`), 200],
    ['POST /graphql', () => post('{"query":"{ a }"}'), 200],
    ['POST /graphql with a body over the limit', () => post(JSON.stringify({ query: 'x'.repeat(200) })), 413],
    ['GET of an unknown route', () => fetch(`${server.url}/nope`), 404],
  ] as const)('%s carries the JSON API headers', async (_name, send, status) => {
    await start();
    const response = await send();
    expect(response.status).toBe(status);
    expectJsonApiSecurityHeaders(response.headers, status);
  });

  it('lets the landing page bring its own script policy, still unframeable', async () => {
    await start();
    const response = await fetch(`${server.url}/graphql`, { headers: { accept: 'text/html' } });
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('default-src');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('applies the policy an app picks for one route (an explorer with bundled assets) and the default elsewhere', async () => {
    const explorer = { ...jsonApiSecurityHeaders, contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'self'"], frameAncestors: ["'none'"] } } };
    await start({ securityHeaders: (req) => (req.path === '/explorer' ? explorer : undefined) });
    expect((await fetch(`${server.url}/explorer`)).headers.get('content-security-policy')).toBe("default-src 'self';frame-ancestors 'none'");
    expectJsonApiSecurityHeaders((await fetch(`${server.url}/healthz`)).headers);
  });
});
