import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { GatewayContext } from './gateway-context';
import { LIMIT_CODES } from './limits';

const LIMIT_CODE_VALUES = new Set<unknown>(Object.values(LIMIT_CODES));

// Internal details a client must never see: stacks, HTTP plumbing, the subgraph's raw response (with its URL).
const HIDDEN_EXTENSIONS = new Set(['stacktrace', 'exception', 'http', 'response']);

// graphql-js suggestions ("Did you mean "name"?", "…the enum value …?") would let anyone map the schema by guessing.
const SUGGESTION = /\s*Did you mean .+\?$/;

/**
 * Apollo `formatError` for the gateway. Every error leaves with a stable `extensions.code`:
 * - abuse limits: QUERY_TOO_DEEP, TOO_MANY_ALIASES, TOO_MANY_DIRECTIVES (Apollo wraps them as
 *   GRAPHQL_VALIDATION_FAILED; the armor code underneath is restored), QUERY_TOO_COMPLEX (query-cost.ts);
 * - Apollo's own: GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, BAD_REQUEST, BAD_USER_INPUT… ("Did you mean" stripped);
 * - subgraph errors pass through unchanged (NOT_FOUND, FORBIDDEN, BAD_USER_INPUT, CONFLICT, UNAUTHENTICATED…) with
 *   `serviceName`; an unreachable subgraph is UNAVAILABLE (see SubgraphDataSource);
 * - anything else is the gateway's own fault: "Internal server error", INTERNAL_SERVER_ERROR, details only in the log.
 */
export function formatGatewayError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const limit = limitErrorBehind(error);
  if (limit) return { message: limit.message, locations: formatted.locations, extensions: { ...limit.extensions } };

  const extensions = visibleExtensions(formatted.extensions);
  const fromSubgraph = typeof extensions.serviceName === 'string';
  if (!fromSubgraph && (extensions.code === undefined || extensions.code === 'INTERNAL_SERVER_ERROR')) {
    return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  }
  // Suggestions come from the gateway's own validation and variable coercion; a subgraph's message is its own.
  const message = fromSubgraph ? formatted.message : formatted.message.replace(SUGGESTION, '');
  return { message, locations: formatted.locations, path: formatted.path, extensions };
}

/** Log, with the request id, the errors a client cannot act on: they are ours to fix. */
export function errorLoggingPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          for (const error of errors) {
            const code = error.extensions?.code;
            if (code === undefined || code === 'INTERNAL_SERVER_ERROR') {
              contextValue.logger.error({ err: error.originalError ?? error, operationName, serviceName: error.extensions?.serviceName }, 'unexpected error');
            }
          }
        },
      };
    },
  };
}

/**
 * An operationName that names no operation of the document (or none given for a document of several) is the
 * client's mistake, an IDE's stale tab name for one: 400 BAD_REQUEST worded as graphql-js words it. Apollo Server
 * hands such a request on without an operation, and the gateway's executors (global ids, the client schema) need one.
 */
export function unknownOperationPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request }) {
          if (operation) return;
          const message = request.operationName ? `Unknown operation named "${request.operationName}".` : 'Must provide operation name if query contains multiple operations.';
          throw new GraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
        },
      };
    },
  };
}

function limitErrorBehind(error: unknown): GraphQLError | undefined {
  const original = (error as { originalError?: unknown } | undefined)?.originalError;
  return original instanceof GraphQLError && LIMIT_CODE_VALUES.has(original.extensions.code) ? original : undefined;
}

function visibleExtensions(extensions: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(extensions ?? {}).filter(([key]) => !HIDDEN_EXTENSIONS.has(key)));
}
