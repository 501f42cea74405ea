import type { ApolloServerPlugin } from '@apollo/server';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@crm/data';
import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  isAbstractType,
  isLeafType,
  isListType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
// graphql-js's own field collection (fragments, type conditions, @skip/@include, merging by response key), as the
// executor runs it; internal to graphql 16 but the same function execute() uses.
import { collectFields, collectSubfields } from 'graphql/execution/collectFields';
import { LIMIT_CODES } from './limits';

/** How the resolvers page a list argument: the size when it is absent or null, and the largest they accept. */
export interface PageBounds {
  default: number;
  max: number;
}

/** Arguments that set how many items a list (or a connection's `edges`/`nodes`) returns. */
export const SLICING_ARGUMENTS = ['first', 'last'] as const;
/** The lists inside a connection type that its slicing argument sizes. */
export const SIZED_FIELDS = ['edges', 'nodes'] as const;
/** Items counted for a list that has no slicing argument (a customer's contacts, a ticket's history). */
export const ASSUMED_LIST_SIZE = 10;

/** Every connection of the graph pages through libs/data's pageSize unless listed in PAGE_BOUNDS_BY_FIELD. */
export const DEFAULT_PAGE_BOUNDS: PageBounds = { default: DEFAULT_PAGE_SIZE, max: MAX_PAGE_SIZE };

/** The lists whose resolvers page with bounds of their own, by schema coordinate. */
export const PAGE_BOUNDS_BY_FIELD: Readonly<Record<string, Partial<PageBounds>>> = {
  // engagement: MAX_INTERACTIONS_PAGE (the default 20 is in the schema).
  'Customer.interactions': { max: 100 },
  // service-desk ReportsService.list: 20 unless asked, at most 100.
  'Query.reportRuns': { default: 20, max: 100 },
};

/** The list that contributes the most to an operation's cost, and what sizes it. */
export interface CostDriver {
  /** Response path of the field that carries the size, e.g. `customers` or `customers.edges.node.interactions`. */
  path: string;
  /** Its schema coordinate, e.g. `Query.customers`. */
  coordinate: string;
  /** The slicing argument that sized it; absent for a list without one (counted as ASSUMED_LIST_SIZE items). */
  argument?: string;
  /** The variable the argument was given through, if any. */
  variable?: string;
  /** Items counted: the argument's value (its default when absent), clamped to the resolvers' maximum. */
  size: number;
  /** Cost of the list with everything selected under it. */
  cost: number;
}

export interface CostEstimate {
  cost: number;
  driver?: CostDriver;
}

interface Slice {
  path: string;
  coordinate: string;
  argument?: string;
  variable?: string;
  size: number;
}

/**
 * Estimate what an operation costs to run, from the schema and the request's variables (the static cost of the GraphQL
 * cost directive specification, with its defaults): every object, interface or union value costs 1, scalars and enums
 * cost 0, and a list multiplies the cost of one item by its size — the slicing argument (`first`/`last`: literal,
 * variable or default, clamped to the resolvers' maximum), the connection's size for its `edges`/`nodes`, else
 * ASSUMED_LIST_SIZE. Abstract types count their costliest possible type. Introspection costs nothing.
 *
 * Returns undefined when the operation cannot be estimated because it will not run: no such operation, or variables
 * that do not fit it (execution reports those).
 */
export function estimateCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  pageBoundsByField: Readonly<Record<string, Partial<PageBounds>>> = PAGE_BOUNDS_BY_FIELD,
): CostEstimate | undefined {
  const operation = getOperationAST(document, operationName);
  const rootType = operation && schema.getRootType(operation.operation);
  if (!operation || !rootType) return undefined;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  if (coerced.errors) return undefined;
  return new CostWalk(schema, fragmentsOf(document), coerced.coerced, pageBoundsByField).operation(operation, rootType);
}

