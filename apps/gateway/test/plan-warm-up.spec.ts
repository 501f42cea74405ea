import { QueryPlanner } from '@apollo/query-planner';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'graphql';
import { operationsOf } from '../src/plan-warm-up';
import type { RunningGateway } from '../src/gateway';
import { composeTinySupergraph, devToken, postGraphQL, startTestGateway, startTinySubgraphs, type TinySubgraph } from './tiny-federation';

const SHIPPED = `
query PeopleWithOrders { people { id name ...Orders } }
fragment Orders on Person { orders { id total } }
fragment Unused on Person { name }
{ people { name } }
subscription Ignored { people { id } }
`;

describe('query plans warmed at start for the shipped operations', () => {
  let subgraphs: { people: TinySubgraph; orders: TinySubgraph };
  let gateway: RunningGateway;
  let planned: jest.SpyInstance;
  let token: string;

  beforeAll(async () => {
    subgraphs = await startTinySubgraphs();
    const dir = mkdtempSync(path.join(tmpdir(), 'operations-'));
    writeFileSync(path.join(dir, 'shipped.graphql'), SHIPPED);
    planned = jest.spyOn(QueryPlanner.prototype, 'buildQueryPlan');
    gateway = await startTestGateway(composeTinySupergraph([subgraphs.people, subgraphs.orders]), { OPERATIONS_PATH: dir });
    token = await devToken();
  });
  afterAll(async () => {
    planned.mockRestore();
    await gateway.stop();
    await Promise.all([subgraphs.people.stop(), subgraphs.orders.stop()]);
  });

  it('plans each shipped query at start without calling a subgraph', () => {
    // PeopleWithOrders named and unnamed, the anonymous query once.
    expect(planned).toHaveBeenCalledTimes(3);
    expect(subgraphs.people.calls).toHaveLength(0);
    expect(subgraphs.orders.calls).toHaveLength(0);
  });

  it('serves a shipped operation from the warmed plan, named or not, and plans anything else on first use', async () => {
    const before = planned.mock.calls.length;
    const shipped = operationsOf(parse(SHIPPED));
    const named = await postGraphQL(gateway, shipped[0].source, { token, headers: {} });
    expect(named.body.data).toEqual({ people: [expect.objectContaining({ name: 'Ada', orders: [{ id: 'o1', total: 120 }, { id: 'o2', total: 80 }] }), expect.anything()] });
    const anonymous = await postGraphQL(gateway, shipped[1].source, { token });
    expect(anonymous.body.data).toEqual({ people: [{ name: 'Ada' }, { name: 'Grace' }] });
    expect(planned.mock.calls.length).toBe(before);
    await postGraphQL(gateway, '{ people { id } }', { token });
    expect(planned.mock.calls.length).toBe(before + 1);
  });

  it('prints one operation with only the fragments it spreads, and skips subscriptions', () => {
    const shipped = operationsOf(parse(SHIPPED));
    expect(shipped.map((o) => o.name)).toEqual(['PeopleWithOrders', undefined]);
    expect(shipped[0].source).toContain('fragment Orders');
    expect(shipped[0].source).not.toContain('fragment Unused');
  });
});
