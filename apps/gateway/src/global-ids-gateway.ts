import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import { GraphQLError, Kind, print, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { createHash } from 'node:crypto';
import { nodeLookups, rewriteForGlobalIds, TooManyNodesError, withNodeFields, type NodeLookup } from './global-ids';

type GatewayInterface = ApolloServerOptionsWithGateway<BaseContext>['gateway'];

// The plan-cache key of a rewritten document; a repeated operation's rewrite is the same object (see global-ids.ts).
const hashes = new WeakMap<DocumentNode, string>();
function hashOf(document: DocumentNode): string {
  let hash = hashes.get(document);
  if (!hash) {
    hash = createHash('sha256').update(print(document)).digest('hex');
    hashes.set(document, hash);
  }
  return hash;
}

/**
 * The gateway with global ids (see global-ids.ts): clients validate against the schema plus `node`/`nodes`; each
 * operation is rewritten for the supergraph before the inner gateway plans it, and its answer rewritten back.
 * The plan cache is keyed by the rewritten operation (its hash), since `node(id: $id)` plans differently per type.
 */
export function withGlobalIds(gateway: GatewayInterface): GatewayInterface {
  let apiSchema: GraphQLSchema | undefined;
  let lookups = new Map<string, NodeLookup>();
  return {
    onSchemaLoadOrUpdate: (callback) =>
      gateway.onSchemaLoadOrUpdate(({ apiSchema: schema, coreSupergraphSdl }) => {
        apiSchema = schema;
        lookups = nodeLookups(schema);
        callback({ apiSchema: withNodeFields(schema), coreSupergraphSdl });
      }),
    stop: () => gateway.stop(),
    async load(options) {
      const { executor } = await gateway.load(options);
      if (!executor) return { executor };
      return {
        executor: async (requestContext) => {
          if (!apiSchema || lookups.size === 0) return executor(requestContext);
          const { document, request } = requestContext;
          let rewrite;
          try {
            rewrite = rewriteForGlobalIds(apiSchema, lookups, document, request.operationName, request.variables ?? {});
          } catch (error) {
            if (error instanceof TooManyNodesError) throw new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT', field: 'ids' } });
            throw error;
          }
          const operation = rewrite.document.definitions.find(
            (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (!request.operationName || d.name?.value === request.operationName),
          )!;
          const result = await executor({
            ...requestContext,
            document: rewrite.document,
            operation,
            queryHash: hashOf(rewrite.document),
            request: { ...request, variables: rewrite.variables },
          });
          rewrite.restore(result as Parameters<typeof rewrite.restore>[0]);
          return result;
        },
      };
    },
  };
}
