import type { ApolloServerPlugin } from '@apollo/server';
import { trace } from '@opentelemetry/api';

// The GraphQL semantic conventions' attribute names (still incubating upstream, so written out here).
export const GRAPHQL_OPERATION_NAME = 'graphql.operation.name';
export const GRAPHQL_OPERATION_TYPE = 'graphql.operation.type';

/**
 * Apollo Server plugin: names the GraphQL operation on the request's server span (`graphql.operation.name`, `.type`),
 * so a trace can be found by operation; at a subgraph the name is the gateway's (`<Operation>__<subgraph>__<n>`).
 * Nothing happens with tracing off: there is no active span.
 */
export function graphqlOperationSpan(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, operationName }) {
          const span = trace.getActiveSpan();
          if (!span || !operation) return;
          span.setAttribute(GRAPHQL_OPERATION_TYPE, operation.operation);
          if (operationName) span.setAttribute(GRAPHQL_OPERATION_NAME, operationName);
        },
      };
    },
  };
}
