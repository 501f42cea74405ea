// Benchmark (never part of `npm test`): the KPI scorecard — every department, every consultant, every figure of one
// year — through the gateway, with the whole platform in-process on throw-away local servers. Departments and
// consultants are created through the gateway; the customers' data is bulk-inserted straight into each subgraph's own
// database (scripts/benchmarks/kpi-scorecard.data.ts). Times the scorecard as the general manager and as a department
// manager and counts each subgraph's database commands per run (commandStarted). Printed, not asserted.
// Run: `npx tsx scripts/benchmarks/kpi-scorecard.bench.ts` (default 100,000 customers; `--sizes=10000,100000` or
// KPI_BENCH_CUSTOMERS=10000,100000 for steps). KPI_BENCH_CONSULTANTS=200, KPI_BENCH_DEPARTMENTS=10, KPI_BENCH_RUNS=5,
// KPI_BENCH_BATCH=5000 customers per insertMany round, KPI_BENCH_YEAR (default this year), KPI_BENCH_SUBGRAPH_TIMEOUT_MS
// (the gateway's wait for a subgraph, default 300000), KPI_BENCH_LOG=warn for the services' logs. BENCH_MONGO_HEAP /
// BENCH_MONGO_DATA as in bench-seeding.ts: 100,000 customers are about a million documents, which need
// BENCH_MONGO_HEAP=12g on the dev server. Results go to docs/domain/kpis.md (Benchmark).
import { tokenFor, graphql, testServiceEnv } from '@crm/testing';
import type { Connection, mongo } from 'mongoose';
import { performance } from 'node:perf_hooks';
import { call } from '../platform/demo-data';
import { startPlatform, type RunningPlatform, type SubgraphName } from '../platform/platform';
import { benchServers, benchSizes, seedInBatches } from './bench-seeding';
import {
  accountsBatch,
  consultantIdOf,
  creditBatch,
  departmentIdOf,
  departmentOfConsultant,
  engagementBatch,
  expectedTotals,
  kpiWindow,
  serviceDeskBatch,
  surveysBatch,
  type KpiBatchBuilder,
  type KpiStaff,
  type KpiTotals,
} from './kpi-scorecard.data';

