// Memory of the services as production runs them (never part of `npm test`): each app's built bundle under plain
// `node dist/apps/<app>/main.js`, one process each, against throw-away local servers. Prints the resident set
// (VmRSS from /proc/<pid>/status) once every service is ready and idle, then after a small load through the gateway
// (writes, then federated reads of customers with their tickets and credit), and the peak (VmHWM).
// NODE_ENV stays unset: production mode refuses the development JWT secret the bench signs its tokens with.
// Node runs with the flags of the Dockerfile's NODE_OPTIONS, as in the images; RSS_NODE_OPTIONS replaces them ("" for none).
// Run: `npx tsx scripts/benchmarks/rss.bench.ts` (RSS_READS, default 200; RSS_NODE_OPTIONS, e.g. "--max-semi-space-size=4").
import { serviceRegistry, subgraphUrlVariable } from '@crm/contracts';
import { freePort, repoRoot, resolveServers, testServiceEnv, tokenFor } from '@crm/testing';
import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { call } from '../platform/demo-data';

const READS = Number(process.env.RSS_READS ?? 200);
const WRITES = 50;
const CONCURRENCY = 8;
const TARGET_MIB = 100;
const root = repoRoot();
const apps = ['gateway', ...serviceRegistry.map((s) => s.name)];
/** The images' NODE_OPTIONS (the Dockerfile's runtime ENV), unless RSS_NODE_OPTIONS says otherwise. */
const NODE_OPTIONS = process.env.RSS_NODE_OPTIONS ?? /^\s+NODE_OPTIONS=(\S+)/m.exec(readFileSync(path.join(root, 'Dockerfile'), 'utf8'))?.[1] ?? '';

interface Running {
  name: string;
  child: ChildProcess;
  port: number;
  idle?: number;
  loaded?: number;
  peak?: number;
}

/** The app's `build` target, run as its command (esbuild, packages external) without the nx wrapper. */
function build(app: string): void {
  const project = JSON.parse(readFileSync(path.join(root, 'apps', app, 'project.json'), 'utf8')) as { targets: { build: { options: { command: string } } } };
  execSync(project.targets.build.options.command, { cwd: root, stdio: 'pipe', env: { ...process.env, PATH: `${path.join(root, 'node_modules', '.bin')}:${process.env.PATH}` } });
}

function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