class CostWalk {
  private driver?: CostDriver;
  private sliceDriver?: CostDriver;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Record<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
    private readonly pageBoundsByField: Readonly<Record<string, Partial<PageBounds>>>,
  ) {}

  operation(operation: OperationDefinitionNode, rootType: GraphQLObjectType): CostEstimate {
    const fields = collectFields(this.schema, this.fragments, this.variables, rootType, operation.selectionSet);
    let cost = 0;
    for (const [key, nodes] of fields) cost += this.field(rootType, nodes, key, 1);
    // A list sized by an argument is what a client can change; name it over an unsized list.
    return { cost, driver: this.sliceDriver ?? this.driver };
  }

  /** Cost of one response key; `multiplier` is how many times its parent is counted, `connection` the parent's slice. */
  private field(parent: GraphQLObjectType, nodes: readonly FieldNode[], path: string, multiplier: number, connection?: Slice): number {
    const name = nodes[0].name.value;
    const definition = parent.getFields()[name];
    if (!definition || name.startsWith('__')) return 0;
    const named = getNamedType(definition.type);
    if (isLeafType(named)) return 0;

    const coordinate = `${parent.name}.${name}`;
    const slice = this.sliceOf(definition, nodes[0], coordinate, path);
    const isList = isListType(getNullableType(definition.type));
    const listSlice = isList ? (slice ?? (connection && (SIZED_FIELDS as readonly string[]).includes(name) ? connection : undefined)) : undefined;
    const size = isList ? (listSlice?.size ?? ASSUMED_LIST_SIZE) : 1;
    // A connection passes its slice down to its edges/nodes; a sliced list is sized by it itself.
    const childConnection = !isList ? slice : undefined;

    const possibleTypes = isAbstractType(named) ? this.schema.getPossibleTypes(named) : isObjectType(named) ? [named] : [];
    let itemCost = 0;
    for (const type of possibleTypes) {
      const subfields = collectSubfields(this.schema, this.fragments, this.variables, type, nodes);
      let typeCost = 0;
      for (const [key, subnodes] of subfields) typeCost += this.field(type, subnodes, `${path}.${key}`, multiplier * size, childConnection);
      itemCost = Math.max(itemCost, typeCost);
    }
    const cost = size * (1 + itemCost);
    if (isList) this.consider({ ...(listSlice ?? { path, coordinate }), size, cost: multiplier * cost });
    return cost;
  }

  private consider(candidate: CostDriver): void {
    if (!this.driver || candidate.cost > this.driver.cost) this.driver = candidate;
    if (candidate.argument && (!this.sliceDriver || candidate.cost > this.sliceDriver.cost)) this.sliceDriver = candidate;
  }

  /** The size a slicing argument asks for, as the resolvers will apply it (absent or null: their default). */
  private sliceOf(definition: GraphQLField<unknown, unknown>, node: FieldNode, coordinate: string, path: string): Slice | undefined {
    const slicing = definition.args.filter((arg) => (SLICING_ARGUMENTS as readonly string[]).includes(arg.name));
    if (slicing.length === 0) return undefined;
    const first = slicing.find((a) => a.name === 'first') ?? slicing[0];
    const last = slicing.find((a) => a.name === 'last');
    const bounds = this.boundsOf(coordinate, first.defaultValue);
    const values = getArgumentValues(definition, node, this.variables);
    // As the resolvers read it (libs/data pageWindow): `last` when given, otherwise `first` or its default.
    const arg = last && typeof values.last === 'number' ? last : first;
    const value = values[arg.name];
    // Beyond the maximum the resolvers refuse the request with their own BAD_USER_INPUT: cost it as the maximum.
    const size = Math.min(Math.max(typeof value === 'number' ? value : bounds.default, 0), bounds.max);
    const given = node.arguments?.find((a) => a.name.value === arg.name)?.value;
    const variable = given?.kind === Kind.VARIABLE ? given.name.value : undefined;
    return { path, coordinate, argument: arg.name, variable, size };
  }

  private boundsOf(coordinate: string, schemaDefault: unknown): PageBounds {
    const own = this.pageBoundsByField[coordinate] ?? {};
    return {
      default: own.default ?? (typeof schemaDefault === 'number' ? schemaDefault : DEFAULT_PAGE_BOUNDS.default),
      max: own.max ?? DEFAULT_PAGE_BOUNDS.max,
    };
  }
}

function fragmentsOf(document: DocumentNode): Record<string, FragmentDefinitionNode> {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  return fragments;
}

/** QUERY_TOO_COMPLEX naming the estimate, the limit and what drives the estimate. */
export function queryTooComplex(estimate: CostEstimate, limit: number): GraphQLError {
  const { driver } = estimate;
  let message = `Query cost ${estimate.cost} exceeds the limit of ${limit}`;
  if (driver?.argument) {
    const given = driver.variable ? `${driver.argument}: $${driver.variable} (${driver.size})` : `${driver.argument}: ${driver.size}`;
    message += `: \`${given}\` on ${driver.path} multiplies ${driver.cost} of it; ask for fewer items or select less under them`;
  } else if (driver) {
    message += `: ${driver.path}, a list without a size argument counted as ${driver.size} items, makes ${driver.cost} of it; select less under it`;
  }
  return new GraphQLError(message, {
    extensions: {
      code: LIMIT_CODES.cost,
      cost: estimate.cost,
      limit,
      ...(driver && { path: driver.path }),
      ...(driver?.argument && { argument: { name: driver.argument, ...(driver.variable && { variable: driver.variable }), size: driver.size, cost: driver.cost } }),
      // Apollo's status for the response; formatGatewayError removes it from the extensions.
      http: { status: 400 },
    },
  });
}

/**
 * The cost limit over HTTP: estimated once the operation is known (with its variables), refused with
 * QUERY_TOO_COMPLEX above `maxCost`, and every response to an estimated operation carries
 * `extensions.cost: { requested, limit }`.
 */
export function costLimitPlugin<TContext extends object>(maxCost: number, spend?: (cost: number, context: TContext) => void): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      let estimate: CostEstimate | undefined;
      return {
        async didResolveOperation({ schema, document, operationName, request, contextValue }) {
          estimate = estimateCost(schema, document, operationName, request.variables);
          if (estimate && estimate.cost > maxCost) throw queryTooComplex(estimate, maxCost);
          // Within the limit: the operation is charged to the caller's cost budget (rate-limits.ts).
          if (estimate && spend) spend(estimate.cost, contextValue);
        },
        async willSendResponse({ response }) {
          if (!estimate || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, cost: { requested: estimate.cost, limit: maxCost } };
        },
      };
    },
  };
}
