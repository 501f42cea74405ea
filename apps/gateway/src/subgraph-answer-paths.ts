import { Kind, parse, type DocumentNode, type SelectionSetNode } from 'graphql';

type Path = (string | number)[];

/**
 * The paths a subgraph's answer to one fetch of the query plan would have filled: its root fields, or for an
 * entity fetch (`_entities`) each selected field of each representation. A failed fetch reports its error at each
 * of them, which the gateway rewrites to the client's paths (`["tickets", "edges", 3, "node", "customer"]`).
 */
export function answerPaths(operation: DocumentNode | string, variables: Record<string, unknown> | undefined): Path[] {
  const document = typeof operation === 'string' ? parse(operation) : operation;
  const definition = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!definition || definition.kind !== Kind.OPERATION_DEFINITION) return [];
  return definition.selectionSet.selections.flatMap((selection): Path[] => {
    if (selection.kind !== Kind.FIELD) return [];
    const key = selection.alias?.value ?? selection.name.value;
    if (selection.name.value !== '_entities' || !selection.selectionSet) return [[key]];
    const representations = Array.isArray(variables?.representations) ? (variables.representations as { __typename?: string }[]) : [];
    const selected = selection.selectionSet;
    return representations.flatMap((representation, index) => fieldsFor(selected, representation.__typename).map((field) => [key, index, field]));
  });
}

/** Response names selected on an entity of `typename` (directly or in inline fragments on it), `__typename` aside. */
function fieldsFor(selectionSet: SelectionSetNode, typename: string | undefined): string[] {
  const names = selectionSet.selections.flatMap((selection): string[] => {
    if (selection.kind === Kind.FIELD) return selection.name.value === '__typename' ? [] : [selection.alias?.value ?? selection.name.value];
    if (selection.kind === Kind.INLINE_FRAGMENT && (!selection.typeCondition || selection.typeCondition.name.value === typename)) return fieldsFor(selection.selectionSet, typename);
    return [];
  });
  return [...new Set(names)];
}
