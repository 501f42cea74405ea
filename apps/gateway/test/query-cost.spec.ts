// The cost model over the committed supergraph: every connection (every field with a slicing argument) is found in
// the schema, so a connection added by any subgraph is covered without editing this file.
import { readFileSync } from 'node:fs';
import { Supergraph } from '@apollo/federation-internals';
import { loadConfig } from '@crm/kernel';
import { DEV_JWT_SECRET } from '@crm/auth';
import {
  buildSchema,
  getNamedType,
  getNullableType,
  isEnumType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  parse,
  validate,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { gatewayConfigSchema } from '../src/gateway.config';
import { ASSUMED_LIST_SIZE, DEFAULT_PAGE_BOUNDS, estimateCost, PAGE_BOUNDS_BY_FIELD, queryTooComplex, SIZED_FIELDS, SLICING_ARGUMENTS } from '../src/query-cost';
import { supergraphPath } from '../src/supergraph';

const schema: GraphQLSchema = Supergraph.build(readFileSync(supergraphPath({}), 'utf8')).apiSchema().toGraphQLJSSchema();
const MAX_COST = loadConfig(gatewayConfigSchema, { JWT_SECRET: DEV_JWT_SECRET }).MAX_COST;

interface Connection {
  coordinate: string;
  parent: GraphQLObjectType;
  field: GraphQLField<unknown, unknown>;
  argument: string;
  max: number;
  default: number;
}

/** Every field of the graph that a slicing argument sizes, with the bounds its resolvers apply. */
function connectionsOf(graph: GraphQLSchema): Connection[] {
  const found: Connection[] = [];
  for (const type of Object.values(graph.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const argument = field.args.find((arg) => (SLICING_ARGUMENTS as readonly string[]).includes(arg.name));
      if (!argument) continue;
      const coordinate = `${type.name}.${field.name}`;
      const own = PAGE_BOUNDS_BY_FIELD[coordinate] ?? {};
      const schemaDefault = typeof argument.defaultValue === 'number' ? argument.defaultValue : undefined;
      found.push({ coordinate, parent: type, field, argument: argument.name, max: own.max ?? DEFAULT_PAGE_BOUNDS.max, default: own.default ?? schemaDefault ?? DEFAULT_PAGE_BOUNDS.default });
    }
  }
  return found;
}

/** A literal for a required argument, so a path from the root can be written (the estimate does not look at it). */
function placeholder(type: GraphQLNamedType): string | undefined {
  if (isEnumType(type)) return type.getValues()[0].name;
  // Strings, ids and the date scalars all accept a date literal.
  if (isScalarType(type)) return type.name === 'Int' || type.name === 'Float' ? '1' : type.name === 'Boolean' ? 'true' : '"2026-01-01"';
  return undefined;
}

function requiredArguments(field: GraphQLField<unknown, unknown>): string | undefined {
  const required = field.args.filter((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined);
  const literals = required.map((arg) => placeholder(getNamedType(arg.type)));
  if (literals.some((literal) => literal === undefined)) return undefined;
  return required.length ? `(${required.map((arg, i) => `${arg.name}: ${literals[i]}`).join(', ')})` : '';
}

/** The shortest way from Query to a type through single objects (no list multiplies what is reached). */
function pathTo(graph: GraphQLSchema, target: GraphQLObjectType): { open: string; close: string } {
  const queue: { type: GraphQLObjectType; open: string; close: string }[] = [{ type: graph.getQueryType()!, open: '', close: '' }];
  const seen = new Set<string>();
  while (queue.length) {
    const { type, open, close } = queue.shift()!;
    if (type === target) return { open, close };
    if (seen.has(type.name)) continue;
    seen.add(type.name);
    for (const field of Object.values(type.getFields())) {
      const named = getNamedType(field.type);
      const args = requiredArguments(field);
      if (!isObjectType(named) || isListType(getNullableType(field.type)) || args === undefined) continue;
      queue.push({ type: named, open: `${open}${field.name}${args} { `, close: ` }${close}` });
    }
  }
  throw new Error(`no path from Query to ${target.name} through single objects`);
}

const leaves = (type: GraphQLObjectType) =>
  Object.values(type.getFields())
    .filter((field) => isLeafType(getNamedType(field.type)) && requiredArguments(field) === '')
    .map((field) => field.name);

/**
 * An ordinary selection of one item: its scalar fields, and each single object under it (owner, department,
 * profile…) with its scalar fields; no nested list.
 */
function ordinarySelection(type: GraphQLNamedType): string {
  if (!isObjectType(type)) return '__typename';
  const nested = Object.values(type.getFields())
    .filter((field) => isObjectType(getNamedType(field.type)) && !isListType(getNullableType(field.type)) && requiredArguments(field) === '')
    .map((field) => `${field.name} { ${[...leaves(getNamedType(field.type) as GraphQLObjectType), '__typename'].join(' ')} }`);
  return [...leaves(type), ...nested].join(' ');
}

/** The list's own selection: a connection's edges/nodes, page info and count, or a plain list's items. */
function selectionOf(connection: Connection): string {
  const returned = getNamedType(connection.field.type);
  if (!isObjectType(returned)) return '';
  if (isListType(getNullableType(connection.field.type))) return `{ ${ordinarySelection(returned)} }`;
  const parts = Object.values(returned.getFields()).map((field) => {
    const named = getNamedType(field.type);
    if (isLeafType(named)) return field.name;
    if (field.name === 'edges' && isObjectType(named)) {
      const node = named.getFields().node;
      return `edges { ${[...leaves(named), node ? `node { ${ordinarySelection(getNamedType(node.type))} }` : ''].join(' ')} }`;
    }
    if (field.name === 'nodes') return `nodes { ${ordinarySelection(named)} }`;
    return isObjectType(named) ? `${field.name} { ${leaves(named).join(' ')} }` : '';
  });
  return `{ ${parts.join(' ')} }`;
}

/** The operation asking for `connection` with its slicing argument as a literal, a variable or left out. */
function operationFor(connection: Connection, form: { literal: number } | { variable: true } | { absent: true }) {
  const { open, close } = pathTo(schema, connection.parent);
  const otherArgs = requiredArguments(connection.field) ?? '';
  const inner = otherArgs.slice(1, -1);
  const slicing = 'literal' in form ? `${connection.argument}: ${form.literal}` : 'variable' in form ? `${connection.argument}: $size` : '';
  const args = [inner, slicing].filter(Boolean).join(', ');
  const header = 'variable' in form ? 'query Page($size: Int)' : 'query Page';
  const text = `${header} { ${open}${connection.field.name}${args ? `(${args})` : ''} ${selectionOf(connection)}${close} }`;
  const document = parse(text);
  const errors = validate(schema, document);
  if (errors.length) throw new Error(`${connection.coordinate}: the generated operation does not validate: ${errors.map((e) => e.message).join('; ')}\n${text}`);
  return document;
}

const cost = (document: ReturnType<typeof parse>, variables?: Record<string, unknown>) => estimateCost(schema, document, undefined, variables)!.cost;
const connections = connectionsOf(schema);

describe('query cost over the supergraph', () => {
  it('finds the connections of the graph, and every page-bounds override names one of them', () => {
    const coordinates = connections.map((c) => c.coordinate);
    expect(coordinates).toEqual(expect.arrayContaining(['Query.customers', 'Query.tickets', 'Customer.changes', 'Customer.interactions', 'Query.reportRuns']));
    for (const coordinate of Object.keys(PAGE_BOUNDS_BY_FIELD)) expect(coordinates).toContain(coordinate);
  });

  describe.each(connections.map((connection) => [connection.coordinate, connection] as const))('%s', (_coordinate, connection) => {
    it('costs the same with the size as a literal and as a variable, and counts the variable', () => {
      for (const size of [0, 1, connection.default, connection.max]) {
        expect(cost(operationFor(connection, { variable: true }), { size })).toBe(cost(operationFor(connection, { literal: size })));
      }
      expect(cost(operationFor(connection, { variable: true }), { size: connection.max })).toBeGreaterThan(cost(operationFor(connection, { variable: true }), { size: 1 }));
    });

    it("costs the resolvers' default size when the argument is left out or null", () => {
      const atDefault = cost(operationFor(connection, { literal: connection.default }));
      expect(cost(operationFor(connection, { absent: true }))).toBe(atDefault);
      expect(cost(operationFor(connection, { variable: true }), {})).toBe(atDefault);
      expect(cost(operationFor(connection, { variable: true }), { size: null })).toBe(atDefault);
    });

    it(`passes the limit at the largest page the resolvers allow, with an ordinary selection`, () => {
      expect(cost(operationFor(connection, { literal: connection.max }))).toBeLessThanOrEqual(MAX_COST);
    });

    it("costs a size above the resolvers' maximum as the maximum, so the resolvers' own BAD_USER_INPUT answers it", () => {
      expect(cost(operationFor(connection, { literal: connection.max * 5 }))).toBe(cost(operationFor(connection, { literal: connection.max })));
      expect(cost(operationFor(connection, { variable: true }), { size: connection.max + 1 })).toBe(cost(operationFor(connection, { literal: connection.max })));
    });
  });

  it('multiplies nested lists and names the argument that drives a rejection, with its variable', () => {
    const document = parse(`query Partners($n: Int) {
      customers(first: $n) { totalCount pageInfo { hasNextPage } edges { cursor node { id name interactions(first: 50) { summary } contacts { name } } } }
    }`);
    expect(validate(schema, document)).toEqual([]);
    const estimate = estimateCost(schema, document, undefined, { n: 200 })!;
    // customers (1) + pageInfo (1) + 200 × (edge 1 + node 1 + 50 interactions + 10 contacts).
    expect(estimate.cost).toBe(2 + 200 * (2 + 50 + ASSUMED_LIST_SIZE));
    expect(estimate.driver).toEqual({ path: 'customers', coordinate: 'Query.customers', argument: 'first', variable: 'n', size: 200, cost: 200 * 62 });

    const error = queryTooComplex(estimate, MAX_COST);
    expect(error.message).toBe(`Query cost 12402 exceeds the limit of ${MAX_COST}: \`first: $n (200)\` on customers multiplies 12400 of it; ask for fewer items or select less under them`);
    expect(error.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', cost: 12402, limit: MAX_COST, path: 'customers', argument: { name: 'first', variable: 'n', size: 200, cost: 12400 } });
  });

  it('sizes a page as the resolvers read it: `last` when given, otherwise `first` or its default', () => {
    const page = (args: string) => cost(parse(`{ customers${args} { edges { node { id } } } }`));
    expect(page('(first: 5)')).toBe(page('(last: 5)'));
    expect(page('(last: 5, before: "x")')).toBe(1 + 5 * 2);
    expect(page('(first: 5)')).toBe(1 + 5 * 2);
    expect(page('')).toBe(1 + 50 * 2);
    expect(page('(last: 200)')).toBe(1 + 200 * 2);
  });

  it("costs the README's examples as it says", () => {
    expect(cost(parse('{ customers(first: 200) { edges { node { id name owner { name } } } } }'))).toBe(601);
    expect(cost(parse('{ customers(first: 200) { edges { node { id name owner { name } interactions(first: 50) { summary } } } } }'))).toBe(10_601);
  });

  it('names an unsized list when no argument drives the cost', () => {
    const estimate = estimateCost(schema, parse('{ departments { consultants { id } } }'), undefined, {})!;
    expect(estimate.cost).toBe(ASSUMED_LIST_SIZE * (1 + ASSUMED_LIST_SIZE));
    expect(queryTooComplex(estimate, 50).message).toBe('Query cost 110 exceeds the limit of 50: departments, a list without a size argument counted as 10 items, makes 110 of it; select less under it');
    expect(queryTooComplex(estimate, 50).extensions.argument).toBeUndefined();
  });

  it('counts fragments, inline fragments and @include/@skip as the executor resolves them, and introspection as nothing', () => {
    const plain = cost(parse('{ customers(first: 100) { edges { node { id owner { name } } } } }'));
    const withFragments = parse(`query($with: Boolean!) {
      customers(first: 100) { ...Page }
      skipped: customers(first: 200) @include(if: $with) { edges { node { id } } }
      __schema { types { name fields { name } } }
    }
    fragment Page on CustomerConnection { edges { node { ... on Customer { id owner { name } } id } } }`);
    expect(cost(withFragments, { with: false })).toBe(plain);
    expect(cost(withFragments, { with: true })).toBe(plain + 1 + 200 * 2);
  });

  it('counts the sized fields of a connection only, not its page info', () => {
    expect(SIZED_FIELDS).toEqual(['edges', 'nodes']);
    expect(cost(parse('{ customers(first: 200) { pageInfo { hasNextPage } } }'))).toBe(2);
  });

  it('cannot estimate an operation whose variables do not fit it (execution refuses it)', () => {
    expect(estimateCost(schema, parse('query($n: Int!) { customers(first: $n) { totalCount } }'), undefined, { n: 'many' })).toBeUndefined();
  });
});

describe('interfaces and unions', () => {
  it('count their costliest possible type', () => {
    const small = buildSchema(`
      type Query { items(first: Int = 10): [Item!]! }
      interface Item { id: ID! }
      type Small implements Item { id: ID! }
      type Big implements Item { id: ID! parts: [Part!]! }
      type Part { id: ID! }`);
    const estimate = estimateCost(small, parse('{ items(first: 4) { id ... on Big { parts { id } } } }'), undefined, {})!;
    expect(estimate.cost).toBe(4 * (1 + ASSUMED_LIST_SIZE));
  });
});
