import type { RunningGateway } from '../src/gateway';
import { composeTinySupergraph, devToken, errorCodes, postGraphQL, startTestGateway, startTinySubgraphs, type TinySubgraph } from './tiny-federation';

const PERSON_WITH_ORDERS = '{ person(id: "p1") { name orders { id total } } }';

describe('gateway: federated queries', () => {
  let people: TinySubgraph;
  let orders: TinySubgraph;
  let gateway: RunningGateway;
  let token: string;

  beforeAll(async () => {
    ({ people, orders } = await startTinySubgraphs());
    gateway = await startTestGateway(composeTinySupergraph([people, orders]));
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

  it('answers a query that spans both subgraphs for a caller with a valid token', async () => {
    const response = await postGraphQL(gateway, PERSON_WITH_ORDERS, { token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      data: { person: { name: 'Ada', orders: [{ id: 'o1', total: 120 }, { id: 'o2', total: 80 }] } },
      // The person (1) and its orders, a list without a size argument counted as 10 orders of 1.
      extensions: { cost: { requested: 11, limit: 5000 } },
    });
  });

  it("forwards the caller's bearer token and the request id to every subgraph it calls", async () => {
    const response = await postGraphQL(gateway, PERSON_WITH_ORDERS, { token, headers: { 'x-request-id': 'req-federation-1' } });
    expect(response.headers.get('x-request-id')).toBe('req-federation-1');
    for (const subgraph of [people, orders]) {
      expect(subgraph.calls).toHaveLength(1);
      expect(subgraph.calls[0].headers.authorization).toBe(`Bearer ${token}`);
      expect(subgraph.calls[0].headers['x-request-id']).toBe('req-federation-1');
    }
  });

  it('forwards a generated request id when the client sent none, the same one it returns', async () => {
    const response = await postGraphQL(gateway, PERSON_WITH_ORDERS, { token });
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(people.calls[0].headers['x-request-id']).toBe(requestId);
    expect(orders.calls[0].headers['x-request-id']).toBe(requestId);
  });

  it("passes a subgraph's error code and details through unchanged, next to the data that resolved", async () => {
    const response = await postGraphQL(gateway, '{ person(id: "p1") { name } order(id: "o404") { total } }', { token });
    expect(response.body.data).toEqual({ person: { name: 'Ada' }, order: null });
    expect(response.body.errors).toEqual([
      {
        message: 'Order o404 not found',
        path: ['order'],
        extensions: { code: 'NOT_FOUND', entity: 'Order', id: 'o404', serviceName: 'orders' },
      },
    ]);
  });

  it('serves introspection to an authenticated caller', async () => {
    const response = await postGraphQL(gateway, '{ __schema { queryType { fields { name } } } }', { token });
    const fields = (response.body.data as { __schema: { queryType: { fields: { name: string }[] } } }).__schema.queryType.fields.map((f) => f.name);
    expect(fields).toEqual(expect.arrayContaining(['person', 'people', 'order']));
  });
});

describe('gateway: subgraph routing', () => {
  it('routes a subgraph to the URL given in subgraphUrls rather than the one in the supergraph', async () => {
    const { people, orders } = await startTinySubgraphs();
    const supergraph = composeTinySupergraph([people, orders], { orders: 'http://127.0.0.1:9/graphql' });
    const gateway = await startTestGateway(supergraph, {}, { subgraphUrls: { orders: orders.url } });
    try {
      const response = await postGraphQL(gateway, PERSON_WITH_ORDERS, { token: await devToken() });
      expect(response.body.errors).toBeUndefined();
      expect(orders.calls).toHaveLength(1);
    } finally {
      await gateway.stop();
      await Promise.all([people.stop(), orders.stop()]);
    }
  });
});

describe('gateway: a subgraph is down', () => {
  let people: TinySubgraph;
  let orders: TinySubgraph;
  let gateway: RunningGateway;
  let token: string;

  beforeAll(async () => {
    ({ people, orders } = await startTinySubgraphs());
    const supergraph = composeTinySupergraph([people, orders]);
    await orders.stop();
    // Starting with a subgraph already down proves there is no start-up health check.
    gateway = await startTestGateway(supergraph, { SUBGRAPH_TIMEOUT_MS: '500' });
    token = await devToken();
  });

  afterAll(async () => {
    await gateway?.stop();
    await people?.stop();
  });

  it("still answers the other subgraph's fields, with an UNAVAILABLE error at the path of the missing part", async () => {
    const response = await postGraphQL(gateway, PERSON_WITH_ORDERS, { token });
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual({ person: { name: 'Ada', orders: null } });
    expect(response.body.errors).toEqual([
      { message: 'The orders service is unavailable; try again shortly', path: ['person', 'orders'], extensions: { code: 'UNAVAILABLE', serviceName: 'orders' } },
    ]);
  });

  it('answers root fields of the live subgraph next to a null for the dead one', async () => {
    const response = await postGraphQL(gateway, '{ person(id: "p2") { name } order(id: "o1") { total } }', { token });
    expect(response.body.data).toEqual({ person: { name: 'Grace' }, order: null });
    expect(errorCodes(response)).toEqual(['UNAVAILABLE']);
  });

  it('does not leak the internal subgraph URL to the client', async () => {
    const response = await postGraphQL(gateway, PERSON_WITH_ORDERS, { token });
    expect(JSON.stringify(response.body)).not.toContain('127.0.0.1');
  });

  it('stays ready: readiness does not depend on subgraphs', async () => {
    const response = await fetch(`${gateway.url}/readyz`);
    expect(response.status).toBe(200);
  });
});

describe('gateway: a subgraph is too slow', () => {
  it('gives up after SUBGRAPH_TIMEOUT_MS and reports the subgraph UNAVAILABLE', async () => {
    const { people, orders } = await startTinySubgraphs();
    const gateway = await startTestGateway(composeTinySupergraph([people, orders]), { SUBGRAPH_TIMEOUT_MS: '200' });
    try {
      const response = await postGraphQL(gateway, '{ people { name } slowOrder { total } }', { token: await devToken() });
      expect(response.body.data).toEqual({ people: [{ name: 'Ada' }, { name: 'Grace' }], slowOrder: null });
      expect(errorCodes(response)).toEqual(['UNAVAILABLE']);
    } finally {
      await gateway.stop();
      await Promise.all([people.stop(), orders.stop()]);
    }
  });
});
