// The peer gateway of the comparison: @graphql-hive/gateway-runtime on the same supergraph, forwarding the caller's
// Authorization to every subgraph as ours does. HIVE_DEDUPE=false turns its in-flight de-duplication of identical
// subgraph requests off. Started by gateway-vs-hive.bench.ts as its own process, never by the platform.
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const dedupe = process.env.HIVE_DEDUPE !== 'false';
const gateway = createGatewayRuntime({
  supergraph: readFileSync(process.env.SUPERGRAPH_PATH!, 'utf8'),
  logging: (process.env.HIVE_LOG_LEVEL as 'warn' | undefined) ?? false,
  maskedErrors: false,
  graphqlEndpoint: '/graphql',
  propagateHeaders: { fromClientToSubgraphs: ({ request }) => ({ authorization: request.headers.get('authorization') }) },
  transportEntries: { '*.http': { options: { deduplicateInflightRequests: dedupe } } },
});
const server = createServer(gateway);
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('hive gateway listening'));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
