import { signDevToken } from '@crm/auth';
import type { RunningGateway } from '../src/gateway';
import { composeTinySupergraph, devToken, errorCodes, postGraphQL, postRaw, startTestGateway, startTinySubgraphs, type TinySubgraph } from './tiny-federation';

const QUERY = '{ person(id: "p1") { name orders { total } } }';

describe('gateway: authentication', () => {
  let people: TinySubgraph;
  let orders: TinySubgraph;
  let gateway: RunningGateway;

  beforeAll(async () => {
    ({ people, orders } = await startTinySubgraphs());
    gateway = await startTestGateway(composeTinySupergraph([people, orders]));
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([people?.stop(), orders?.stop()]);
  });

  beforeEach(() => {
    people.calls.length = 0;
    orders.calls.length = 0;
  });

  afterEach(() => {
    // Every request in this file is refused, and refusal happens before any subgraph is called.
    expect(people.calls).toHaveLength(0);
    expect(orders.calls).toHaveLength(0);
  });

  it('refuses a request without a token with 401 UNAUTHENTICATED and a Bearer challenge', async () => {
    const response = await postGraphQL(gateway, QUERY);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="crm"');
    expect(response.body).toEqual({
      errors: [{ message: 'Authentication required: send an Authorization: Bearer <token> header', extensions: { code: 'UNAUTHENTICATED' } }],
    });
  });

  it('refuses introspection without a token too', async () => {
    const response = await postGraphQL(gateway, '{ __schema { queryType { name } } }');
    expect(response.status).toBe(401);
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses an expired token, saying it expired', async () => {
    const response = await postGraphQL(gateway, QUERY, { token: await devToken('-1m') });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="crm", error="invalid_token"');
    expect(response.body.errors).toEqual([{ message: 'Authentication failed: the token has expired', extensions: { code: 'UNAUTHENTICATED' } }]);
  });

  it('refuses a garbage token', async () => {
    const response = await postGraphQL(gateway, QUERY, { token: 'not-a-jwt' });
    expect(response.status).toBe(401);
    expect(response.body.errors?.[0]).toMatchObject({ message: expect.stringMatching(/^Authentication failed: the token is invalid/), extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('refuses a token signed with another secret', async () => {
    const forged = await signDevToken({ sub: 'intruder', roles: ['general_manager'] }, { secret: 'someone-elses-secret-0123456789abcdef' });
    const response = await postGraphQL(gateway, QUERY, { token: forged });
    expect(response.status).toBe(401);
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses a token minted for another audience', async () => {
    const { DEV_JWT_SECRET } = await import('@crm/auth');
    const elsewhere = await signDevToken({ sub: 'u-1', roles: ['consultant'] }, { secret: DEV_JWT_SECRET, audience: 'another-api' });
    const response = await postGraphQL(gateway, QUERY, { token: elsewhere });
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
  });

  it('refuses an Authorization header that is not a Bearer token', async () => {
    const response = await postRaw(gateway, JSON.stringify({ query: QUERY }), { authorization: 'Basic dXNlcjpwYXNz' });
    expect(response.status).toBe(401);
    expect(response.body.errors).toEqual([
      { message: 'Authentication failed: the Authorization header is not a Bearer token', extensions: { code: 'UNAUTHENTICATED' } },
    ]);
  });

  it('checks the caller before the query: a malformed query without a token is still UNAUTHENTICATED', async () => {
    const response = await postGraphQL(gateway, '{ person(id: "p1") { name ');
    expect(errorCodes(response)).toEqual(['UNAUTHENTICATED']);
  });
});
