import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DEV_JWT_SECRET, signDevToken } from '@crm/auth';
import { loadConfig } from '@crm/kernel';
import { explorerEnabled } from '../src/explorer';
import type { RunningGateway } from '../src/gateway';
import { gatewayConfigSchema } from '../src/gateway.config';
import { composeTinySupergraph, devToken, postGraphQL, startTestGateway, startTinySubgraphs, type TinySubgraph } from './tiny-federation';

// The gateway's serving of the explorer, with a stand-in bundle in a folder of the test's own (the real bundle is
// built and driven in a browser by scripts/browser/explorer.browser.spec.ts).
const PAGE = '<!doctype html><html><head><link rel="stylesheet" href="/explorer/explorer.css"></head><body><div id="explorer"></div><script type="module" src="/explorer/explorer.js"></script></body></html>';
const SCRIPT = 'document.getElementById("explorer").textContent = "explorer";';
const PRODUCTION_SECRET = randomBytes(32).toString('base64url');
const LIMITS = { MAX_DEPTH: '4' };

/** The Content-Security-Policy header as directive → sources. */
function csp(response: Response): Record<string, string[]> {
  const header = response.headers.get('content-security-policy') ?? '';
  return Object.fromEntries(
    header
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...sources]) => [name, sources]),
  );
}

const openInBrowser = (url: string) => fetch(url, { headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });

