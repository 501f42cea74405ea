import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSubgraphFetch, dedupeKey } from '../src/subgraph-fetch';

/** A subgraph that answers each request after `delayMs`, with a body naming the request's number. */
async function slowSubgraph(delayMs: number) {
  let received = 0;
  const server: Server = createServer((req, res) => {
    const n = ++received;
    req.resume();
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { n } })), delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return { url, received: () => received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const body = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });
const post = (token: string, payload: string) => ({ method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: payload });

describe('subgraph fetch: keep-alive pool and in-flight de-duplication', () => {
  let subgraph: Awaited<ReturnType<typeof slowSubgraph>>;
  beforeEach(async () => {
    subgraph = await slowSubgraph(50);
  });
  afterEach(() => subgraph.close());

  it('sends identical queries of one caller once and gives each its own response', async () => {
    const http = createSubgraphFetch({ timeoutMs: 5_000, dedupe: true, connections: 4 });
    const query = body('query Q__people__0{people{id}}');
    const responses = await Promise.all(Array.from({ length: 10 }, () => http.fetch(subgraph.url, post('alice', query))));
    const answers = await Promise.all(responses.map((r) => r.json()));
    expect(subgraph.received()).toBe(1);
    expect(answers).toEqual(Array.from({ length: 10 }, () => ({ data: { n: 1 } })));
    expect(new Set(answers).size).toBe(10);
    expect(http.inFlight()).toBe(0);
    await http.close();
  });

  it('never shares between two callers, two variable sets, or after the first answer came back', async () => {
    const http = createSubgraphFetch({ timeoutMs: 5_000, dedupe: true, connections: 4 });
    const query = 'query Q__people__0($id:ID!){person(id:$id){id}}';
    await Promise.all([
      http.fetch(subgraph.url, post('alice', body(query, { id: 'p1' }))),
      http.fetch(subgraph.url, post('bob', body(query, { id: 'p1' }))),
      http.fetch(subgraph.url, post('alice', body(query, { id: 'p2' }))),
    ]);
    expect(subgraph.received()).toBe(3);
    await http.fetch(subgraph.url, post('alice', body(query, { id: 'p1' })));
    expect(subgraph.received()).toBe(4);
    await http.close();
  });

  it('sends every mutation, and every query when de-duplication is off', async () => {
    const on = createSubgraphFetch({ timeoutMs: 5_000, dedupe: true, connections: 4 });
    const mutation = body('mutation M__people__0{addPerson{id}}');
    await Promise.all(Array.from({ length: 3 }, () => on.fetch(subgraph.url, post('alice', mutation))));
    expect(subgraph.received()).toBe(3);
    const off = createSubgraphFetch({ timeoutMs: 5_000, dedupe: false, connections: 4 });
    const query = body('query Q__people__0{people{id}}');
    await Promise.all(Array.from({ length: 3 }, () => off.fetch(subgraph.url, post('alice', query))));
    expect(subgraph.received()).toBe(6);
    await Promise.all([on.close(), off.close()]);
  });

  it('keys only query bodies, by subgraph, identity and body', () => {
    const query = post('alice', body('query Q{a}'));
    expect(dedupeKey('http://a/graphql', query)).toBeDefined();
    expect(dedupeKey('http://a/graphql', post('alice', body('{a}')))).toBeDefined();
    expect(dedupeKey('http://a/graphql', post('alice', body('mutation M{a}')))).toBeUndefined();
    expect(dedupeKey('http://a/graphql', { ...query, method: 'GET' })).toBeUndefined();
    expect(dedupeKey('http://a/graphql', query)).not.toBe(dedupeKey('http://b/graphql', query));
    expect(dedupeKey('http://a/graphql', query)).not.toBe(dedupeKey('http://a/graphql', post('bob', body('query Q{a}'))));
    expect(dedupeKey('http://a/graphql', query)).toBe(dedupeKey('http://a/graphql', { ...query, headers: new Headers(query.headers) }));
  });

  it('gives up on a subgraph slower than the timeout', async () => {
    const http = createSubgraphFetch({ timeoutMs: 10, dedupe: true, connections: 4 });
    await expect(http.fetch(subgraph.url, post('alice', body('query Q{a}')))).rejects.toThrow();
    await http.close();
  });
});
