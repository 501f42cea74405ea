// Schema-driven fuzzing of every mutation through the gateway (issue 16, fuzzed inputs). Shared by the suite's short
// run (scripts/e2e/fuzz-mutations.e2e.spec.ts) and the long benchmark (scripts/benchmarks/fuzz-mutations.bench.ts).
//
// What is generated. The client schema is introspected from the running gateway. Each Mutation field becomes one
// operation `mutation Fuzz($input: XInput!) { field(input: $input) { __typename …payload… } }` selecting the
// payload's scalars, its records' scalars and `userErrors { field code message }`. Its variables come from a
// fast-check arbitrary derived from the input types: every leaf is mostly a valid-looking value (known ids of a small
// seeded fixture, plausible strings, dates near now, small numbers, valid enum values) and sometimes a boundary or
// malformed one (empty, huge or odd unicode strings, overflowing and fractional numbers, NaN-like strings, wrong
// JSON types, impossible dates, unknown enum values, nulls for required fields, missing required fields, extra
// fields, long and nested lists, deeply nested JSON, keys Mongo treats as operators). With a dozen leaves about a
// third of the cases are entirely valid-looking, so the services' rules are reached, not only GraphQL's coercion.
//
// What is asserted per case. Never an HTTP 5xx and always a JSON answer; every error has an `extensions.code` and
// none is INTERNAL_SERVER_ERROR (an unexpected throw behind the gateway); every user error has a code. A call is
// rejected when the root field has an error, the payload is null, or userErrors is not empty; a rejected call must
// write no document and publish no event.
//
// How "no write" is checked, exactly and cheaply. Instead of snapshotting collection counts, every subgraph runs
// with MongoDB command monitoring and a tap records each write command that changed something (an insert or delete
// with n > 0, an update that modified or upserted, a findAndModify that found or upserted, an aggregate with
// $out/$merge; writes inside a transaction count only once it commits), and every JetStream publish of the
// subgraphs (their bus's publish is wrapped). Calls run one at a time; a rejected call's window runs from just
// before it is sent until the relays have been flushed after its answer, so a write or an event in that window is
// the call's. Background writers are kept out of the window: the scheduled jobs are set to an hour (only their
// lease collection could be written anyway and is ignored), and after every accepted call the platform is
// "settled" (outboxes flushed, then waited on until no write or publish happened for a quiet period) so the
// consumers' reactions to its events land before the next case. As a second, independent check, when the NATS
// server belongs to this run alone, the service streams' message counts (`jsm.streams.info`) are compared around
// each rejected call too.
import { streamFor, toGlobalId, type ServiceName } from '@crm/contracts';
import fc from 'fast-check';
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import type { mongo } from 'mongoose';
import type { RunningPlatform } from '../platform/platform';

/** Extra env for every subgraph of a fuzzed platform: command monitoring on, scheduled jobs out of the way. */
export function fuzzServiceEnv(): NodeJS.ProcessEnv {
  const hour = '3600000';
  return {
    MONGO_MONITOR_COMMANDS: 'true',
    ...Object.fromEntries(
      [
        'ACCOUNTS_FILING_CHECK_MS',
        'BAD_CUSTOMER_EVALUATION_INTERVAL_MS',
        'CREDIT_REVIEW_WATCH_INTERVAL_MS',
        'SALES_TIER_RUNNER_INTERVAL_MS',
        'CARE_TASKS_INTERVAL_MS',
        'FOLLOW_UP_WATCH_INTERVAL_MS',
        'ENGAGEMENT_WATCH_INTERVAL_MS',
        'REPORT_RUNNER_INTERVAL_MS',
        'SLA_WATCH_INTERVAL_MS',
        'SURVEYS_EXPIRY_INTERVAL_MS',
        'SURVEYS_FINDINGS_INTERVAL_MS',
      ].map((name) => [name, hour]),
    ),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The operations

export interface FuzzOperation {
  field: string;
  document: string;
  /** The mutation's arguments and their types. */
  args: { name: string; type: GraphQLInputType }[];
}

export async function introspect(url: string, token: string): Promise<GraphQLSchema> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: getIntrospectionQuery() }),
  });
  const body = (await res.json()) as { data?: IntrospectionQuery; errors?: unknown[] };
  if (!body.data) throw new Error(`introspection failed: ${JSON.stringify(body.errors)}`);
  return buildClientSchema(body.data);
}

