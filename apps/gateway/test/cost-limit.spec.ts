// The cost limit over HTTP at its default, against tiny subgraphs whose `peoplePage` pages like every connection of
// the platform (libs/data's pageSize: 50 by default, at most 200).
import { MAX_PAGE_SIZE } from '@crm/data';
import type { RunningGateway } from '../src/gateway';
import { composeTinySupergraph, devToken, postGraphQL, startTestGateway, startTinySubgraphs, type TinySubgraph } from './tiny-federation';

const PAGE = 'query Page($n: Int) { peoplePage(first: $n) { totalCount edges { cursor node { id name } } } }';
const pageCost = (size: number) => 1 + size * 2;

describe('gateway: cost limit', () => {
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
  });

  it('reports the estimate and the limit in extensions.cost of a successful response', async () => {
    const response = await postGraphQL(gateway, PAGE, { token, variables: { n: 2 } });
    expect(response.body).toEqual({
      data: { peoplePage: { totalCount: 2, edges: [expect.objectContaining({ node: { id: 'p1', name: 'Ada' } }), expect.objectContaining({ node: { id: 'p2', name: 'Grace' } })] } },
      extensions: { cost: { requested: pageCost(2), limit: 5000 } },
    });
  });

  it('sizes a list from its variable, its literal or its default alike', async () => {
    const costOf = async (query: string, variables?: Record<string, unknown>) => (await postGraphQL(gateway, query, { token, variables })).body as { extensions?: { cost?: { requested: number } } };
    expect((await costOf(PAGE, { n: 150 })).extensions?.cost?.requested).toBe(pageCost(150));
    expect((await costOf('{ peoplePage(first: 150) { totalCount edges { cursor node { id name } } } }')).extensions?.cost?.requested).toBe(pageCost(150));
    expect((await costOf(PAGE, {})).extensions?.cost?.requested).toBe(pageCost(50));
    expect((await costOf('{ peoplePage { totalCount edges { cursor node { id name } } } }')).extensions?.cost?.requested).toBe(pageCost(50));
  });

  it("leaves a first above the resolvers' maximum to their own BAD_USER_INPUT, costed at the maximum", async () => {
    for (const variables of [{ n: 1000 }, { n: MAX_PAGE_SIZE + 1 }]) {
      const response = await postGraphQL(gateway, PAGE, { token, variables });
      expect(response.body.errors).toEqual([
        expect.objectContaining({ message: `first: must be between 0 and ${MAX_PAGE_SIZE}`, extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'first', serviceName: 'people' }) }),
      ]);
      expect(response.body).toMatchObject({ extensions: { cost: { requested: pageCost(MAX_PAGE_SIZE), limit: 5000 } } });
    }
  });

  it('refuses a costlier query with 400 QUERY_TOO_COMPLEX naming the cost, the limit and the driving argument, before any subgraph', async () => {
    const nested = 'query Page($n: Int) { peoplePage(first: $n) { edges { node { friends { friends { id } } } } } }';
    const response = await postGraphQL(gateway, nested, { token, variables: { n: 100 } });
    const cost = 1 + 100 * (1 + 1 + 10 * (1 + 10));
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      errors: [
        {
          message: `Query cost ${cost} exceeds the limit of 5000: \`first: $n (100)\` on peoplePage multiplies ${cost - 1} of it; ask for fewer items or select less under them`,
          extensions: { code: 'QUERY_TOO_COMPLEX', cost, limit: 5000, path: 'peoplePage', argument: { name: 'first', variable: 'n', size: 100, cost: cost - 1 } },
        },
      ],
      extensions: { cost: { requested: cost, limit: 5000 } },
    });
    expect(people.calls).toHaveLength(0);
  });
});
