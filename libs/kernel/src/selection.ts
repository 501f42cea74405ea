import { getNamedType, type GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
import { collectSubfields } from 'graphql/execution/collectFields';

/**
 * Whether the query selects `field` on the value this resolver returns (through fragments, @include/@skip
 * honoured). A list resolver asks it before counting `totalCount`, which costs a database command a page does not.
 */
export function selectsField(info: Pick<GraphQLResolveInfo, 'schema' | 'fragments' | 'variableValues' | 'returnType' | 'fieldNodes'>, field: string): boolean {
  const type = getNamedType(info.returnType) as GraphQLObjectType;
  const selected = collectSubfields(info.schema, info.fragments, info.variableValues, type, info.fieldNodes);
  for (const nodes of selected.values()) if (nodes[0].name.value === field) return true;
  return false;
}
