// Chaos run: one subgraph as its own child process under concurrent writes, killed with SIGKILL mid-load and
// restarted, N rounds (and optionally a NATS restart round); then every acknowledged write is matched against the
// events on its stream and the documents in its database. Used by `npm run chaos` and by chaos.e2e.spec.ts.
import { customerCreatedV1, complaintOpenedV1, streamFor, type ServiceName } from '@crm/contracts';
import { freePort, startLocalMongo, startLocalNats, type LocalServer } from '@crm/dev-servers';
import { graphql, testServiceEnv, tokenFor } from '@crm/testing';
import { mongo as mongodb } from 'mongoose';
import { connect, type NatsConnection } from 'nats';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface ChaosOptions {
  service: 'service-desk' | 'accounts';
  rounds: number;
  /** Write attempts per round. */
  writes: number;
  /** Writers at once. */
  concurrency?: number;
  /** Add a round in which NATS is restarted (SIGKILL) under load. */
  nats?: boolean;
  log?: (line: string) => void;
}

export interface ChaosCounts {
  attempted: number;
  acknowledged: number;
  events: number;
  lost: number;
  phantom: number;
  duplicate: number;
  kills: number;
}

const REPO = path.resolve(__dirname, '..', '..');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What one service under test writes, where its documents live, and which event each write must raise. */
interface Scenario {
  collection: string;
  eventType: string;
  stream: string;
  /** Runs before the load; returns the write (one mutation, resolving to the written id). */
  prepare(url: string, helper: { accountsUrl?: string }): Promise<(i: number) => Promise<string>>;
}

async function must(url: string, query: string, variables: Record<string, unknown>, token: string): Promise<Record<string, any>> {
  const res = await graphql(url, query, variables, token);
  if (res.errors?.length) throw new Error(JSON.stringify(res.errors));
  const payload = Object.values(res.data ?? {})[0] as { userErrors?: unknown[] } | undefined;
  if (payload?.userErrors?.length) throw new Error(JSON.stringify(payload.userErrors));
  return res.data as Record<string, any>;
}

async function seedCustomer(accountsUrl: string, gm: string, name: string): Promise<string> {
  const errors = 'userErrors { field code message }';
  await must(accountsUrl, `mutation { upsertDepartment(input: {id: "D-CHAOS", name: "Chaos"}) { department { id } ${errors} } }`, {}, gm);
  await must(accountsUrl, `mutation { upsertConsultant(input: {id: "c-chaos", name: "Chaos Consultant", departmentId: "D-CHAOS"}) { consultant { id } ${errors} } }`, {}, gm);
  return createCustomer(accountsUrl, gm, name);
}

async function createCustomer(url: string, gm: string, name: string): Promise<string> {
  const data = await must(url, 'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } userErrors { field code message } } }', { i: { name, kind: 'ORGANISATION', listType: 'ENTERPRISE', ownerId: 'c-chaos', region: 'Chaos' } }, gm);
  return data.createCustomer.customer.id as string;
}

const scenarios: Record<ChaosOptions['service'], Scenario> = {
  accounts: {
    collection: 'customers',
    eventType: customerCreatedV1.type,
    stream: streamFor('accounts').name,
    async prepare(url) {
      const gm = await tokenFor({ sub: 'gm-chaos', roles: ['general_manager'] });
      await seedCustomer(url, gm, 'Chaos seed');
      return (i) => createCustomer(url, gm, `Chaos ${i}`);
    },
  },
  'service-desk': {
    collection: 'tickets',
    eventType: complaintOpenedV1.type,
    stream: streamFor('service-desk').name,
    async prepare(url, { accountsUrl }) {
      const gm = await tokenFor({ sub: 'gm-chaos', roles: ['general_manager'] });
      const agent = await tokenFor({ sub: 'agent-chaos', roles: ['service_agent'] });
      const customerId = await seedCustomer(accountsUrl!, gm, 'Chaos customer');
      const open = async (i: number) => {
        const data = await must(url, 'mutation($i: OpenTicketInput!) { openTicket(input: $i) { ticket { id } userErrors { field code message } } }', { i: { customerId, type: 'COMPLAINT', channel: 'PHONE', severity: 'LOW', matter: `chaos ${i}`, complainant: { name: 'Chaos' } } }, agent);
        return data.openTicket.ticket.id as string;
      };
      // Service-desk learns the customer from accounts' event; wait until it can open a ticket for it.
      const deadline = Date.now() + 30_000;
      for (;;) {
        try {
          await open(-1);
          return open;
        } catch (error) {
          if (Date.now() > deadline) throw error;
          await sleep(200);
        }
      }
    },
  },
};

/** The service under test as a child process (tsx), so SIGKILL hits the service itself. */
class ChildService {
  private child?: ChildProcess;
  readonly url: string;

  constructor(private readonly service: ServiceName, private readonly env: NodeJS.ProcessEnv, readonly port: number) {
    this.url = `http://127.0.0.1:${port}/graphql`;
  }

  async start(): Promise<void> {
    const main = path.join(REPO, 'apps', this.service, 'src', 'main.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', main], { cwd: REPO, env: { ...process.env, ...this.env }, stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    let stderr = '';
    child.stderr?.on('data', (chunk) => (stderr = (stderr + String(chunk)).slice(-4000)));
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${this.service} exited at start (${child.exitCode}): ${stderr}`);
      const ready = await fetch(`http://127.0.0.1:${this.port}/readyz`).then((r) => r.ok, () => false);
      if (ready) return;
      if (Date.now() > deadline) throw new Error(`${this.service} not ready after 60 s: ${stderr}`);
      await sleep(100);
    }
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }
}

