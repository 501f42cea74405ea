import { fromGlobalId, toGlobalId } from '@crm/contracts';
import {
  extendSchema,
  getNamedType,
  getNullableType,
  isAbstractType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  parse,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLFormattedError,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type TypeNode,
  type ValueNode,
} from 'graphql';

/**
 * Global ids at the gateway (Relay object identification, docs/adr/0012-global-ids-at-the-gateway.md). Subgraphs
 * keep their own ids; the gateway
 * - answers `id` of every type implementing `Node` as a global id (`toGlobalId(type, id)`),
 * - reads global ids back wherever an `ID` goes in (arguments, variables, input objects; an own id still works),
 * - serves `node(id:)` and `nodes(ids:)` by turning each into the root field that reads that type by id
 *   (`ticket(id:)`, `customer(id:)`, …), so each is planned, authorised and batched like any query.
 */

/** The root field that reads one Node type by its id, and the argument that takes the id. */
export interface NodeLookup {
  field: string;
  arg: string;
}

const NODE = 'Node';
/** Alias under which the gateway asks every selection for its type, to know whose `id` to encode. */
const TYPENAME_ALIAS = 'gidTypename_';

/** Every Node type of the API schema with the root field that reads it by id (types without one are not Nodes here). */
export function nodeLookups(schema: GraphQLSchema): Map<string, NodeLookup> {
  const lookups = new Map<string, NodeLookup>();
  const node = schema.getType(NODE);
  const query = schema.getQueryType();
  if (!node || !isInterfaceType(node) || !query) return lookups;
  for (const type of schema.getPossibleTypes(node)) {
    for (const field of Object.values(query.getFields())) {
      if (field.name === 'node' || field.name === 'nodes' || getNullableType(field.type) !== type) continue;
      const required = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
      if (required.length === 1 && getNamedType(required[0].type).name === 'ID' && !isListType(getNullableType(required[0].type))) {
        lookups.set(type.name, { field: field.name, arg: required[0].name });
        break;
      }
    }
  }
  return lookups;
}

/** The API schema plus `Query.node(id:)` and `Query.nodes(ids:)`, when the graph has a `Node` interface. */
export function withNodeFields(apiSchema: GraphQLSchema): GraphQLSchema {
  const node = apiSchema.getType(NODE);
  if (!node || !isInterfaceType(node) || apiSchema.getQueryType()?.getFields().node) return apiSchema;
  return extendSchema(
    apiSchema,
    parse(`
      extend type Query {
        "The object with this global id (any Node's \`id\`); null when there is none, or with the error its own root field gives (NOT_FOUND, FORBIDDEN)."
        node("A global id, as \`id\` of a Node answers it." id: ID!): Node
        "The objects with these global ids, in the same order; null for each that cannot be read (at most 100 ids)."
        nodes("Global ids, as \`id\` of Nodes answer them (at most 100)." ids: [ID!]!): [Node]!
      }
    `),
  );
}

export const MAX_NODES = 100;

/** What the rewritten operation needs to answer the client's one. */
export interface GlobalIdRewrite {
  document: DocumentNode;
  variables: Record<string, unknown>;
  /** Turn the result of `document` into the answer to the client's operation, in place. */
  restore(result: { data?: Record<string, unknown> | null; errors?: readonly (GraphQLError | GraphQLFormattedError)[] }): void;
}

export class TooManyNodesError extends Error {}

// Rewritten documents by schema, client document and operation: without node/nodes at the root the rewrite does not
// depend on the variables, so a client's repeated operation (Apollo hands over the same parsed document) is rewritten once.
const rewrittenDocuments = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, DocumentNode>>>();

/**
 * Rewrite one validated operation for the supergraph: expand `node`/`nodes`, read global ids in arguments and
 * variables, and ask for `__typename` wherever an `id` may need encoding on the way out.
 */