const hasRequiredArgs = (field: GraphQLField<unknown, unknown>) => field.args.some((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined);

/** `__typename` and the scalar and enum fields (without required arguments) of an object type. */
function scalarSelection(type: GraphQLObjectType): string {
  const scalars = Object.values(type.getFields()).filter((f) => !hasRequiredArgs(f) && (isScalarType(getNamedType(f.type)) || isEnumType(getNamedType(f.type))));
  return ['__typename', ...scalars.map((f) => f.name)].join(' ');
}

function payloadSelection(type: GraphQLObjectType): string {
  const parts = ['__typename'];
  for (const field of Object.values(type.getFields())) {
    if (hasRequiredArgs(field)) continue;
    const named = getNamedType(field.type);
    if (field.name === 'userErrors') parts.push('userErrors { field code message }');
    else if (isScalarType(named) || isEnumType(named)) parts.push(field.name);
    else if (isObjectType(named)) parts.push(`${field.name} { ${scalarSelection(named)} }`);
    else if (isInterfaceType(named) || isUnionType(named)) parts.push(`${field.name} { __typename }`);
  }
  return parts.join(' ');
}

export function mutationOperations(schema: GraphQLSchema): FuzzOperation[] {
  const mutation = schema.getMutationType();
  if (!mutation) return [];
  return Object.values(mutation.getFields()).map((field) => {
    const named = getNamedType(field.type);
    const selection = isObjectType(named) ? ` { ${payloadSelection(named)} }` : isInterfaceType(named) || isUnionType(named) ? ' { __typename }' : '';
    const declarations = field.args.map((arg) => `$${arg.name}: ${arg.type.toString()}`).join(', ');
    const uses = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
    const document = `mutation Fuzz${declarations ? `(${declarations})` : ''} { ${field.name}${uses ? `(${uses})` : ''}${selection} }`;
    return { field: field.name, document, args: field.args.map((arg) => ({ name: arg.name, type: arg.type })) };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The arbitraries

/** Ids that exist (global ids from the gateway and own ids such as a department's), so valid-looking cases get past lookups. */
export interface FuzzFixture {
  ids: string[];
}

const MISSING = Symbol('missing');
type Maybe = unknown | typeof MISSING;

const NOW = Date.now();
const DAY = 86_400_000;

const oddStrings = [
  '',
  ' ',
  '\u0000',
  '\uD800',
  '\u202Eevil',
  'e\u0301\u0301\u0301',
  '😀'.repeat(50),
  '𝕏'.repeat(300),
  '$gt',
  '{"$gt":""}',
  '<script>alert(1)</script>',
  "'; DROP TABLE x; --",
  '../../etc/passwd',
  '.*',
  '(',
  'NaN',
  'Infinity',
  '-0',
  'null',
  'undefined',
  'true',
  '0x1F',
  '1e309',
  '2024-02-30',
  '\n\t\r',
  '%00',
];

const hugeString = fc.oneof(fc.constant('x'.repeat(10_001)), fc.constant('é'.repeat(70_000)), fc.constant('a '.repeat(5_000)));
const wrongJsonTypes = fc.constantFrom<unknown>(true, 0, -1, 1.5, [], {}, { a: 1 }, ['x'], 'x');

function arbString(): { valid: fc.Arbitrary<unknown>; bad: fc.Arbitrary<unknown> } {
  return {
    valid: fc.oneof(fc.string({ minLength: 1, maxLength: 24 }), fc.lorem({ maxCount: 6 }), fc.constantFrom('Valve repair', 'Ms Lin', 'North', 'EUR', 'CNY', 'note')),
    bad: fc.oneof(fc.constantFrom<unknown>(...oddStrings), hugeString, fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom<unknown>(12, true, { a: 1 }, [1])),
  };
}

function arbId(fixture: FuzzFixture): { valid: fc.Arbitrary<unknown>; bad: fc.Arbitrary<unknown> } {
  const objectId = fc.stringMatching(/^[0-9a-f]{24}$/);
  return {
    valid: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...fixture.ids) }, { weight: 1, arbitrary: objectId }, { weight: 1, arbitrary: objectId.map((id) => toGlobalId('Customer', id)) }),
    bad: fc.oneof(
      fc.constantFrom<unknown>('', ' ', '0', '-1', 'x'.repeat(5_000), toGlobalId('Nope', '1'), toGlobalId('Ticket', ''), Buffer.from('Customer:').toString('base64url'), '$where', '{"$ne":null}', 'a.b', 'ZZZZ'),
      fc.constantFrom<unknown>(...fixture.ids).map((id) => `${String(id)} `),
      fc.constantFrom<unknown>(1.5, -1, 9007199254740993, true, {}, []),
    ),
  };
}

function arbInt(safe: boolean): { valid: fc.Arbitrary<unknown>; bad: fc.Arbitrary<unknown> } {
  return {
    valid: fc.oneof(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 1, max: safe ? 10_000_000 : 1_000 })),
    bad: fc.constantFrom<unknown>(
      -1,
      -2147483648,
      2147483647,
      2147483648,
      -2147483649,
      Number.MAX_SAFE_INTEGER,
      Number.MIN_SAFE_INTEGER,
      Number.MAX_SAFE_INTEGER + 2,
      1e21,
      1.5,
      -0.5,
      '1',
      'NaN',
      'Infinity',
      '',
      true,
      [1],
    ),
  };
}