function startApp(name: string, port: number, env: NodeJS.ProcessEnv): Running {
  const nodeOptions = NODE_OPTIONS.split(/\s+/).filter(Boolean);
  const child = spawn('node', [...nodeOptions, `dist/apps/${name}/main.js`], { cwd: root, env: { PATH: process.env.PATH, ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
  return { name, child, port };
}

async function ready(app: Running, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (app.child.exitCode !== null) throw new Error(`${app.name} exited with ${app.child.exitCode}`);
    const ok = await fetch(`http://127.0.0.1:${app.port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${app.name} not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function inParallel(total: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) await work(next++);
    }),
  );
}

async function main(): Promise<void> {
  const buildStarted = Date.now();
  for (const app of apps) build(app);
  console.log(`built ${apps.length} bundles in ${((Date.now() - buildStarted) / 1000).toFixed(1)} s`);

  process.env.CRM_SKIP_DOCKER ??= 'true';
  const servers = await resolveServers({ env: {} });
  process.env.MONGO_URL = servers.mongoUrl;
  process.env.NATS_URL = servers.natsUrl;
  const running: Running[] = [];
  try {
    const subgraphs = await Promise.all(serviceRegistry.map(async ({ name }) => startApp(name, await freePort(), { ...testServiceEnv(name), LOG_LEVEL: 'warn' })));
    running.push(...subgraphs);
    await Promise.all(subgraphs.map((s) => ready(s)));
    const routes = Object.fromEntries(subgraphs.map((s) => [subgraphUrlVariable(s.name as (typeof serviceRegistry)[number]['name']), `http://127.0.0.1:${s.port}/graphql`]));
    const gatewayEnv = testServiceEnv('gateway');
    const gateway = startApp('gateway', await freePort(), { JWT_SECRET: gatewayEnv.JWT_SECRET, NATS_URL: servers.natsUrl, HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...routes });
    running.unshift(gateway);
    await ready(gateway);

    // Idle: ready, a moment to settle (start-up garbage collected).
    await new Promise((r) => setTimeout(r, 5_000));
    for (const app of running) app.idle = memory(app.child.pid!).rss;

    const url = `http://127.0.0.1:${gateway.port}/graphql`;
    const gm = await tokenFor({ sub: 'gm-rss', roles: ['general_manager'] });
    const agent = await tokenFor({ sub: 'agent-rss', roles: ['service_agent'] });
    const finance = await tokenFor({ sub: 'fin-rss', roles: ['finance'] });
    const errors = 'userErrors { field code message }';
    await call(url, `mutation { upsertDepartment(input: {id: "D-R", name: "RSS"}) { department { id } ${errors} } }`, {}, gm);
    await call(url, `mutation { upsertConsultant(input: {id: "c-r", name: "RSS Consultant", departmentId: "D-R"}) { consultant { id } ${errors} } }`, {}, gm);
    const loadStarted = Date.now();
    const ids: string[] = [];
    await inParallel(WRITES, async (i) => {
      const created = await call(url, `mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } ${errors} } }`, { i: { name: `RSS customer ${i}`, kind: 'ORGANISATION', listType: 'ENTERPRISE', ownerId: 'c-r', region: 'East' } }, gm);
      ids.push(created.createCustomer.customer.id);
    });
    // Tickets and credit profiles once service-desk and credit have heard of the customers (events).
    await new Promise((r) => setTimeout(r, 2_000));
    await inParallel(ids.length, async (i) => {
      await retryUnknown(() => call(url, `mutation($i: SetCreditProfileInput!) { setCreditProfile(input: $i) { creditProfile { customerId } ${errors} } }`, { i: { customerId: ids[i], grade: 'A', creditLimit: 100_000, paymentTermDays: 30, frozen: false, expectedRevision: 0 } }, finance));
      await retryUnknown(() => call(url, `mutation($i: OpenTicketInput!) { openTicket(input: $i) { ticket { id } ${errors} } }`, { i: { customerId: ids[i], type: 'INQUIRY', channel: 'PHONE', severity: 'LOW', matter: 'When is the next delivery?', complainant: { name: 'Buyer', contact: '+86 21 5555 0000' } } }, agent));
    });
    const read = '{ customers(first: 50) { edges { node { id name owner { name } tickets { status } creditProfile { grade creditLimit } } } } }';
    const readsStarted = Date.now();
    await inParallel(READS, async () => {
      await call(url, read, {}, gm);
    });
    const readsPerSecond = READS / ((Date.now() - readsStarted) / 1000);
    const loadSeconds = (Date.now() - loadStarted) / 1000;
    for (const app of running) Object.assign(app, { loaded: memory(app.child.pid!).rss, peak: memory(app.child.pid!).peak });

    console.log(`\nResident memory, node ${process.version} ${NODE_OPTIONS || '(no flags)'}, one process per app (${new Date().toISOString()})`);
    console.log(`load: ${WRITES} createCustomer + credit profiles + tickets, then ${READS} reads of 50 customers × owner, tickets, credit (${CONCURRENCY} clients), ${loadSeconds.toFixed(1)} s; reads ${readsPerSecond.toFixed(1)}/s`);
    console.log(`| app | idle RSS MiB | after load MiB | peak MiB | idle < ${TARGET_MIB} MiB |`);
    console.log('| --- | ---: | ---: | ---: | :---: |');
    for (const app of running) console.log(`| ${app.name} | ${app.idle!.toFixed(0)} | ${app.loaded!.toFixed(0)} | ${app.peak!.toFixed(0)} | ${app.idle! < TARGET_MIB ? 'yes' : 'no'} |`);
  } finally {
    await Promise.all(running.map((app) => new Promise<void>((resolve) => (app.child.exitCode !== null ? resolve() : (app.child.once('exit', () => resolve()), app.child.kill('SIGTERM'))))));
    await servers.stop();
  }
}

/** A subgraph learns a new customer from accounts' events: retry while it does not know it yet. */
async function retryUnknown<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt > 50 || !/NOT_FOUND|not found|no such customer/i.test(String(error))) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