describe('the GraphQL explorer at the gateway', () => {
  let subgraphs: { people: TinySubgraph; orders: TinySubgraph };
  let supergraph: string;
  let bundleDir: string;
  let gateway: RunningGateway;
  const others: RunningGateway[] = [];
  const startOther = async (env: Record<string, string>) => {
    const started = await startTestGateway(supergraph, env);
    others.push(started);
    return started;
  };

  beforeAll(async () => {
    bundleDir = mkdtempSync(path.join(tmpdir(), 'explorer-bundle-'));
    writeFileSync(path.join(bundleDir, 'index.html'), PAGE);
    writeFileSync(path.join(bundleDir, 'explorer.js'), SCRIPT);
    writeFileSync(path.join(bundleDir, 'explorer.css'), 'body { margin: 0 }');
    mkdirSync(path.join(bundleDir, 'workers'));
    writeFileSync(path.join(bundleDir, 'workers', 'editor.worker.js'), 'self.onmessage = () => undefined;');
    subgraphs = await startTinySubgraphs();
    supergraph = composeTinySupergraph([subgraphs.people, subgraphs.orders]);
    gateway = await startTestGateway(supergraph, { EXPLORER_DIR: bundleDir, ...LIMITS });
  });
  afterAll(async () => {
    await Promise.all([gateway.stop(), ...others.map((other) => other.stop())]);
    await Promise.all([subgraphs.people.stop(), subgraphs.orders.stop()]);
    rmSync(bundleDir, { recursive: true, force: true });
  });

  it('serves the page with its bundled script to a browser opening /graphql, under a policy that names no other origin', async () => {
    const response = await openInBrowser(gateway.graphqlUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toBe(PAGE);
    const policy = csp(response);
    expect(policy['script-src']).toEqual(["'self'"]);
    expect(policy['connect-src']).toEqual(["'self'"]);
    expect(policy['worker-src']).toEqual(["'self'"]);
    expect(policy['default-src']).toEqual(["'self'"]);
    expect(policy['frame-ancestors']).toEqual(["'none'"]);
    // Nothing from elsewhere: every source is a keyword or data: (images, fonts), never a host, a scheme or *.
    const sources = Object.values(policy).flat();
    expect(sources.length).toBeGreaterThan(10);
    expect(sources.filter((source) => !/^'[a-z-]+'$/.test(source) && source !== 'data:')).toEqual([]);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(gateway.explorerUrl).toBe(gateway.graphqlUrl);
  });

  it('serves the bundle under /explorer/ with the same policy, and 404 for a file it does not have', async () => {
    const script = await fetch(`${gateway.url}/explorer/explorer.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(await script.text()).toBe(SCRIPT);
    expect(csp(script)['script-src']).toEqual(["'self'"]);
    const worker = await fetch(`${gateway.url}/explorer/workers/editor.worker.js`);
    expect(worker.status).toBe(200);
    expect((await fetch(`${gateway.url}/explorer/explorer.css`)).headers.get('content-type')).toMatch(/^text\/css/);
    expect((await fetch(`${gateway.url}/explorer/missing.js`)).status).toBe(404);
    expect((await fetch(`${gateway.url}/explorer/../package.json`)).status).toBe(404);
  });

  it('leaves POST /graphql and a GET with an operation to Apollo as before', async () => {
    const token = await devToken();
    const post = await postGraphQL(gateway, '{ people { id } }', { token });
    expect(post.status).toBe(200);
    expect(post.body.data).toEqual({ people: expect.arrayContaining([expect.objectContaining({ id: expect.any(String) })]) });
    expect(post.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'");

    // A browser's GET with ?query= is a GraphQL GET: still refused as CSRF-prone without a preflight-forcing header…
    const url = `${gateway.graphqlUrl}?query=${encodeURIComponent('{ people { id } }')}`;
    const simple = await openInBrowser(url);
    expect(simple.status).toBe(400);
    expect(await simple.text()).toMatch(/CSRF|preflight/i);
    // …and answered as JSON with one.
    const forced = await fetch(url, { headers: { accept: 'application/json', authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' } });
    expect(forced.status).toBe(200);
    expect(await forced.json()).toMatchObject({ data: { people: expect.any(Array) } });
  });

  it('gives the explorer no way round auth or limits: its requests are plain /graphql requests', async () => {
    // What the page sends (same origin, JSON) without a token: refused before anything runs.
    const headers = { origin: gateway.url, referer: gateway.graphqlUrl };
    const anonymous = await postGraphQL(gateway, '{ people { id } }', { headers });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    // GraphiQL's schema fetch without a token: refused the same way.
    const introspection = await postGraphQL(gateway, '{ __schema { queryType { name } } }', { headers });
    expect(introspection.status).toBe(401);
    // With a token, the query limits still hold.
    const deep = await postGraphQL(gateway, '{ people { friends { friends { friends { friends { id } } } } } }', { token: await devToken(), headers });
    expect(deep.body.errors?.[0].extensions?.code).toBe('QUERY_TOO_DEEP');
    expect(deep.body.data).toBeUndefined();
  });

  it('keeps introspection refused where the policy says, with the explorer switched on in production', async () => {
    const production = await startOther({ NODE_ENV: 'production', JWT_SECRET: PRODUCTION_SECRET, EXPLORER_ENABLED: 'true', EXPLORER_DIR: bundleDir });
    expect((await openInBrowser(production.graphqlUrl)).status).toBe(200);
    const partner = await signDevToken({ sub: 'portal-1', roles: ['partner'], partner_id: 'P-1' }, { secret: PRODUCTION_SECRET, expiresIn: '5m' });
    const refused = await postGraphQL(production, '{ __schema { queryType { name } } }', { token: partner, headers: { origin: production.url } });
    expect(refused.status).toBe(403);
    expect(refused.body.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'INTROSPECTION_DISABLED' });
    const staff = await signDevToken({ sub: 'u-1', roles: ['general_manager'] }, { secret: PRODUCTION_SECRET, expiresIn: '5m' });
    expect((await postGraphQL(production, '{ __schema { queryType { name } } }', { token: staff })).body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('serves no page when switched off, nor by default in production', async () => {
    const off = await startOther({ EXPLORER_ENABLED: 'false', EXPLORER_DIR: bundleDir });
    const production = await startOther({ NODE_ENV: 'production', JWT_SECRET: PRODUCTION_SECRET, EXPLORER_DIR: bundleDir });
    for (const running of [off, production]) {
      expect(running.explorerUrl).toBeUndefined();
      const page = await openInBrowser(running.graphqlUrl);
      expect(page.status).toBe(400);
      expect(page.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await page.text()).not.toContain('<script');
      expect(csp(page)['default-src']).toEqual(["'none'"]);
      expect((await fetch(`${running.url}/explorer/explorer.js`)).status).toBe(404);
    }
  });

  it('answers 503 saying how to build it while the bundle is missing', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'explorer-empty-'));
    try {
      const unbuilt = await startOther({ EXPLORER_DIR: empty });
      const page = await openInBrowser(unbuilt.graphqlUrl);
      expect(page.status).toBe(503);
      expect(await page.text()).toContain('nx build explorer');
      // Once built, it is served without a restart.
      writeFileSync(path.join(empty, 'index.html'), PAGE);
      expect((await openInBrowser(unbuilt.graphqlUrl)).status).toBe(200);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('is on by default in development and off in production unless EXPLORER_ENABLED says otherwise', () => {
    const config = (env: Record<string, string>) => loadConfig(gatewayConfigSchema, { JWT_SECRET: DEV_JWT_SECRET, ...env });
    expect(explorerEnabled(config({}))).toBe(true);
    expect(explorerEnabled(config({ EXPLORER_ENABLED: 'false' }))).toBe(false);
    expect(explorerEnabled(config({ NODE_ENV: 'production', JWT_SECRET: PRODUCTION_SECRET }))).toBe(false);
    expect(explorerEnabled(config({ NODE_ENV: 'production', JWT_SECRET: PRODUCTION_SECRET, EXPLORER_ENABLED: '1' }))).toBe(true);
    expect(() => config({ EXPLORER_ENABLED: 'yes' })).toThrow(/EXPLORER_ENABLED/);
  });
});
