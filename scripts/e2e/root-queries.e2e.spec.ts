// Every root Query field of the composed schema, once, through the gateway, as the general manager against the
// demo data: none may fail with an internal error or a code outside the README's stable list. The fields come
// from schema/supergraph.graphql, so a new root query is swept without touching this file.
import { Supergraph } from '@apollo/federation-internals';
import { DEV_JWT_SECRET } from '@crm/auth';
import { toGlobalId } from '@crm/contracts';
import { graphql, type GraphQLResponse } from '@crm/testing';
import {
  buildSchema,
  getNamedType,
  isAbstractType,
  isEnumType,
  isInterfaceType,
  isLeafType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { seedDemoActivity } from '../platform/demo-activity';
import { call, demoCustomers, demoTokens, seedDemoData } from '../platform/demo-data';
import type { RunningPlatform } from '../platform/platform';
import { startE2ePlatform } from './e2e-platform';
import { describeKpiScorecard } from './kpi-scorecard';

// Seeding the whole demo takes minutes on 2 busy cores.
jest.setTimeout(600_000);

const ROOT = path.resolve(__dirname, '..', '..');
const api = Supergraph.build(readFileSync(path.join(ROOT, 'schema', 'supergraph.graphql'), 'utf8')).apiSchema().toGraphQLJSSchema();
const rootFields = Object.values(api.getQueryType()!.getFields());
// Fields that need an entity id run after the others, whose answers supply those ids.
const argumentFree = rootFields.filter((field) => !field.args.some(isRequired));
const withArguments = rootFields.filter((field) => field.args.some(isRequired));

/** The codes the README promises clients ("Errors"); anything else (INTERNAL_SERVER_ERROR above all) is a defect. */
const stableCodes = readmeErrorCodes(readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
/** Codes with which the gateway refuses a whole operation: the generated query, not the field, would be at fault. */
const refusedOperationCodes = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'QUERY_TOO_DEEP', 'TOO_MANY_ALIASES', 'QUERY_TOO_COMPLEX', 'TOO_MANY_TOKENS', 'PAYLOAD_TOO_LARGE']);

/** Entities (types with an `id`) are selected in full this many levels down from the root field; deeper ones by `__typename` and `id`. */
const DEPTH = 1;
/** Value objects nest at most this deep below the root field (the gateway refuses more than 12 levels). */
const MAX_NESTING = 6;
/** A root list's `first`: the default page of 50 full customer cards is over the gateway's cost limit. */
const PAGE = 5;

const DAY = 86_400_000;
const isoDay = (time: number) => new Date(time).toISOString().slice(0, 10);

interface Harvest {
  /** The first id seen of an entity type in the argument-free answers. */
  idOf(typename: string, asked: string): string;
}

/**
 * Values for required arguments, looked up as `<field>.<argument>`, then `<argument>: <type>`, then `<type>`.
 * Required enums take their first value; any other required argument without an entry fails the sweep.
 */
const samples: Record<string, (harvest: Harvest, field: GraphQLField<unknown, unknown>, arg: GraphQLArgument) => unknown> = {
  // `x(id: ID!): X` reads the X of that id.
  'id: ID!': (harvest, field) => harvest.idOf(getNamedType(field.type).name, `${field.name}(id)`),
  'customerId: ID!': (harvest, field) => harvest.idOf('Customer', `${field.name}(customerId)`),
  'from: String!': () => isoDay(Date.now()),
  'to: String!': () => isoDay(Date.now() + 365 * DAY),
  'asOf: Date!': () => isoDay(Date.now()),
  'from: Date!': () => isoDay(Date.now()),
  'to: Date!': () => isoDay(Date.now() + 365 * DAY),
  'asOf: DateTime!': () => new Date().toISOString(),
  'from: DateTime!': () => new Date(Date.now() - 365 * DAY).toISOString(),
  'to: DateTime!': () => new Date(Date.now() + 365 * DAY).toISOString(),
  'period: String!': () => String(new Date().getUTCFullYear()),
  'SurveyAnalysisInput!': () => ({ by: ['ITEM'] }),
  // No argument-free root query lists these; an id nobody has still runs the field's read rule (NOT_FOUND).
  'salesTierRun.id': () => toGlobalId('SalesTierRun', '0'.repeat(24)),
  'improvementProposal.id': () => toGlobalId('ImprovementProposal', '0'.repeat(24)),
  // The demo archive holds a second, differently typed record of this company.
  'DuplicateProbeInput!': () => ({ name: demoCustomers()[1].input.name }),
};