function arbFloat(): { valid: fc.Arbitrary<unknown>; bad: fc.Arbitrary<unknown> } {
  return {
    valid: fc.double({ min: 0, max: 1_000, noNaN: true, noDefaultInfinity: true }),
    bad: fc.constantFrom<unknown>(-1, 1e308, -1e308, 5e-324, -0, 'NaN', 'Infinity', '-Infinity', '1.5', '', false),
  };
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function arbDateTime(): { valid: fc.Arbitrary<unknown>; bad: fc.Arbitrary<unknown> } {
  return {
    valid: fc.integer({ min: -400, max: 400 }).map((days) => new Date(NOW + days * DAY + 3_600_000 * (days % 7)).toISOString()),
    bad: fc.constantFrom<unknown>(
      'not a date',
      '',
      '2024-13-01T00:00:00Z',
      '2024-02-30T00:00:00Z',
      '2024-01-01T25:00:00Z',
      '2024-01-01',
      '1970-01-01T00:00:00Z',
      '0001-01-01T00:00:00Z',
      '9999-12-31T23:59:59.999Z',
      '+275760-09-13T00:00:00.000Z',
      '-000001-01-01T00:00:00Z',
      '2024-01-01T00:00:00+99:00',
      1_700_000_000_000,
      true,
    ),
  };
}

function arbDate(): { valid: fc.Arbitrary<unknown>; bad: fc.Arbitrary<unknown> } {
  return {
    valid: fc.integer({ min: -400, max: 400 }).map((days) => isoDay(NOW + days * DAY)),
    bad: fc.constantFrom<unknown>('2024-02-30', '2023-02-29', '2024-13-01', '2024-00-10', '0000-01-01', '9999-12-31', '20240101', '2024-1-1', '', 'today', 20240101, '2024-01-01T00:00:00Z'),
  };
}

const deepJson = (depth: number): unknown => Array.from({ length: depth }).reduce<unknown>((inner) => ({ a: inner }), 1);

function arbJson(): { valid: fc.Arbitrary<unknown>; bad: fc.Arbitrary<unknown> } {
  return {
    valid: fc.jsonValue({ maxDepth: 2 }),
    bad: fc.constantFrom<unknown>(deepJson(60), deepJson(200), { $where: 'sleep(100)' }, { 'a.b': 1 }, { $set: { x: 1 } }, { '': 1 }, Array.from({ length: 2_000 }, (_, i) => i), '\u0000'),
  };
}

function arbBoolean(): { valid: fc.Arbitrary<unknown>; bad: fc.Arbitrary<unknown> } {
  return { valid: fc.boolean(), bad: fc.constantFrom<unknown>('true', 'false', 1, 0, '', []) };
}

/** Mostly valid, sometimes bad (one leaf in nine), as one arbitrary. */
const mix = ({ valid, bad }: { valid: fc.Arbitrary<unknown>; bad: fc.Arbitrary<unknown> }) => fc.oneof({ weight: 8, arbitrary: valid }, { weight: 1, arbitrary: bad });

const MAX_DEPTH = 4;

/** The arbitrary for a value of `type` (MISSING is a left-out field). */
function valueArb(type: GraphQLInputType, fixture: FuzzFixture, depth: number): fc.Arbitrary<Maybe> {
  if (isNonNullType(type)) {
    const inner = valueArb(type.ofType, fixture, depth);
    return fc.oneof({ weight: 30, arbitrary: inner }, { weight: 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constant(MISSING) });
  }
  if (isListType(type)) {
    const item = valueArb(type.ofType as GraphQLInputType, fixture, depth + 1).map((v) => (v === MISSING ? null : v));
    if (depth >= MAX_DEPTH) return fc.constant([]);
    return fc.oneof(
      { weight: 12, arbitrary: fc.array(item, { maxLength: 3 }) },
      { weight: 1, arbitrary: item },
      { weight: 1, arbitrary: fc.array(item, { minLength: 150, maxLength: 300 }) },
      { weight: 1, arbitrary: fc.constant([null]) },
    );
  }
  // Optional (nullable) from here on: sometimes null, sometimes left out.
  const present = namedArb(type, fixture, depth);
  return fc.oneof({ weight: 8, arbitrary: present }, { weight: 2, arbitrary: fc.constant(MISSING) }, { weight: 1, arbitrary: fc.constant(null) });
}

function namedArb(type: GraphQLInputType, fixture: FuzzFixture, depth: number): fc.Arbitrary<unknown> {
  if (isEnumType(type)) {
    const values = type.getValues().map((v) => v.name);
    return mix({ valid: fc.constantFrom(...values), bad: fc.constantFrom<unknown>('NOT_A_VALUE', values[0].toLowerCase(), '', 3, `${values[0]} `) });
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'ID':
        return mix(arbId(fixture));
      case 'String':
        return mix(arbString());
      case 'Int':
        return mix(arbInt(false));
      case 'SafeInt':
        return mix(arbInt(true));
      case 'Float':
        return mix(arbFloat());
      case 'Boolean':
        return mix(arbBoolean());
      case 'DateTime':
        return mix(arbDateTime());
      case 'Date':
      case 'LocalDate':
        return mix(arbDate());
      case 'JSON':
        return mix(arbJson());
      default:
        return mix({ valid: arbString().valid, bad: fc.oneof(arbString().bad, wrongJsonTypes) });
    }
  }
  if (isInputObjectType(type)) {
    if (depth > MAX_DEPTH) return fc.constant({});
    const fields = Object.values(type.getFields());
    const record = fc.tuple(...fields.map((f) => valueArb(f.type, fixture, depth + 1)));
    const extra = fc.oneof({ weight: 20, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom<[string, unknown]>(['zzUnknown', 1], ['__proto__', { x: 1 }], ['$set', { a: 1 }]) });
    return fc.tuple(record, extra).map(([values, extraField]) => {
      const object: Record<string, unknown> = {};
      fields.forEach((f, i) => {
        if (values[i] !== MISSING) object[f.name] = values[i];
      });
      if (extraField) Object.defineProperty(object, extraField[0], { value: extraField[1], enumerable: true, configurable: true, writable: true });
      return object;
    });
  }
  return fc.constant(null);
}

