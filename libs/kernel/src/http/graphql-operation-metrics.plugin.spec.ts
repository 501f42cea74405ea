import { ApolloServer } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { Registry } from 'prom-client';
import { graphqlOperationMetrics } from './graphql-operation-metrics.plugin';

describe('graphqlOperationMetrics', () => {
  let registry: Registry;
  let server: ApolloServer;

  beforeEach(async () => {
    registry = new Registry();
    server = new ApolloServer({
      typeDefs: 'type Query { hello: String, broken: String }',
      resolvers: {
        Query: {
          hello: () => 'world',
          broken: () => {
            throw new GraphQLError('nope', { extensions: { code: 'NOT_FOUND' } });
          },
        },
      },
      plugins: [graphqlOperationMetrics(registry, { maxOperationNames: 3 })],
    });
    await server.start();
  });

  afterEach(() => server.stop());

  async function operationCount(operationName: string, outcome: string): Promise<number> {
    const metric = await registry.getSingleMetric('graphql_operations_total')!.get();
    return metric.values.find((v) => v.labels.operationName === operationName && v.labels.outcome === outcome)?.value ?? 0;
  }

  it('counts a successful named operation as ok and records its latency', async () => {
    await server.executeOperation({ query: 'query Greeting { hello }' });
    await server.executeOperation({ query: 'query Greeting { hello }' });
    expect(await operationCount('Greeting', 'ok')).toBe(2);
    const histogram = await registry.getSingleMetric('graphql_operation_duration_seconds')!.get();
    const count = histogram.values.find(
      (v) => (v as { metricName?: string }).metricName === 'graphql_operation_duration_seconds_count' && v.labels.operationName === 'Greeting',
    );
    expect(count?.value).toBe(2);
  });

  it('counts an operation whose response carries an error as error', async () => {
    await server.executeOperation({ query: 'query Broken { hello broken }' });
    expect(await operationCount('Broken', 'error')).toBe(1);
  });

  it('labels anonymous operations (anonymous) and unparseable ones (invalid)', async () => {
    await server.executeOperation({ query: '{ hello }' });
    await server.executeOperation({ query: 'query Nope { hello' });
    expect(await operationCount('(anonymous)', 'ok')).toBe(1);
    expect(await operationCount('(invalid)', 'error')).toBe(1);
  });

  it('folds operation names past the cap into (other) so clients cannot grow the label set', async () => {
    for (const name of ['A', 'B', 'C', 'D', 'E']) await server.executeOperation({ query: `query ${name} { hello }` });
    expect(await operationCount('C', 'ok')).toBe(1);
    expect(await operationCount('D', 'ok')).toBe(0);
    expect(await operationCount('(other)', 'ok')).toBe(2);
  });
});