describe('every root query through the gateway, as the general manager on demo data', () => {
  let platform: RunningPlatform;
  let url: string;
  let gm: string;
  let tokens: Record<string, string>;
  const answers = new Map<string, { query: string; variables: Record<string, unknown>; response: GraphQLResponse } | { unfillable: string }>();

  beforeAll(async () => {
    // Commands are monitored for the KPI scorecard's read counts.
    platform = await startE2ePlatform({ jwtSecret: DEV_JWT_SECRET, envFor: () => ({ MONGO_MONITOR_COMMANDS: 'true' }) });
    url = platform.gateway.graphqlUrl;
    tokens = await demoTokens(DEV_JWT_SECRET);
    gm = tokens.generalManager;
    const seeded = await seedDemoData(url, tokens);
    // The whole archive as npm start seeds it; activity (tickets, interactions, surveys, credit) for a few customers only.
    await seedDemoActivity(url, tokens, seeded.customers.slice(0, 16), () => undefined);
    await seedAccessRequests(url, tokens);

    const { harvest, collect } = idHarvest();
    for (const field of [...argumentFree, ...withArguments]) {
      let operation: { query: string; variables: Record<string, unknown> };
      try {
        operation = rootOperation(api, field, harvest);
      } catch (error) {
        answers.set(field.name, { unfillable: (error as Error).message });
        continue;
      }
      const response = await graphql(url, operation.query, operation.variables, gm);
      answers.set(field.name, { ...operation, response });
      collect(response.data);
    }
  });
  afterAll(() => platform?.stop());

  it('sweeps the root fields the gateway serves', async () => {
    const served = await call(url, '{ __schema { queryType { fields { name } } } }', {}, gm);
    // The gateway serves node and nodes itself (global ids), around the supergraph's root fields.
    expect(served.__schema.queryType.fields.map((f: { name: string }) => f.name).sort()).toEqual([...rootFields.map((f) => f.name), 'node', 'nodes'].sort());
    expect(stableCodes).toContain('BAD_USER_INPUT');
  });

  it.each(rootFields.map((field) => [field.name]))('%s answers without an internal or unlisted error', (name) => {
    const answer = answers.get(name)!;
    if ('unfillable' in answer) throw new Error(answer.unfillable);
    const problems = (answer.response.errors ?? []).flatMap((error) => {
      const code = String(error.extensions?.code);
      const at = error.path?.join('.') ?? '(operation)';
      if (refusedOperationCodes.has(code)) return [`the generated query was refused, fix the sweep (${code}: ${error.message})`];
      if (!stableCodes.has(code)) return [`${code} at ${at}: ${error.message}`];
      // The general manager with sample arguments: a rejected argument means the sample, not the field, was tested.
      if (code === 'BAD_USER_INPUT' && at === name) return [`the sample arguments ${JSON.stringify(answer.variables)} were rejected: ${error.message}`];
      return [];
    });
    expect({ query: answer.query, problems }).toEqual({ query: answer.query, problems: [] });
  });

  // The same seeded platform answers the KPI scorecard.
  describeKpiScorecard(() => ({ platform, url, tokens }));
});

describe('the root query sweep itself', () => {
  const schema = buildSchema('scalar Moment type Thing { id: ID! name: String } type Query { thingAt(when: Moment!): Thing thing(id: ID!): Thing }');
  const field = (name: string) => schema.getQueryType()!.getFields()[name];

  it('fails, asking for a sample, on a required argument of a type it has none for', () => {
    expect(() => rootOperation(schema, field('thingAt'), idHarvest().harvest)).toThrow('no sample for the required argument thingAt(when: Moment!): add one to `samples`');
  });

  it('fills an id argument with the first id of the returned type seen in earlier answers, and fails when none was seen', () => {
    const { harvest, collect } = idHarvest();
    expect(() => rootOperation(schema, field('thing'), harvest)).toThrow('no Thing id for thing(id)');
    collect({ things: [{ __typename: 'Thing', id: 'T-1' }, { __typename: 'Thing', id: 'T-2' }] });
    expect(rootOperation(schema, field('thing'), harvest)).toEqual({ query: 'query RootSweep($id: ID!) { thing(id: $id) { __typename id name } }', variables: { id: 'T-1' } });
  });
});

/** Ids seen in answers, by `__typename`, for the arguments of the root fields that need one. */
function idHarvest(): { harvest: Harvest; collect(data: unknown): void } {
  const seen = new Map<string, string>();
  const harvest: Harvest = {
    idOf(typename, asked) {
      const id = seen.get(typename);
      if (id === undefined) {
        throw new Error(`no ${typename} id for ${asked}: no argument-free root query answered one; seed one in this test or add a sample for "${asked.replace(/\((.*)\)/, '.$1')}"`);
      }
      return id;
    },
  };
  return { harvest, collect: (data) => collectIds(data, seen) };
}

function isRequired(arg: GraphQLArgument): boolean {
  return isNonNullType(arg.type) && arg.defaultValue === undefined;
}