const sizes = benchSizes('KPI_BENCH_CUSTOMERS', [100_000]);
const positive = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer (got ${process.env[name]})`);
  return value;
};
const staff: KpiStaff = { consultants: positive('KPI_BENCH_CONSULTANTS', 200), departments: positive('KPI_BENCH_DEPARTMENTS', 10) };
const runs = positive('KPI_BENCH_RUNS', 5);
const batchSize = positive('KPI_BENCH_BATCH', 5_000);
const year = positive('KPI_BENCH_YEAR', new Date().getUTCFullYear());
const subgraphTimeoutMs = positive('KPI_BENCH_SUBGRAPH_TIMEOUT_MS', 300_000);
const window = kpiWindow(year, new Date());
const period = String(year);

// The scorecard of scripts/e2e/kpi-scorecard.ts: all departments × all consultants × all figures.
const FIGURES = `newCustomers(period: $p) convertedCustomers(period: $p) conversionRate(period: $p) complaintCount(period: $p) complaintRate(period: $p)
  satisfaction(period: $p) { responses meanScore } sales(period: $p) { amountMinor currency } collections(period: $p) { amountMinor currency }`;
const SCORECARD = `query($p: String!) { departments { id name ${FIGURES}
  consultants { id name ${FIGURES} engagementActivity(period: $p) { visitsDone interactionsLogged returnVisitsMissed minutesDue minutesOverdue } } } }`;

const SUBGRAPHS: SubgraphName[] = ['accounts', 'credit', 'surveys', 'service-desk', 'engagement'];
const builders: Record<SubgraphName, (s: KpiStaff, w: typeof window) => KpiBatchBuilder> = {
  accounts: accountsBatch,
  credit: creditBatch,
  surveys: surveysBatch,
  'service-desk': serviceDeskBatch,
  engagement: engagementBatch,
};
/** The background jobs wait an hour or a day, so the timed runs see only the scorecard's commands. */
const quietJobs: NodeJS.ProcessEnv = {
  SLA_WATCH_INTERVAL_MS: '3600000',
  REPORT_RUNNER_INTERVAL_MS: '3600000',
  CREDIT_REVIEW_WATCH_INTERVAL_MS: '3600000',
  BAD_CUSTOMER_EVALUATION_INTERVAL_MS: '86400000',
  SALES_TIER_RUNNER_INTERVAL_MS: '3600000',
  SALES_TIER_RECOMPUTE_EVERY_HOURS: '0',
  FOLLOW_UP_WATCH_INTERVAL_MS: '3600000',
  ENGAGEMENT_WATCH_INTERVAL_MS: '3600000',
  CARE_TASKS_INTERVAL_MS: '86400000',
  SURVEYS_EXPIRY_INTERVAL_MS: '3600000',
  SURVEYS_FINDINGS_INTERVAL_MS: '86400000',
  // The relay scans every outbox collection for unpublished events (a full scan on the dev server, which builds no
  // secondary index); nothing seeded has any, so it waits an hour too.
  OUTBOX_POLL_MS: '3600000',
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read loosely, as call() returns them
type Row = Record<string, any>;

/** A database command as the log keeps it: `command collection`, and how long the server took (ms; null if unanswered). */
interface LoggedCommand {
  label: string;
  ms: number | null;
}

/** The outbox relay's scan and its $pull (the relay runs on its own timer, not for the scorecard). */
function isRelay(command: Row): boolean {
  const filter = command.filter ?? command.query ?? command.pipeline?.[0]?.$match;
  if (filter && typeof filter === 'object' && 'pendingEvents.id' in filter) return true;
  return Array.isArray(command.updates) && command.updates.some((u: Row) => u.u?.$pull?.pendingEvents);
}

/** Each subgraph's database commands with their durations; the outbox relay's left out. */
function commandLog(platform: RunningPlatform): { reset(): void; counts(): Record<SubgraphName, LoggedCommand[]> } {
  const log = new Map<SubgraphName, LoggedCommand[]>(SUBGRAPHS.map((name) => [name, []]));
  for (const name of SUBGRAPHS) {
    const client = platform.services[name].connection.getClient();
    const open = new Map<number, LoggedCommand>();
    client.on('commandStarted', (event: mongo.CommandStartedEvent) => {
      if (isRelay(event.command)) return;
      const target = (event.command as Record<string, unknown>)[event.commandName];
      const entry = { label: typeof target === 'string' ? `${event.commandName} ${target}` : event.commandName, ms: null };
      open.set(event.requestId, entry);
      log.get(name)!.push(entry);
    });
    const done = (event: mongo.CommandSucceededEvent | mongo.CommandFailedEvent) => {
      const entry = open.get(event.requestId);
      if (!entry) return;
      entry.ms = event.duration;
      open.delete(event.requestId);
    };
    client.on('commandSucceeded', done);
    client.on('commandFailed', done);
  }
  return {
    reset: () => log.forEach((commands) => (commands.length = 0)),
    counts: () => Object.fromEntries([...log].map(([name, commands]) => [name, [...commands]])) as Record<SubgraphName, LoggedCommand[]>,
  };
}

/** One document of each collection checked against the service's model: no unknown field, every required one valid. */
async function checkShapes(connection: Connection, batch: Record<string, Record<string, unknown>[]>): Promise<string[]> {
  const notes: string[] = [];
  for (const [collection, docs] of Object.entries(batch)) {
    if (docs.length === 0) continue;
    const model = Object.values(connection.models).find((m) => m.collection.collectionName === collection);
    if (!model) throw new Error(`no model of the service stores ${collection}`);
    const doc = docs[0];
    const unknown = Object.keys(doc).filter((key) => model.schema.pathType(key) === 'adhocOrUndefined');
    if (unknown.length > 0) throw new Error(`${collection}: fields the ${model.modelName} model does not have: ${unknown.join(', ')}`);
    await new model(doc).validate().catch((invalid: Error) => {
      throw new Error(`${collection}: the ${model.modelName} model rejects the seeded document: ${invalid.message}`);
    });
    const topLevel = new Set(Object.keys(model.schema.paths).map((path) => path.split('.')[0]));
    const left = [...topLevel].filter((key) => !(key in doc) && key !== '__v');
    if (left.length > 0) notes.push(`${collection}: left out (mongoose would leave them unset or default them): ${left.join(', ')}`);
  }
  return notes;
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await run();
  return { ms: performance.now() - t0, value };
}

const percentile = (samples: number[], q: number) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
};

interface Measured {
  who: string;
  first: number;
  samples: number[];
  commands: Record<SubgraphName, LoggedCommand[]>;
  /** Commands per subgraph of the first run and of each timed run. */
  perRun: number[][];
  bytes: number;
  answer: Row;
  /** Set when a run answered errors: which subgraphs failed and after how long; no further runs are made. */
  failed: string | null;
}

async function measure(who: string, url: string, token: string, log: ReturnType<typeof commandLog>): Promise<Measured> {
  const once = async () => {
    log.reset();
    const run = await timed(() => graphql(url, SCORECARD, { p: period }, token));
    const errors = run.value.errors ?? [];
    const failing = [...new Set(errors.map((e) => `${String(e.extensions?.serviceName ?? e.extensions?.code)} ${String(e.extensions?.code)}`))];
    const failed = errors.length > 0 ? `${errors.length} errors after ${(run.ms / 1000).toFixed(1)} s (${failing.join(', ')})` : null;
    return { ms: run.ms, commands: log.counts(), bytes: JSON.stringify(run.value.data ?? null).length, answer: run.value.data as Row, failed };
  };
  // The first run also builds the gateway's query plan and warms the subgraphs: reported apart.
  const first = await once();
  const samples: number[] = [];
  const perRun = [SUBGRAPHS.map((name) => first.commands[name].length)];
  let last = first;
  // A failed run (a subgraph past the gateway's timeout) is not repeated: the next ones would wait as long.
  for (let r = 0; r < runs && !last.failed; r += 1) {
    last = await once();
    samples.push(last.ms);
    perRun.push(SUBGRAPHS.map((name) => last.commands[name].length));
  }
  return { who, first: first.ms, samples, commands: last.commands, perRun, bytes: last.bytes, answer: last.answer, failed: last.failed };
}

/** The general manager's totals over all consultants, against what was seeded. */
function checkLine(answer: Row, expected: KpiTotals): string {
  const consultants: Row[] = answer.departments.flatMap((d: Row) => d.consultants);
  const sum = (pick: (row: Row) => number | null | undefined) => consultants.reduce((total, row) => total + (pick(row) ?? 0), 0);
  const pairs: [string, number, number][] = [
    ['newCustomers', sum((c) => c.newCustomers), expected.newCustomers],
    ['converted', sum((c) => c.convertedCustomers), expected.convertedCustomers],
    ['complaints', sum((c) => c.complaintCount), expected.complaints],
    ['responses', sum((c) => c.satisfaction?.responses), expected.responses],
    ['sales', sum((c) => c.sales?.amountMinor), expected.salesMinor],
    ['visits', sum((c) => c.engagementActivity?.visitsDone), expected.visits],
    ['interactions', sum((c) => c.engagementActivity?.interactionsLogged), expected.interactions],
    ['missed return visits', sum((c) => c.engagementActivity?.returnVisitsMissed), expected.returnVisitsMissed],
    ['minutes due', sum((c) => c.engagementActivity?.minutesDue), expected.minutesDue],
  ];
  const wrong = pairs.filter(([, got, want]) => got !== want);
  return wrong.length === 0
    ? `all ${pairs.length} totals as seeded (${consultants.length} consultants; ${expected.newCustomers.toLocaleString('en')} new customers, ${expected.interactions.toLocaleString('en')} interactions)`
    : `MISMATCH ${wrong.map(([name, got, want]) => `${name} ${got} ≠ ${want}`).join('; ')}`;
}

const steady = (perRun: number[][]) => perRun.every((counts) => counts.join() === perRun[0].join());

/** `aggregate tickets ×2 (1.2 s, 0.8 s)`: each kind of command, how often, and the server's time for each. */
const byCollection = (commands: LoggedCommand[]) => {
  const groups = new Map<string, (number | null)[]>();
  for (const c of commands) groups.set(c.label, [...(groups.get(c.label) ?? []), c.ms]);
  const seconds = (ms: number | null) => (ms === null ? '?' : `${(ms / 1000).toFixed(2)} s`);
  return [...groups].map(([label, times]) => `${label}${times.length > 1 ? ` ×${times.length}` : ''} (${times.map(seconds).join(', ')})`).join(', ');
};

async function main(): Promise<void> {
  const servers = await benchServers();
  process.env.MONGO_URL = servers.mongoUrl;
  process.env.NATS_URL = servers.natsUrl;
  console.log(
    `KPI scorecard benchmark: ${sizes.map((n) => n.toLocaleString('en')).join(', ')} customers; ${staff.consultants} consultants in ${staff.departments} departments; period ${period}; ${servers.source} servers${process.env.BENCH_MONGO_DATA ? ' (file backend)' : ''}`,
  );
  let platform: RunningPlatform | undefined;
  const rows: string[] = [];
  const details: string[] = [];
  try {
    platform = await startPlatform({
      // The driver gives up on a server whose monitor socket is silent for connectTimeoutMS (30 s by default); the dev
      // server answers the monitor late while it scans, so the services wait longer (KPI_BENCH_MONGO_OPTIONS).
      mongoUrl: `${servers.mongoUrl}${servers.mongoUrl.includes('?') ? '&' : '/?'}${process.env.KPI_BENCH_MONGO_OPTIONS ?? 'connectTimeoutMS=600000'}`,
      natsUrl: servers.natsUrl,
      gatewayPort: 0,
      subgraphPorts: 'free',
      logLevel: process.env.KPI_BENCH_LOG ?? 'silent',
      env: { ...process.env, SUBGRAPH_TIMEOUT_MS: String(subgraphTimeoutMs) },
      // Each subgraph its own fresh database (testServiceEnv names it), its commands monitored.
      envFor: (name) => ({ ...testServiceEnv(name, { ...quietJobs, MONGO_MONITOR_COMMANDS: 'true', LOG_LEVEL: process.env.KPI_BENCH_LOG ?? 'silent' }), PORT: '0' }),
    });
    const url = platform.gateway.graphqlUrl;
    const gm = await tokenFor({ sub: 'gm-bench', roles: ['general_manager'] });
    const managed = departmentIdOf(0);
    const dm = await tokenFor({ sub: 'dm-bench', roles: ['department_manager'], department_id: managed });
    const org = await timed(async () => {
      for (let d = 0; d < staff.departments; d += 1) {
        await call(url, 'mutation($i: UpsertDepartmentInput!) { upsertDepartment(input: $i) { department { id } userErrors { field code message } } }', { i: { id: departmentIdOf(d), name: `Bench Department ${d}` } }, gm);
      }
      for (let i = 0; i < staff.consultants; i += 1) {
        await call(url, 'mutation($i: UpsertConsultantInput!) { upsertConsultant(input: $i) { consultant { id } userErrors { field code message } } }', { i: { id: consultantIdOf(i), name: `Bench Consultant ${i}`, departmentId: departmentOfConsultant(i, staff) } }, gm);
      }
    });
    console.log(`  ${staff.departments} departments and ${staff.consultants} consultants through the gateway in ${(org.ms / 1000).toFixed(1)} s`);
    for (const name of SUBGRAPHS) for (const note of await checkShapes(platform.services[name].connection, builders[name](staff, window)(0, Math.min(50, sizes[0])))) console.log(`  shape: ${name} ${note}`);
    const log = commandLog(platform);

    let seeded = 0;
    for (const size of sizes) {
      const seeding: string[] = [];
      for (const name of SUBGRAPHS) {
        const db = platform.services[name].connection.db!;
        const step = await timed(() => seedInBatches(db, { from: seeded, to: size, batchSize, build: builders[name](staff, window), unit: `customers (${name})`, log: console.log }));
        const total = Object.values(step.value).reduce((n, k) => n + k, 0);
        seeding.push(`${name} ${(step.ms / 1000).toFixed(1)} s`);
        console.log(`  seeded ${name}: ${Object.entries(step.value).map(([c, n]) => `${n.toLocaleString('en')} ${c}`).join(', ')} (${total.toLocaleString('en')} documents) in ${(step.ms / 1000).toFixed(1)} s`);
      }
      seeded = size;
      const expected = expectedTotals(size, staff, window);
      const report = (m: Measured) => {
        const s = (ms: number) => (m.samples.length === 0 ? '—' : (ms / 1000).toFixed(2));
        const row = `| ${size.toLocaleString('en')} | ${m.who}${m.failed ? `: FAILED, ${m.failed}` : ''} | ${(m.first / 1000).toFixed(2)} | ${s(percentile(m.samples, 0.5))} | ${s(percentile(m.samples, 0.95))} | ${s(Math.min(...m.samples))} | ${SUBGRAPHS.map((name) => m.commands[name].length).join(' / ')}${steady(m.perRun.slice(1)) ? '' : ' (varied)'} | ${Math.round(m.bytes / 1024)} |`;
        rows.push(row);
        console.log(row);
        details.push(
          `${size.toLocaleString('en')} customers, as ${m.who} (commands per run, first then timed: ${m.perRun.map((counts) => counts.join('/')).join(', ')}); the last run's:`,
          ...SUBGRAPHS.map((name) => `  ${name}: ${byCollection(m.commands[name]) || 'none'}`),
        );
        return m;
      };
      const asGm = report(await measure('the general manager', url, gm, log));
      const check = asGm.failed ? 'not checked: the run failed' : checkLine(asGm.answer, expected);
      console.log(`  check: ${check}`);
      report(await measure(`the manager of ${managed}`, url, dm, log));
      details.push(`${size.toLocaleString('en')} customers: seeding ${seeding.join(', ')}; ${check}`);
    }
  } catch (error) {
    // Report what failed before stopping: a slow shutdown must not hide it.
    console.error('benchmark failed:', (error as Error).message);
    process.exitCode = 1;
  } finally {
    // What was measured is printed even when a later step failed.
    console.log(
      `\nKPI scorecard benchmark (${new Date().toISOString()}, servers: ${servers.source}, node ${process.version}; ${staff.departments} departments, ${staff.consultants} consultants, period ${period}; ${runs} timed runs after a first one)`,
    );
    console.log(`| customers | as | first run s | p50 s | p95 s | min s | commands per run: ${SUBGRAPHS.join(' / ')} | answer KiB |`);
    console.log('| ---: | --- | ---: | ---: | ---: | ---: | --- | ---: |');
    for (const row of rows) console.log(row);
    console.log('');
    for (const line of details) console.log(line);
    await platform?.stop().catch((error) => console.error('the platform did not stop cleanly:', (error as Error).message));
    await servers.stop();
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
