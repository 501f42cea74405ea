import type { RunningGateway } from '../src/gateway';
import { composeTinySupergraph, devToken, errorCodes, postGraphQL, postRaw, startTestGateway, startTinySubgraphs, type TinySubgraph } from './tiny-federation';

// Small limits so that short queries cross them; the defaults are checked in gateway-config.spec.ts.
const LIMITS = { MAX_DEPTH: '4', MAX_ALIASES: '3', MAX_COST: '30', MAX_TOKENS: '400', MAX_BODY_BYTES: '4096' };

describe('gateway: abuse limits', () => {
  let people: TinySubgraph;
  let orders: TinySubgraph;
  let gateway: RunningGateway;
  let token: string;

  beforeAll(async () => {
    ({ people, orders } = await startTinySubgraphs());
    gateway = await startTestGateway(composeTinySupergraph([people, orders]), LIMITS);
    token = await devToken();
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([people?.stop(), orders?.stop()]);
  });

  beforeEach(() => {
    people.calls.length = 0;
    orders.calls.length = 0;
  });

  const subgraphCalls = () => people.calls.length + orders.calls.length;

  it('lets a query within every limit through', async () => {
    const response = await postGraphQL(gateway, '{ person(id: "p1") { name orders { id total } } }', { token });
    expect(response.body.errors).toBeUndefined();
    expect(subgraphCalls()).toBe(2);
  });

  it('rejects a query deeper than MAX_DEPTH with QUERY_TOO_DEEP', async () => {
    const response = await postGraphQL(gateway, '{ people { friends { friends { friends { name } } } } }', { token });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      { message: 'Query depth limit of 4 exceeded, found 5.', extensions: { code: 'QUERY_TOO_DEEP', limit: 4 } },
    ]);
    expect(subgraphCalls()).toBe(0);
  });

  it('rejects more aliases than MAX_ALIASES with TOO_MANY_ALIASES', async () => {
    const response = await postGraphQL(gateway, '{ a: people { id } b: people { id } c: people { id } d: people { id } }', { token });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'TOO_MANY_ALIASES', limit: 3 } })]);
    expect(subgraphCalls()).toBe(0);
  });

  it('rejects a query costlier than MAX_COST with QUERY_TOO_COMPLEX', async () => {
    const wide = '{ people { id name friends { id name orders { id total } friends { id name } } } }';
    const response = await postGraphQL(gateway, wide, { token });
    expect(response.status).toBe(400);
    // people, friends and their friends are lists without a size argument: 10 items each.
    const cost = 10 * (1 + 10 * (1 + 10 + 10));
    expect(response.body.errors).toEqual([
      {
        message: `Query cost ${cost} exceeds the limit of 30: people, a list without a size argument counted as 10 items, makes ${cost} of it; select less under it`,
        extensions: { code: 'QUERY_TOO_COMPLEX', cost, limit: 30, path: 'people' },
      },
    ]);
    expect(subgraphCalls()).toBe(0);
  });

  it('rejects directive flooding with TOO_MANY_DIRECTIVES', async () => {
    const flood = `{ person(id: "p1") { name ${'@include(if: true) '.repeat(51)} } }`;
    const response = await postGraphQL(gateway, flood, { token });
    expect(response.status).toBe(400);
    // graphql-js adds its own "directive used twice" errors; the armor limit must be among them.
    expect(errorCodes(response)).toContain('TOO_MANY_DIRECTIVES');
    expect(subgraphCalls()).toBe(0);
  });

  it('rejects more lexical tokens than MAX_TOKENS with TOO_MANY_TOKENS', async () => {
    const response = await postGraphQL(gateway, `{ people { ${'id '.repeat(400)} } }`, { token });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ message: 'Query exceeds the limit of 400 tokens', extensions: { code: 'TOO_MANY_TOKENS', limit: 400 } }]);
    expect(subgraphCalls()).toBe(0);
  });

  it('rejects a body larger than MAX_BODY_BYTES with 413 PAYLOAD_TOO_LARGE', async () => {
    const response = await postGraphQL(gateway, `{ person(id: "${'x'.repeat(5000)}") { name } }`, { token });
    expect(response.status).toBe(413);
    expect(response.body.errors).toEqual([
      { message: 'Request body exceeds the limit of 4096 bytes', extensions: { code: 'PAYLOAD_TOO_LARGE', limitBytes: 4096 } },
    ]);
    expect(subgraphCalls()).toBe(0);
  });

  it('rejects malformed JSON with 400 BAD_REQUEST', async () => {
    const response = await postRaw(gateway, '{"query": "{ people { id } }"', { authorization: `Bearer ${token}` });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }]);
    expect(subgraphCalls()).toBe(0);
  });

  it('rejects a query that does not parse with GRAPHQL_PARSE_FAILED', async () => {
    const response = await postGraphQL(gateway, '{ person(id: "p1") { name ', { token });
    expect(response.status).toBe(400);
    expect(errorCodes(response)).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(subgraphCalls()).toBe(0);
  });

  it('rejects an unknown field with GRAPHQL_VALIDATION_FAILED and no field suggestion', async () => {
    const response = await postGraphQL(gateway, '{ person(id: "p1") { nme } }', { token });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      { message: 'Cannot query field "nme" on type "Person".', locations: expect.any(Array), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
    ]);
    expect(subgraphCalls()).toBe(0);
  });

  it('refuses batched requests, which would multiply every limit', async () => {
    const batch = JSON.stringify([{ query: '{ people { id } }' }, { query: '{ people { id } }' }]);
    const response = await postRaw(gateway, batch, { authorization: `Bearer ${token}` });
    expect(response.status).toBe(400);
    expect(errorCodes(response)).toEqual(['BAD_REQUEST']);
    expect(subgraphCalls()).toBe(0);
  });

  it('does not count introspection against depth and cost', async () => {
    const introspection = '{ __schema { types { name fields { name type { name ofType { name ofType { name } } } } } } }';
    const response = await postGraphQL(gateway, introspection, { token });
    expect(response.body.errors).toBeUndefined();
  });
});
