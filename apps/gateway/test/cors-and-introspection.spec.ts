import { randomBytes } from 'node:crypto';
import { DEV_JWT_SECRET, signDevToken } from '@crm/auth';
import type { RunningGateway } from '../src/gateway';
import { composeTinySupergraph, devToken, postGraphQL, startTestGateway, startTinySubgraphs, type TinySubgraph } from './tiny-federation';

const PORTAL = 'http://localhost:4300';
const FOREIGN = 'https://evil.example';
// Made per run: a literal here would be a secret the repository ships, which production refuses.
const PRODUCTION_SECRET = randomBytes(32).toString('base64url');
const partnerToken = (secret = DEV_JWT_SECRET) => signDevToken({ sub: 'portal-1', roles: ['partner'], partner_id: 'P-1' }, { secret, expiresIn: '5m' });

describe('CORS and introspection at the gateway', () => {
  let subgraphs: { people: TinySubgraph; orders: TinySubgraph };
  let gateway: RunningGateway;
  let production: RunningGateway;

  beforeAll(async () => {
    subgraphs = await startTinySubgraphs();
    const supergraph = composeTinySupergraph([subgraphs.people, subgraphs.orders]);
    gateway = await startTestGateway(supergraph, { CORS_ORIGINS: `${PORTAL}, https://console.example/` });
    production = await startTestGateway(supergraph, { NODE_ENV: 'production', JWT_SECRET: PRODUCTION_SECRET });
  });
  afterAll(async () => {
    await Promise.all([gateway.stop(), production.stop()]);
    await Promise.all([subgraphs.people.stop(), subgraphs.orders.stop()]);
  });

  const preflight = (origin: string) =>
    fetch(gateway.graphqlUrl, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } });

  it('answers a preflight from an allowed origin, without credentials, exposing the rate-limit headers', async () => {
    const response = await preflight(PORTAL);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    const post = await postGraphQL(gateway, '{ people { id } }', { token: await partnerToken(), headers: { origin: PORTAL } });
    expect(post.status).toBe(200);
    expect(post.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(post.headers.get('access-control-expose-headers')).toContain('ratelimit-remaining');
    expect((await preflight('https://console.example')).headers.get('access-control-allow-origin')).toBe('https://console.example');
  });

  it('gives a foreign origin no CORS headers, so its browser refuses the answer', async () => {
    const response = await preflight(FOREIGN);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const post = await postGraphQL(gateway, '{ people { id } }', { token: await devToken(), headers: { origin: FOREIGN } });
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a CSRF-style simple GET (no preflight-forcing header), answers one that forces a preflight', async () => {
    const url = `${gateway.graphqlUrl}?query=${encodeURIComponent('{ people { id } }')}`;
    const token = await devToken();
    const simple = await fetch(url, { headers: { authorization: `Bearer ${token}`, origin: FOREIGN } });
    expect(simple.status).toBe(400);
    expect(await simple.text()).toMatch(/CSRF|preflight/i);
    const forced = await fetch(url, { headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' } });
    expect(forced.status).toBe(200);
  });

  it('lets every caller introspect in development', async () => {
    const answer = await postGraphQL(gateway, '{ __schema { queryType { name } } }', { token: await partnerToken() });
    expect(answer.body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('refuses a partner introspection in production (also behind a fragment), keeps it for staff and __typename for all', async () => {
    const partner = await partnerToken(PRODUCTION_SECRET);
    for (const query of ['{ __schema { queryType { name } } }', '{ ...F } fragment F on Query { __type(name: "Person") { name } }']) {
      const refused = await postGraphQL(production, query, { token: partner });
      expect(refused.status).toBe(403);
      expect(refused.body.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'INTROSPECTION_DISABLED' });
    }
    expect((await postGraphQL(production, '{ __typename people { id } }', { token: partner })).body.data).toMatchObject({ __typename: 'Query' });
    const staff = await signDevToken({ sub: 'u-1', roles: ['general_manager'] }, { secret: PRODUCTION_SECRET, expiresIn: '5m' });
    expect((await postGraphQL(production, '{ __schema { queryType { name } } }', { token: staff })).body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });
});