/** `query($a: T!) { field(a: $a) { … } }` with every required argument filled from the samples. */
function rootOperation(schema: GraphQLSchema, field: GraphQLField<unknown, unknown>, harvest: Harvest): { query: string; variables: Record<string, unknown> } {
  const variables: Record<string, unknown> = {};
  const declared: string[] = [];
  const passed: string[] = [];
  for (const arg of field.args) {
    const value = isRequired(arg) ? requiredValue(field, arg, harvest) : arg.name === 'first' ? PAGE : undefined;
    if (value === undefined) continue;
    variables[arg.name] = value;
    declared.push(`$${arg.name}: ${String(arg.type)}`);
    passed.push(`${arg.name}: $${arg.name}`);
  }
  const header = declared.length > 0 ? `(${declared.join(', ')})` : '';
  const args = passed.length > 0 ? `(${passed.join(', ')})` : '';
  return { query: `query RootSweep${header} { ${field.name}${args} ${selectionOf(schema, field.type, DEPTH)} }`.replace(/\s+/g, ' '), variables };
}

function requiredValue(field: GraphQLField<unknown, unknown>, arg: GraphQLArgument, harvest: Harvest): unknown {
  const sample = samples[`${field.name}.${arg.name}`] ?? samples[`${arg.name}: ${String(arg.type)}`] ?? samples[String(arg.type)];
  if (sample) return sample(harvest, field, arg);
  const type = getNamedType(arg.type);
  if (isEnumType(type) && isNonNullType(arg.type) && !String(arg.type).startsWith('[')) return type.getValues()[0].value;
  throw new Error(`no sample for the required argument ${field.name}(${arg.name}: ${String(arg.type)}): add one to \`samples\` in scripts/e2e/root-queries.e2e.spec.ts`);
}

/**
 * Leaf fields and value objects (types without an `id`: connections, edges, profiles) in full; entities (types
 * with an `id`) `depth` entity levels below the root, deeper ones only as `__typename` and `id`. Fields with
 * required arguments are left out.
 */
function selectionOf(schema: GraphQLSchema, type: GraphQLOutputType, depth: number, nesting = 0): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  if (nesting >= MAX_NESTING) return `{ __typename ${idOf(named)} }`;
  if (isAbstractType(named)) {
    const own = isInterfaceType(named) ? fieldsOf(schema, named, depth, nesting) : '';
    const variants = schema.getPossibleTypes(named).map((variant) => `... on ${variant.name} ${selectionOf(schema, variant, depth, nesting)}`);
    return `{ __typename ${own} ${variants.join(' ')} }`;
  }
  const entity = idOf(named) !== '';
  if (entity && depth === 0) return '{ __typename id }';
  return `{ __typename ${fieldsOf(schema, named, entity ? depth - 1 : depth, nesting)} }`;
}

function fieldsOf(schema: GraphQLSchema, type: GraphQLNamedType, depth: number, nesting: number): string {
  if (!isObjectType(type) && !isInterfaceType(type)) return '';
  return Object.values(type.getFields())
    .filter((field) => !field.args.some(isRequired))
    .map((field) => `${field.name} ${selectionOf(schema, field.type, depth, nesting + 1)}`)
    .join(' ');
}

function idOf(type: GraphQLNamedType): string {
  return (isObjectType(type) || isInterfaceType(type)) && 'id' in type.getFields() ? 'id' : '';
}

/** Every `{ __typename, id }` in an answer, the first id of each type kept. */
function collectIds(value: unknown, seen: Map<string, string>): void {
  if (Array.isArray(value)) return value.forEach((item) => collectIds(item, seen));
  if (value === null || typeof value !== 'object') return;
  const { __typename, id } = value as { __typename?: unknown; id?: unknown };
  if (typeof __typename === 'string' && typeof id === 'string' && !seen.has(__typename)) seen.set(__typename, id);
  Object.values(value).forEach((item) => collectIds(item, seen));
}

function readmeErrorCodes(readme: string): Set<string> {
  const section = readme.split(/^## /m).find((part) => part.startsWith('Errors\n')) ?? '';
  return new Set([...section.matchAll(/`([A-Z][A-Z_]+)`/g)].map((match) => match[1]));
}

/** The demo archive has no access requests: East's consultant asks to read two West customers; one is granted, one waits. */
async function seedAccessRequests(url: string, tokens: Record<string, string>): Promise<void> {
  const page = await call(url, '{ customers(first: 50) { edges { node { id department { id } } } } }', {}, tokens.generalManager);
  const [first, second] = page.customers.edges.map((edge: { node: { id: string; department: { id: string } } }) => edge.node).filter((node: { department: { id: string } }) => node.department.id === 'D-WEST');
  const expiresAt = new Date(Date.now() + 7 * DAY).toISOString();
  const request = 'mutation($i: RequestCustomerAccessInput!) { requestCustomerAccess(input: $i) { accessRequest { id } userErrors { field code message } } }';
  const granted = await call(url, request, { i: { scope: { kind: 'CUSTOMER', customerId: first.id }, reason: 'covering during leave', expiresAt } }, tokens.consultantWang);
  await call(url, 'mutation($id: ID!) { approveAccessRequest(input: { id: $id }) { accessRequest { id } userErrors { field code message } } }', { id: granted.requestCustomerAccess.accessRequest.id }, tokens.generalManager);
  await call(url, request, { i: { scope: { kind: 'CUSTOMER', customerId: second.id }, reason: 'joint visit next week', expiresAt } }, tokens.consultantWang);
}
