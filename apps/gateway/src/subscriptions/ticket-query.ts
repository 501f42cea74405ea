import {
  getDirectiveValues,
  GraphQLError,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  parse,
  print,
  visit,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLFieldResolver,
  type GraphQLFormattedError,
  type GraphQLResolveInfo,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';

export const TICKET_QUERY_NAME = 'ComplaintEventTicket';

/**
 * The federated query that reads an event's ticket for one subscriber: `query($id: ID!) { ticket(id: $id) { …the
 * subscriber's selection… } }`. Built once per subscription and printed once, so Apollo parses, validates and plans it
 * once and reuses the plan for every event.
 */
export interface TicketQuery {
  query: string;
  /** Response keys the subscriber selected `ticket` under (`ticket`, or its aliases); the first is the access check. */
  keys: string[];
  idVariable: string;
  /** The subscriber's variables that the ticket selections use (directives, arguments deep in the ticket). */
  variables: Record<string, unknown>;
}

const TYPENAME: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } };

/**
 * Build the ticket query from the `complaintEvents` field being subscribed: its `ticket` selections (through
 * fragments, honouring @skip/@include), the fragments they spread and the variables they use. The selection is copied
 * verbatim, aliases included, so the subgraphs see the same fields (and enforce the same rules) as for a query.
 * Without a `ticket` selection the query still asks for `ticket { __typename }`: it is the access check.
 */
export function ticketQueryFor(info: GraphQLResolveInfo): TicketQuery {
  const byKey = new Map<string, SelectionNode[]>();
  for (const node of info.fieldNodes) collectTicketSelections(node.selectionSet, info, byKey, new Set());
  if (byKey.size === 0) byKey.set('ticket', []);

  const idVariable = unusedVariableName('ticketId', info);
  const fragments = fragmentsSpreadIn([...byKey.values()].flat(), info.fragments);
  const used = variablesUsedIn([...[...byKey.values()].flat(), ...fragments]);
  const definitions = (info.operation.variableDefinitions ?? []).filter((definition) => used.has(definition.variable.name.value));

  const roots = [...byKey].map(([key, selections]) => `${key}: ticket(id: $${idVariable}) { __typename ${selections.map((s) => print(s)).join(' ')} }`);
  const text = [
    `query ${TICKET_QUERY_NAME}($${idVariable}: ID!${definitions.map((d) => `, ${print(d)}`).join('')}) { ${roots.join(' ')} }`,
    ...fragments.map((fragment) => print(fragment)),
  ].join('\n');

  const variables: Record<string, unknown> = {};
  for (const name of used) if (name in info.variableValues) variables[name] = info.variableValues[name];
  return { query: print(withTypenames(parse(text))), keys: [...byKey.keys()], idVariable, variables };
}

/**
 * Default resolver for everything under `ComplaintEvent.ticket`: the federated result is keyed by response name
 * (aliases included), so read `info.path.key`, not the field name. Where the federated answer had a null with an error
 * below it (a subgraph down, a field refused), the same error is raised here, so the subscriber sees it as a query
 * caller would.
 */
export const federatedFieldResolver: GraphQLFieldResolver<unknown, unknown> = (source, _args, _context, info) => {
  const value = typeof source === 'object' && source !== null ? (source as Record<string, unknown>)[String(info.path.key)] : undefined;
  if (value === null || value === undefined) {
    const error = federatedErrorAt(info);
    if (error) throw new GraphQLError(error.message, { extensions: error.extensions });
  }
  return value;
};

/** What the executing event carries: the ticket lookup's errors, with paths relative to the ticket query. */
export interface WithTicketErrors {
  ticketErrors?: readonly GraphQLFormattedError[];
}

function federatedErrorAt(info: GraphQLResolveInfo): GraphQLFormattedError | undefined {
  const errors = (info.rootValue as WithTicketErrors | undefined)?.ticketErrors ?? [];
  // info.path is [complaintEvents, <ticket key>, …]; the ticket query's paths start at <ticket key>.
  const path: (string | number)[] = [];
  for (let p: GraphQLResolveInfo['path'] | undefined = info.path; p; p = p.prev) path.unshift(p.key);
  const relative = path.slice(1);
  return errors.find((error) => error.path && relative.every((key, i) => error.path![i] === key));
}

function collectTicketSelections(selectionSet: SelectionSetNode | undefined, info: GraphQLResolveInfo, byKey: Map<string, SelectionNode[]>, visited: Set<string>): void {
  for (const selection of selectionSet?.selections ?? []) {
    if (!isIncluded(selection, info.variableValues)) continue;
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== 'ticket') continue;
      const key = selection.alias?.value ?? 'ticket';
      byKey.set(key, [...(byKey.get(key) ?? []), ...(selection.selectionSet?.selections ?? [])]);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      collectTicketSelections(selection.selectionSet, info, byKey, visited);
    } else if (!visited.has(selection.name.value)) {
      visited.add(selection.name.value);
      collectTicketSelections(info.fragments[selection.name.value]?.selectionSet, info, byKey, visited);
    }
  }
}

function isIncluded(node: SelectionNode, variables: Record<string, unknown>): boolean {
  if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
}

/** Fragment definitions spread, directly or through other fragments, in these selections. */
function fragmentsSpreadIn(selections: readonly SelectionNode[], fragments: Record<string, FragmentDefinitionNode>): FragmentDefinitionNode[] {
  const found = new Map<string, FragmentDefinitionNode>();
  const pending = [...selections];
  while (pending.length > 0) {
    visit(pending.pop()!, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        if (found.has(name) || !fragments[name]) return;
        found.set(name, fragments[name]);
        pending.push(...fragments[name].selectionSet.selections);
      },
    });
  }
  return [...found.values()];
}

function variablesUsedIn(nodes: readonly (SelectionNode | FragmentDefinitionNode)[]): Set<string> {
  const names = new Set<string>();
  for (const node of nodes) visit(node, { Variable: (variable) => void names.add(variable.name.value) });
  return names;
}

function unusedVariableName(wanted: string, info: GraphQLResolveInfo): string {
  const taken = new Set((info.operation.variableDefinitions ?? []).map((d) => d.variable.name.value));
  let name = wanted;
  for (let n = 2; taken.has(name); n += 1) name = `${wanted}${n}`;
  return name;
}

/** Ask for `__typename` in every selection set: the subscription's executor needs it to resolve abstract types. */
function withTypenames<T extends Parameters<typeof visit>[0]>(document: T): T {
  return visit(document, {
    Field: {
      leave(field) {
        if (!field.selectionSet || field.selectionSet.selections.some((s) => s.kind === Kind.FIELD && (s.alias?.value ?? s.name.value) === '__typename')) return undefined;
        return { ...field, selectionSet: { ...field.selectionSet, selections: [TYPENAME, ...field.selectionSet.selections] } };
      },
    },
  }) as T;
}
