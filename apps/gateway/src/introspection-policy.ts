import type { ApolloServerPlugin } from '@apollo/server';
import { hasRole, type Caller, type Role } from '@crm/auth';
import { GraphQLError, Kind, type FragmentDefinitionNode } from 'graphql';
import { collectFields } from 'graphql/execution/collectFields';

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

/**
 * Introspection only for the roles allowed (`INTROSPECTION_ROLES`): a partner in production learns the schema from
 * its documentation, not by asking the graph. Refused with FORBIDDEN before anything is executed; `__typename`
 * is not introspection and stays open.
 */
export function introspectionPolicyPlugin<TContext extends { caller: Caller }>(allowed: '*' | Role[]): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          if (allowed === '*' || !operation || allowed.some((role) => hasRole(contextValue.caller, role))) return;
          const fragments = Object.fromEntries(
            document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
          );
          const rootType = schema.getRootType(operation.operation);
          if (!rootType) return;
          const fields = collectFields(schema, fragments, request.variables ?? {}, rootType, operation.selectionSet);
          if ([...fields.values()].some((nodes) => INTROSPECTION_FIELDS.has(nodes[0].name.value))) {
            throw new GraphQLError('Introspection is not open to your role; see the published schema', {
              extensions: { code: 'FORBIDDEN', reason: 'INTROSPECTION_DISABLED', http: { status: 403 } },
            });
          }
        },
      };
    },
  };
}
