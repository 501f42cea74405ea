import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import { execute, GraphQLError, Kind, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { collectFields } from 'graphql/execution/collectFields';

type GatewayInterface = ApolloServerOptionsWithGateway<BaseContext>['gateway'];

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

/**
 * Serve, over HTTP, the schema a client works against rather than the supergraph's alone: `toClientSchema` adds what
 * the gateway serves itself (the complaint subscription over graphql-ws). Apollo Server validates against that
 * schema and introspection answers from it, so codegen and IDEs see the subscription; ApolloGateway still plans and
 * runs every query and mutation (it answers introspection from its own schema, hence the root introspection fields
 * are executed here). A subscription sent over HTTP is refused with BAD_REQUEST pointing at graphql-ws.
 */
export function withClientSchema(gateway: GatewayInterface, toClientSchema: (apiSchema: GraphQLSchema) => GraphQLSchema): GatewayInterface {
  return {
    onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => callback({ apiSchema: toClientSchema(apiSchema), coreSupergraphSdl })),
    stop: () => gateway.stop(),
    async load(options) {
      const { executor } = await gateway.load(options);
      if (!executor) return { executor };
      return {
        executor: async (requestContext) => {
          const { operation, document, schema, request } = requestContext;
          if (operation.operation === 'subscription') {
            throw new GraphQLError('Subscriptions are served over graphql-ws (a WebSocket on this same URL); send only queries and mutations as HTTP POST', {
              extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
            });
          }
          const rootFields = collectFields(schema, fragmentsOf(document), request.variables ?? {}, schema.getRootType(operation.operation)!, operation.selectionSet);
          const introspection = [...rootFields.values()].filter((nodes) => INTROSPECTION_FIELDS.has(nodes[0].name.value)).flat();
          if (introspection.length === 0) return executor(requestContext);

          const local = await execute({ schema, document: onlyFields(document, operation, introspection), variableValues: request.variables });
          if ([...rootFields.values()].every((nodes) => nodes[0].name.value.startsWith('__'))) return local;
          const planned = await executor(requestContext);
          const errors = [...(planned.errors ?? []), ...(local.errors ?? [])];
          const isIntrospection = (key: string) => INTROSPECTION_FIELDS.has(rootFields.get(key)![0].name.value);
          // The response keys in the order the operation asked for them.
          const data = planned.data && Object.fromEntries([...rootFields.keys()].map((key) => [key, isIntrospection(key) ? (local.data?.[key] ?? null) : planned.data![key]]));
          return { ...planned, data, ...(errors.length > 0 && { errors }) };
        },
      };
    },
  };
}

function fragmentsOf(document: DocumentNode): Record<string, FragmentDefinitionNode> {
  return Object.fromEntries(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
}

/** The document with `operation` narrowed to the given root fields (its fragments kept for their selections). */
function onlyFields(document: DocumentNode, operation: OperationDefinitionNode, fields: FieldNode[]): DocumentNode {
  const narrowed: OperationDefinitionNode = { ...operation, selectionSet: { kind: Kind.SELECTION_SET, selections: fields } };
  return { ...document, definitions: [narrowed, ...document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION)] };
}