export function rewriteForGlobalIds(apiSchema: GraphQLSchema, lookups: Map<string, NodeLookup>, document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown>): GlobalIdRewrite {
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName))!;
  const hasNodeFields = operation.operation === 'query' && operation.selectionSet.selections.some((s) => s.kind === Kind.FIELD && (s.name.value === 'node' || s.name.value === 'nodes'));
  const cached = hasNodeFields ? undefined : rewrittenDocuments.get(apiSchema)?.get(document)?.get(operationName ?? '');
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const decodeId = (value: unknown): unknown => {
    if (typeof value !== 'string') return value;
    const parts = fromGlobalId(value);
    return parts && lookups.has(parts.type) ? parts.id : value;
  };

  // node / nodes at the root become the root fields that read each type by id.
  const nulled: string[] = [];
  const lists = new Map<string, (string | null)[]>();
  const rootSelections: SelectionNode[] = [];
  for (const selection of operation.selectionSet.selections) {
    const isNodeField = selection.kind === Kind.FIELD && operation.operation === 'query' && (selection.name.value === 'node' || selection.name.value === 'nodes');
    if (!isNodeField) {
      rootSelections.push(selection);
      continue;
    }
    const key = selection.alias?.value ?? selection.name.value;
    const argument = selection.arguments?.[0];
    const given = argument ? valueOf(argument.value, variables) : null;
    if (selection.name.value === 'node') {
      const lookup = lookupField(selection, key, given, lookups, fragments, apiSchema);
      if (lookup) rootSelections.push(lookup);
      else nulled.push(key);
      continue;
    }
    const ids = Array.isArray(given) ? given : [];
    if (ids.length > MAX_NODES) throw new TooManyNodesError(`nodes: at most ${MAX_NODES} ids`);
    const aliases = ids.map((id, i) => {
      const lookup = lookupField(selection, `${key}__${i}`, id, lookups, fragments, apiSchema);
      if (!lookup) return null;
      rootSelections.push(lookup);
      return `${key}__${i}`;
    });
    lists.set(key, aliases);
  }
  if (rootSelections.length === 0) rootSelections.push(field('__typename', TYPENAME_ALIAS));

  const expanded: DocumentNode = {
    ...document,
    definitions: document.definitions.map((d) => (d === operation ? { ...operation, selectionSet: { ...operation.selectionSet, selections: rootSelections } } : d)),
  };

  // Global ids in literals become own ids; every selection set below the root also asks for its type.
  const typeInfo = new TypeInfo(apiSchema);
  const rewritten = cached ? undefined : visit(
    expanded,
    visitWithTypeInfo(typeInfo, {
      StringValue(node) {
        const type = typeInfo.getInputType();
        if (type && getNamedType(type).name === 'ID') {
          const decoded = decodeId(node.value);
          if (decoded !== node.value) return { ...node, value: decoded as string };
        }
        return undefined;
      },
      Field: {
        leave(node) {
          if (!node.selectionSet) return undefined;
          return { ...node, selectionSet: withTypename(node.selectionSet) };
        },
      },
      FragmentDefinition: {
        leave(node) {
          return { ...node, selectionSet: withTypename(node.selectionSet) };
        },
      },
    }),
  );

  const decodedVariables: Record<string, unknown> = { ...variables };
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (!(name in variables)) continue;
    const type = typeFromAst(apiSchema, definition.type);
    if (type) decodedVariables[name] = decodeInput(type, variables[name], decodeId);
  }

  const document_ = cached ?? withoutUnusedVariables(rewritten!);
  if (!hasNodeFields && !cached) {
    const byDocument = rewrittenDocuments.get(apiSchema) ?? new WeakMap<DocumentNode, Map<string, DocumentNode>>();
    rewrittenDocuments.set(apiSchema, byDocument);
    const byOperation = byDocument.get(document) ?? new Map<string, DocumentNode>();
    byDocument.set(document, byOperation);
    byOperation.set(operationName ?? '', document_);
  }
  return {
    document: document_,
    variables: decodedVariables,
    restore(result) {
      if (result.data) {
        const data = result.data;
        encodeIds(apiSchema, lookups, document_, data);
        for (const [key, aliases] of lists) {
          data[key] = aliases.map((alias) => (alias ? (data[alias] ?? null) : null));
          for (const alias of aliases) if (alias) delete data[alias];
        }
        for (const key of nulled) data[key] = null;
        result.data = inOrder(data, operation, lists);
      }
      if (result.errors) {
        for (const error of result.errors) {
          const [first, ...rest] = error.path ?? [];
          const match = typeof first === 'string' ? /^(.*)__(\d+)$/.exec(first) : null;
          if (match && lists.has(match[1])) (error as { path?: readonly (string | number)[] }).path = [match[1], Number(match[2]), ...rest];
        }
      }
    },
  };
}

/** Inlined node ids leave their variables unused; an unused variable is invalid, so its definition goes. */
function withoutUnusedVariables(document: DocumentNode): DocumentNode {
  const used = new Set<string>();
  visit(document, { VariableDefinition: () => false, Variable: (node) => void used.add(node.name.value) });
  return visit(document, { VariableDefinition: (node) => (used.has(node.variable.name.value) ? undefined : null) });
}

/** The root field that reads the node a global id names, under the client's response key; null when none does. */
function lookupField(selection: FieldNode, key: string, given: unknown, lookups: Map<string, NodeLookup>, fragments: Map<string, FragmentDefinitionNode>, schema: GraphQLSchema): FieldNode | null {
  const parts = typeof given === 'string' ? fromGlobalId(given) : null;
  const lookup = parts && lookups.get(parts.type);
  if (!parts || !lookup) return null;
  const argument: ArgumentNode = { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: lookup.arg }, value: { kind: Kind.STRING, value: parts.id } };
  return {
    ...field(lookup.field, key),
    arguments: [argument],
    directives: selection.directives,
    selectionSet: narrowTo(selection.selectionSet!, parts.type, fragments, schema),
  };
}

/** The selections of a `Node` that apply to one type: its fields, and the fragments on that type or on Node. */
function narrowTo(selectionSet: SelectionSetNode, typeName: string, fragments: Map<string, FragmentDefinitionNode>, schema: GraphQLSchema): SelectionSetNode {
  const applies = (condition: string | undefined) => appliesTo(schema, condition, typeName);
  const selections = selectionSet.selections.filter((s) => {
    if (s.kind === Kind.FIELD) return true;
    if (s.kind === Kind.INLINE_FRAGMENT) return applies(s.typeCondition?.name.value);
    return applies(fragments.get(s.name.value)?.typeCondition.name.value);
  });
  return { ...selectionSet, selections: selections.length > 0 ? selections : [field('__typename')] };
}