/** Variables for the operation: its arguments' values (an argument left out is left out of the variables). */
export function variablesArb(operation: FuzzOperation, fixture: FuzzFixture): fc.Arbitrary<Record<string, unknown>> {
  const wholeInput = fc.oneof(
    { weight: 40, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(null, 'x', 1, [], [{}]) },
  );
  return fc.tuple(fc.tuple(...operation.args.map((arg) => valueArb(arg.type, fixture, 0))), wholeInput).map(([values, replaced]) => {
    const variables: Record<string, unknown> = {};
    operation.args.forEach((arg, i) => {
      if (values[i] !== MISSING) variables[arg.name] = values[i];
    });
    if (replaced !== undefined && operation.args.length > 0) variables[operation.args[0].name] = replaced;
    return variables;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The write tap

export interface ObservedWrite {
  service: string;
  what: string;
}

const WRITE_COMMANDS = new Set(['insert', 'update', 'delete', 'findAndModify', 'bulkWrite']);
/** Infrastructure, not documents of a call: the scheduler's leases. */
const IGNORED_COLLECTIONS = new Set(['job_leases']);

function changed(name: string, command: mongo.Document, reply: mongo.Document): boolean {
  switch (name) {
    case 'insert':
    case 'delete':
      return (reply.n ?? 0) > 0;
    case 'update':
      return (reply.nModified ?? 0) > 0 || (reply.upserted?.length ?? 0) > 0;
    case 'findAndModify':
      // The dev server answers without lastErrorObject: a returned document then counts as written.
      if (!reply.lastErrorObject) return reply.value !== null && reply.value !== undefined;
      return (reply.lastErrorObject.n ?? 0) > 0 || reply.lastErrorObject.upserted !== undefined;
    case 'aggregate':
      return (command.pipeline as mongo.Document[] | undefined)?.some((stage) => '$out' in stage || '$merge' in stage) ?? false;
    default:
      return (reply.n ?? reply.nInserted ?? 0) > 0 || (reply.nModified ?? 0) > 0;
  }
}

/** Every changing write and every publish of the platform's subgraphs, in order. */
export class WriteTap {
  readonly writes: ObservedWrite[] = [];
  private readonly undo: (() => void)[] = [];

  constructor(platform: RunningPlatform) {
    for (const [service, running] of Object.entries(platform.services)) {
      const client = running.connection.getClient();
      const started = new Map<number, { name: string; command: mongo.Document }>();
      const inTransaction = new Map<string, ObservedWrite[]>();
      const txnKey = (command: mongo.Document) => (command.lsid && command.txnNumber !== undefined ? `${String(command.lsid.id?.toString?.('hex') ?? JSON.stringify(command.lsid))}:${String(command.txnNumber)}` : null);
      const onStarted = (event: mongo.CommandStartedEvent) => {
        if (WRITE_COMMANDS.has(event.commandName) || event.commandName === 'aggregate' || event.commandName === 'commitTransaction' || event.commandName === 'abortTransaction') {
          started.set(event.requestId, { name: event.commandName, command: event.command });
        }
      };
      const onSucceeded = (event: mongo.CommandSucceededEvent) => {
        const start = started.get(event.requestId);
        if (!start) return;
        started.delete(event.requestId);
        const key = txnKey(start.command);
        if (start.name === 'commitTransaction' || start.name === 'abortTransaction') {
          const pending = key ? inTransaction.get(key) : undefined;
          if (key) inTransaction.delete(key);
          if (start.name === 'commitTransaction' && pending) this.writes.push(...pending);
          return;
        }
        const collection = String(start.command[start.name] ?? '');
        if (IGNORED_COLLECTIONS.has(collection) || !changed(start.name, start.command, event.reply as mongo.Document)) return;
        const write = { service, what: `${start.name} ${collection}` };
        if (key && start.command.autocommit === false) inTransaction.set(key, [...(inTransaction.get(key) ?? []), write]);
        else this.writes.push(write);
      };
      const onFailed = (event: mongo.CommandFailedEvent) => started.delete(event.requestId);
      client.on('commandStarted', onStarted);
      client.on('commandSucceeded', onSucceeded);
      client.on('commandFailed', onFailed);
      const js = running.bus.js;
      const publish = js.publish.bind(js);
      js.publish = ((subject: string, ...rest: Parameters<typeof js.publish> extends [string, ...infer R] ? R : never) => {
        this.writes.push({ service, what: `publish ${subject}` });
        return publish(subject, ...rest);
      }) as typeof js.publish;
      this.undo.push(() => {
        client.off('commandStarted', onStarted);
        client.off('commandSucceeded', onSucceeded);
        client.off('commandFailed', onFailed);
        js.publish = publish;
      });
    }
  }

  mark(): number {
    return this.writes.length;
  }

  since(mark: number): ObservedWrite[] {
    return this.writes.slice(mark);
  }

  detach(): void {
    this.undo.splice(0).forEach((undo) => undo());
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The run

export interface FuzzFailure {
  mutation: string;
  kind: 'http-5xx' | 'not-json' | 'error-without-code' | 'internal-error' | 'user-error-without-code' | 'wrote-on-rejection' | 'stream-grew-on-rejection';
  detail: string;
  variables: string;
  role: string;
}

export interface MutationFigures {
  cases: number;
  accepted: number;
  rejected: number;
  failures: number;
  /** Error and user-error codes seen, with counts. */
  codes: Record<string, number>;
}

export interface FuzzReport {
  seed: number;
  cases: number;
  accepted: number;
  /** Accepted calls the tap saw write or publish (the rest changed nothing, e.g. a repeat). */
  acceptedWithWrites: number;
  rejected: number;
  ms: number;
  perMutation: Record<string, MutationFigures>;
  failures: FuzzFailure[];
}

export interface FuzzOptions {
  platform: RunningPlatform;
  /** Tokens to call with, by role name, and the share of cases each gets (weights). */
  callers: { role: string; token: string; weight: number }[];
  fixture: FuzzFixture;
  runsPerMutation: number;
  seed: number;
  /** Only these mutations (default: all). */
  only?: string[];
  /** The NATS server is this run's alone: stream message counts can be compared too. */
  streamsExclusive: boolean;
  onMutationDone?: (mutation: string, figures: MutationFigures) => void;
}

const short = (value: unknown, max = 400) => {
  const text = JSON.stringify(value, (_, v: unknown) => (typeof v === 'string' && v.length > 60 ? `${v.slice(0, 20)}…(${v.length} chars)` : Array.isArray(v) && v.length > 8 ? [...v.slice(0, 3), `…(${v.length} items)`] : v));
  return text.length > max ? `${text.slice(0, max)}…` : text;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function flushAll(platform: RunningPlatform): Promise<void> {
  await Promise.all(Object.values(platform.services).map((s) => s.flushOutbox()));
}

/** Wait until nothing is written or published for `quietMs` (an accepted call's events and their consumers' reactions). */
export async function settle(platform: RunningPlatform, tap: WriteTap, quietMs = 250, maxMs = 5_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let seen = -1;
  while (Date.now() < deadline) {
    await flushAll(platform);
    if (tap.mark() === seen) return;
    seen = tap.mark();
    await sleep(quietMs);
  }
}

async function streamCounts(platform: RunningPlatform): Promise<Record<string, number>> {
  const jsm = Object.values(platform.services)[0].bus.jsm;
  const names = Object.keys(platform.services).map((service) => streamFor(service as ServiceName).name);
  const counts = await Promise.all(names.map((name) => jsm.streams.info(name).then((info) => info.state.messages, () => 0)));
  return Object.fromEntries(names.map((name, i) => [name, counts[i]]));
}

interface Answer {
  status: number;
  body: { data?: Record<string, any> | null; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] } | null;
  text: string;
}

async function post(url: string, document: string, variables: Record<string, unknown>, token: string): Promise<Answer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: document, variables }),
  });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text), text };
  } catch {
    return { status: res.status, body: null, text };
  }
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const { platform } = options;
  const url = platform.gateway.graphqlUrl;
  const schema = await introspect(url, options.callers[0].token);
  const operations = mutationOperations(schema).filter((op) => !options.only || options.only.includes(op.field));
  const tap = new WriteTap(platform);
  const report: FuzzReport = { seed: options.seed, cases: 0, accepted: 0, acceptedWithWrites: 0, rejected: 0, ms: 0, perMutation: {}, failures: [] };
  const started = Date.now();
  const callerArb = fc.oneof(...options.callers.map((caller) => ({ weight: caller.weight, arbitrary: fc.constant(caller) })));
  try {
    await settle(platform, tap);
    // The tap must see an accepted write, or "no write on rejection" would hold for a broken tap too.
    const canaryMark = tap.mark();
    const canary = await post(url, `mutation { upsertDepartment(input: {id: "D-FUZZ-CANARY", name: "Canary ${options.seed}-${Date.now()}"}) { userErrors { code } } }`, {}, options.callers[0].token);
    await settle(platform, tap);
    if (!tap.since(canaryMark).some((w) => w.what.startsWith('update') || w.what.startsWith('insert') || w.what.startsWith('findAndModify'))) {
      throw new Error(`the write tap saw no write for an accepted upsertDepartment (answer ${canary.text}; saw ${JSON.stringify(tap.since(canaryMark))}): is MONGO_MONITOR_COMMANDS on?`);
    }
    for (const [index, operation] of operations.entries()) {
      const figures: MutationFigures = { cases: 0, accepted: 0, rejected: 0, failures: 0, codes: {} };
      report.perMutation[operation.field] = figures;
      const cases = fc.sample(fc.tuple(variablesArb(operation, options.fixture), callerArb), { numRuns: options.runsPerMutation, seed: options.seed + index });
      for (const [variables, caller] of cases) {
        const fail = (kind: FuzzFailure['kind'], detail: string) => {
          figures.failures++;
          report.failures.push({ mutation: operation.field, kind, detail, variables: short(variables), role: caller.role });
        };
        const streamsBefore = options.streamsExclusive ? await streamCounts(platform) : null;
        const mark = tap.mark();
        const answer = await post(url, operation.document, variables, caller.token);
        figures.cases++;
        report.cases++;
        if (answer.status >= 500) fail('http-5xx', `HTTP ${answer.status}: ${answer.text.slice(0, 300)}`);
        if (!answer.body) {
          fail('not-json', `HTTP ${answer.status}: ${answer.text.slice(0, 300)}`);
          await settle(platform, tap);
          continue;
        }
        const errors = answer.body.errors ?? [];
        for (const error of errors) {
          const code = error.extensions?.code;
          if (typeof code !== 'string' || code === '') fail('error-without-code', short(error, 600));
          else {
            figures.codes[code] = (figures.codes[code] ?? 0) + 1;
            if (code === 'INTERNAL_SERVER_ERROR') fail('internal-error', short(error, 600));
          }
        }
        const payload = answer.body.data?.[operation.field] as { userErrors?: { code?: unknown }[] } | null | undefined;
        const userErrors = payload?.userErrors ?? [];
        for (const userError of userErrors) {
          if (typeof userError.code !== 'string' || userError.code === '') fail('user-error-without-code', short(userError));
          else figures.codes[userError.code] = (figures.codes[userError.code] ?? 0) + 1;
        }
        const rootError = errors.some((error) => !error.path || error.path.length <= 1);
        const rejected = rootError || payload === null || payload === undefined || userErrors.length > 0;
        if (!rejected) {
          figures.accepted++;
          report.accepted++;
          await settle(platform, tap);
          if (tap.since(mark).length > 0) report.acceptedWithWrites++;
          continue;
        }
        figures.rejected++;
        report.rejected++;
        await flushAll(platform);
        const writes = tap.since(mark);
        if (writes.length > 0) {
          fail('wrote-on-rejection', `${writes.map((w) => `${w.service}: ${w.what}`).join('; ')} — answered ${short(answer.body, 500)}`);
          // Whatever the rejected call set off must not be blamed on the next case.
          await settle(platform, tap);
        }
        if (streamsBefore) {
          const after = await streamCounts(platform);
          const grown = Object.entries(after).filter(([name, count]) => count !== streamsBefore[name]);
          if (grown.length > 0 && writes.length === 0) fail('stream-grew-on-rejection', grown.map(([name, count]) => `${name} ${streamsBefore[name]}→${count}`).join(', '));
        }
      }
      options.onMutationDone?.(operation.field, figures);
    }
  } finally {
    tap.detach();
  }
  report.ms = Date.now() - started;
  return report;
}