export async function runChaos(options: ChaosOptions): Promise<ChaosCounts> {
  const log = options.log ?? (() => undefined);
  const scenario = scenarios[options.service];
  if (!scenario) throw new Error(`chaos knows how to load ${Object.keys(scenarios).join(' and ')}, not ${options.service}`);
  const concurrency = options.concurrency ?? 20;
  const natsDir = mkdtempSync(path.join(tmpdir(), 'crm-chaos-nats-'));
  const natsPort = await freePort();
  const mongo = await startLocalMongo();
  let nats: LocalServer = await startLocalNats({ port: natsPort, dataDir: natsDir });
  // testServiceEnv reads the servers from the environment.
  const saved = { MONGO_URL: process.env.MONGO_URL, NATS_URL: process.env.NATS_URL };
  process.env.MONGO_URL = mongo.url;
  process.env.NATS_URL = nats.url;
  const stops: Array<() => Promise<unknown>> = [];
  let monitor: NatsConnection | undefined;
  const counts: ChaosCounts = { attempted: 0, acknowledged: 0, events: 0, lost: 0, phantom: 0, duplicate: 0, kills: 0 };
  try {
    const env = testServiceEnv(options.service, { LOG_LEVEL: 'warn', OUTBOX_POLL_MS: '500', PORT: String(await freePort()) });
    const child = new ChildService(options.service, env, Number(env.PORT));
    stops.push(() => child.kill('SIGTERM'));

    // Service-desk needs accounts for its customers: an ordinary child too (never killed).
    let accountsUrl: string | undefined;
    if (options.service !== 'accounts') {
      const accountsEnv = testServiceEnv('accounts', { LOG_LEVEL: 'warn', PORT: String(await freePort()) });
      const accounts = new ChildService('accounts', accountsEnv, Number(accountsEnv.PORT));
      stops.push(() => accounts.kill('SIGTERM'));
      await accounts.start();
      accountsUrl = accounts.url;
    }
    await child.start();
    const write = await scenario.prepare(child.url, { accountsUrl });
    log(`${options.service} up (pid child), ${options.rounds} round(s) of ${options.writes} writes, ${concurrency} at once`);

    const acknowledged = new Set<string>();
    let up = true;
    const runRound = async (round: number, fault: () => Promise<void>) => {
      let next = 0;
      let faulted: Promise<void> | undefined;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < options.writes) {
            const i = next++;
            if (i === Math.floor(options.writes / 2)) faulted = fault();
            while (!up) await sleep(50);
            counts.attempted += 1;
            try {
              acknowledged.add(await write(round * 1_000_000 + i));
            } catch {
              // Not acknowledged (refused or cut off by the kill): it may or may not have committed.
            }
          }
        }),
      );
      await faulted;
    };

    for (let round = 0; round < options.rounds; round += 1) {
      await runRound(round, async () => {
        up = false;
        await child.kill('SIGKILL');
        counts.kills += 1;
        await child.start();
        up = true;
      });
      log(`round ${round + 1}: ${acknowledged.size} writes acknowledged so far`);
    }
    if (options.nats) {
      await runRound(options.rounds, async () => {
        await new Promise<void>((resolve) => {
          process.kill(nats.pid, 'SIGKILL');
          setTimeout(resolve, 300);
        });
        nats = await startLocalNats({ port: natsPort, dataDir: natsDir });
      });
      log(`NATS round: ${acknowledged.size} writes acknowledged so far`);
    }

    // Let the relay publish what is left, then compare the stream with the database.
    const client = await mongodb.MongoClient.connect(mongo.url);
    stops.push(() => client.close());
    const collection = client.db(env.MONGO_DB).collection<{ _id: unknown; pendingEvents?: unknown[] }>(scenario.collection);
    const deadline = Date.now() + 30_000;
    while ((await collection.countDocuments({ 'pendingEvents.id': { $exists: true } })) > 0 && Date.now() < deadline) await sleep(200);
    const committed = new Set((await collection.find({}, { projection: { _id: 1 } }).toArray()).map((doc) => String(doc._id)));

    monitor = await connect({ servers: nats.url, name: 'chaos-monitor' });
    const jsm = await monitor.jetstreamManager();
    const info = await jsm.streams.info(scenario.stream);
    const ids = new Map<string, number>();
    const subjects = new Set<string>();
    for (let seq = info.state.first_seq; info.state.messages > 0 && seq <= info.state.last_seq; seq += 1) {
      const msg = await jsm.streams.getMessage(scenario.stream, { seq }).catch(() => null);
      if (!msg || msg.subject !== scenario.eventType) continue;
      const event = JSON.parse(Buffer.from(msg.data).toString('utf8')) as { id: string; subject: string };
      ids.set(event.id, (ids.get(event.id) ?? 0) + 1);
      subjects.add(event.subject);
      counts.events += 1;
    }
    counts.acknowledged = acknowledged.size;
    counts.lost = [...acknowledged].filter((id) => !subjects.has(id)).length;
    counts.phantom = [...subjects].filter((id) => !committed.has(id)).length;
    counts.duplicate = [...ids.values()].reduce((sum, n) => sum + (n - 1), 0);
    return counts;
  } finally {
    await monitor?.close().catch(() => undefined);
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    process.env.MONGO_URL = saved.MONGO_URL;
    process.env.NATS_URL = saved.NATS_URL;
    await nats.stop();
    await mongo.stop();
    rmSync(natsDir, { recursive: true, force: true });
  }
}
