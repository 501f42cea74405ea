/**
 * The nullability policy (docs/api/conventions.md), checked on the subgraphs' SDL so that one subgraph down costs
 * a client only the fields that subgraph serves:
 * - a non-null field served by another subgraph than the one its parent object came from would null that parent
 *   when the other subgraph fails; the field that brought the parent in, or the field itself, must be nullable;
 * - root mutation fields are nullable, so a failed mutation does not take the others of the request with it.
 */
import { Kind, type DocumentNode, type FieldDefinitionNode, type TypeNode } from 'graphql';

export interface SubgraphSdl {
  name: string;
  typeDefs: DocumentNode;
}

interface FieldFacts {
  /** Subgraphs that resolve the field (not `@external` there). */
  servedBy: Set<string>;
  nonNull: boolean;
  namedType: string;
}

/** type name → field name → facts, over every subgraph. */
function fieldsByType(subgraphs: SubgraphSdl[]): Map<string, Map<string, FieldFacts>> {
  const types = new Map<string, Map<string, FieldFacts>>();
  for (const { name, typeDefs } of subgraphs) {
    for (const definition of typeDefs.definitions) {
      if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
      const fields = types.get(definition.name.value) ?? new Map<string, FieldFacts>();
      types.set(definition.name.value, fields);
      for (const field of definition.fields ?? []) {
        if (isExternal(field)) continue;
        const facts = fields.get(field.name.value) ?? { servedBy: new Set<string>(), nonNull: false, namedType: namedTypeOf(field.type) };
        facts.servedBy.add(name);
        facts.nonNull ||= field.type.kind === Kind.NON_NULL_TYPE;
        fields.set(field.name.value, facts);
      }
    }
  }
  return types;
}

const isExternal = (field: FieldDefinitionNode) => (field.directives ?? []).some((d) => d.name.value === 'external');
const namedTypeOf = (type: TypeNode): string => (type.kind === Kind.NAMED_TYPE ? type.name.value : namedTypeOf(type.type));

/** Every breach of the policy, as a sentence naming the fields and the subgraphs involved. */
export function nullabilityProblems(subgraphs: SubgraphSdl[]): string[] {
  const types = fieldsByType(subgraphs);
  const problems: string[] = [];
  for (const [typeName, fields] of types) {
    for (const [fieldName, field] of fields) {
      if (typeName === 'Mutation') {
        if (field.nonNull) problems.push(`Mutation.${fieldName} is non-null: root mutation fields are nullable`);
        continue;
      }
      if (!field.nonNull) continue;
      const child = types.get(field.namedType);
      if (!child) continue; // a scalar or an enum
      const foreign = [...child]
        .filter(([, childField]) => childField.nonNull && ![...childField.servedBy].some((graph) => field.servedBy.has(graph)))
        .map(([childFieldName, childField]) => `${childFieldName} (${[...childField.servedBy].join(', ')})`);
      if (foreign.length > 0) {
        problems.push(`${typeName}.${fieldName} (${[...field.servedBy].join(', ')}) is non-null, and so are ${field.namedType} fields another subgraph serves: ${foreign.join(', ')}; make one side nullable`);
      }
    }
  }
  return problems.sort();
}