/** A few lines for the log: totals, then the failures grouped by mutation and kind. */
export function formatReport(report: FuzzReport): string {
  const lines = [
    `fuzzed ${Object.keys(report.perMutation).length} mutations: ${report.cases} cases (${report.accepted} accepted, ${report.acceptedWithWrites} of them seen writing; ${report.rejected} rejected) in ${(report.ms / 1000).toFixed(1)} s, seed ${report.seed}; ${report.failures.length} failures`,
  ];
  const codes: Record<string, number> = {};
  for (const figures of Object.values(report.perMutation)) for (const [code, n] of Object.entries(figures.codes)) codes[code] = (codes[code] ?? 0) + n;
  lines.push(`  codes answered: ${Object.entries(codes).sort((a, b) => b[1] - a[1]).map(([code, n]) => `${code} ${n}`).join(', ')}`);
  const byMutation = new Map<string, FuzzFailure[]>();
  for (const failure of report.failures) byMutation.set(failure.mutation, [...(byMutation.get(failure.mutation) ?? []), failure]);
  for (const [mutation, failures] of byMutation) {
    lines.push(`  ${mutation}: ${failures.length} failure(s) in ${report.perMutation[mutation].cases} cases`);
    for (const failure of failures.slice(0, 5)) lines.push(`    [${failure.kind}] as ${failure.role}: ${failure.detail}\n      variables: ${failure.variables}`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// The fixture

type Call = (url: string, query: string, variables: Record<string, unknown>, token: string) => Promise<Record<string, any>>;

/** A department, two consultants, two customers and a ticket, so that valid-looking ids find records. */
export async function seedFuzzFixture(url: string, gm: string, call: Call, callWhenKnown: Call): Promise<FuzzFixture> {
  await call(url, 'mutation { upsertDepartment(input: {id: "D-FUZZ", name: "Fuzz"}) { department { id } userErrors { field code message } } }', {}, gm);
  for (const id of ['c-fuzz', 'c-fuzz-2']) {
    await call(url, `mutation { upsertConsultant(input: {id: "${id}", name: "Consultant ${id}", departmentId: "D-FUZZ"}) { consultant { id } userErrors { field code message } } }`, {}, gm);
  }
  const customers: string[] = [];
  for (const name of ['Fuzz Valves', 'Fuzz Pumps']) {
    const data = await call(
      url,
      'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } userErrors { field code message } } }',
      { i: { name, kind: 'ORGANISATION', listType: 'ENTERPRISE', ownerId: 'c-fuzz' } },
      gm,
    );
    customers.push(data.createCustomer.customer.id);
  }
  const ticket = await callWhenKnown(
    url,
    'mutation($i: OpenTicketInput!) { openTicket(input: $i) { ticket { id } userErrors { field code message } } }',
    { i: { customerId: customers[0], type: 'COMPLAINT', channel: 'HOTLINE', severity: 'HIGH', matter: 'Valve leaks', complainant: { name: 'Ms Lin' } } },
    gm,
  );
  return { ids: [...customers, ticket.openTicket.ticket.id, 'c-fuzz', 'c-fuzz-2', 'D-FUZZ'] };
}