function appliesTo(schema: GraphQLSchema, condition: string | undefined, typeName: string): boolean {
  if (!condition || condition === typeName) return true;
  const conditionType = schema.getType(condition);
  const type = schema.getType(typeName);
  return Boolean(conditionType && type && isAbstractType(conditionType) && isObjectType(type) && schema.isSubType(conditionType, type));
}

function withTypename(selectionSet: SelectionSetNode): SelectionSetNode {
  if (selectionSet.selections.some((s) => s.kind === Kind.FIELD && s.alias?.value === TYPENAME_ALIAS)) return selectionSet;
  return { ...selectionSet, selections: [...selectionSet.selections, field('__typename', TYPENAME_ALIAS)] };
}

function field(name: string, alias?: string): FieldNode {
  return { kind: Kind.FIELD, name: { kind: Kind.NAME, value: name }, ...(alias && alias !== name && { alias: { kind: Kind.NAME, value: alias } }) };
}

function valueOf(value: ValueNode, variables: Record<string, unknown>): unknown {
  switch (value.kind) {
    case Kind.VARIABLE:
      return variables[value.name.value];
    case Kind.STRING:
      return value.value;
    case Kind.LIST:
      return value.values.map((v) => valueOf(v, variables));
    default:
      return null;
  }
}

/** The named input type of a variable: only it matters for decoding, lists are walked by their values. */
function typeFromAst(schema: GraphQLSchema, node: TypeNode): GraphQLInputType | undefined {
  if (node.kind === Kind.NON_NULL_TYPE || node.kind === Kind.LIST_TYPE) return typeFromAst(schema, node.type);
  return schema.getType(node.name.value) as GraphQLInputType | undefined;
}

/** A variable's value with global ids at its ID positions read as own ids. */
function decodeInput(type: GraphQLInputType, value: unknown, decodeId: (v: unknown) => unknown): unknown {
  if (value === null || value === undefined) return value;
  if (Array.isArray(value)) return value.map((v) => decodeInput(type, v, decodeId));
  const named = getNamedType(type);
  if (named.name === 'ID') return decodeId(value);
  if (isInputObjectType(named) && typeof value === 'object') {
    const fields = named.getFields();
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, fields[k] ? decodeInput(fields[k].type, v, decodeId) : v]));
  }
  return value;
}

/** Encode `id` of every Node object in the answer, walking it along the rewritten operation; drop the typename asks. */
function encodeIds(schema: GraphQLSchema, lookups: Map<string, NodeLookup>, document: DocumentNode, data: Record<string, unknown>): void {
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const encoded = new WeakMap<object, Set<string>>();
  const seen = new Set<Record<string, unknown>>();

  const walkValue = (value: unknown, selectionSet: SelectionSetNode): void => {
    if (Array.isArray(value)) return value.forEach((item) => walkValue(item, selectionSet));
    if (value && typeof value === 'object') walkObject(value as Record<string, unknown>, selectionSet);
  };
  const walkObject = (object: Record<string, unknown>, selectionSet: SelectionSetNode): void => {
    seen.add(object);
    const typeName = object[TYPENAME_ALIAS] as string | undefined;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        if (selection.name.value === 'id' && typeName && lookups.has(typeName) && typeof object[key] === 'string') {
          const done = encoded.get(object) ?? new Set<string>();
          if (!done.has(key)) object[key] = toGlobalId(typeName, object[key] as string);
          done.add(key);
          encoded.set(object, done);
        }
        if (selection.selectionSet) walkValue(object[key], selection.selectionSet);
        continue;
      }
      const condition = selection.kind === Kind.INLINE_FRAGMENT ? selection.typeCondition?.name.value : fragments.get(selection.name.value)?.typeCondition.name.value;
      const fragmentSet = selection.kind === Kind.INLINE_FRAGMENT ? selection.selectionSet : fragments.get(selection.name.value)?.selectionSet;
      if (fragmentSet && (!typeName || appliesTo(schema, condition, typeName))) walkObject(object, fragmentSet);
    }
  };
  walkObject(data, operation.selectionSet);
  for (const object of seen) delete object[TYPENAME_ALIAS];
}

/** The answer's root keys in the order the client's operation asked for them. */
function inOrder(data: Record<string, unknown>, operation: OperationDefinitionNode, lists: Map<string, unknown>): Record<string, unknown> {
  const keys = operation.selectionSet.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD).map((s) => s.alias?.value ?? s.name.value);
  if (keys.length === 0 && lists.size === 0) return data;
  const ordered: Record<string, unknown> = {};
  for (const key of keys) if (key in data) ordered[key] = data[key];
  for (const [key, value] of Object.entries(data)) if (!(key in ordered)) ordered[key] = value;
  return ordered;
}
