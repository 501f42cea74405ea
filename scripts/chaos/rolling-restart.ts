// Rolling restart under load: service-desk as one replica, or two behind one address (a balancer that routes only to
// replicas whose /readyz answers 200, as a Kubernetes Service does), restarted one after the other while clients read
// and write through the gateway. Each stop is the graceful one SIGTERM triggers (readiness off, drain, in-flight
// requests finished, consumers and relay stopped); the figures are the client requests that failed and the opened
// tickets whose event is missing or doubled on the stream. Used by `npm run bench:rolling` and rolling-restart.e2e.spec.ts.
import { complaintOpenedV1, ownIdOf, streamFor } from '@crm/contracts';
import { DEV_JWT_SECRET } from '@crm/auth';
import { freePort, startLocalMongo, startLocalNats, type LocalServer } from '@crm/dev-servers';
import { loadConfig, type RunningService } from '@crm/kernel';
import { eventsOnStream, graphql, testServiceEnv, tokenFor } from '@crm/testing';
import http from 'node:http';
import { gatewayConfigSchema } from '../../apps/gateway/src/gateway.config';
import { startGateway, type RunningGateway } from '../../apps/gateway/src/gateway';
import { call, callWhenKnown } from '../platform/demo-data';
import { gatewayEnv, loadSubgraph } from '../platform/platform';

export interface RollingRestartOptions {
  /** 1: the one replica restarts (requests fail while it is away); 2: behind one address, one at a time. */
  replicas: 1 | 2;
  /** Clients at once, each sending its next request when the last is answered. */
  clients: number;
  /** How long /readyz answers 503 before a replica stops accepting (SHUTDOWN_DRAIN_MS). */
  drainMs: number;
  /** Rounds: every replica restarted once per round. */
  rounds?: number;
  log?: (line: string) => void;
}

export interface RollingRestartFigures {
  replicas: number;
  requests: number;
  failed: number;
  /** The first few failures, for the reader. */
  failureSamples: string[];
  ticketsOpened: number;
  events: number;
  lost: number;
  duplicate: number;
  restarts: number;
  /** Per restart: from the stop's start until the new replica was routed to again. */
  restartMs: number[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const USER_ERRORS = 'userErrors { field code message }';

/**
 * One address in front of the replicas: round robin over the ready ones, probed as a Kubernetes readiness probe is.
 * A 503 from /readyz (a replica draining) takes it out at once; a probe that times out or cannot connect counts
 * as a failure, and FAILURE_THRESHOLD of them in a row take it out (a busy replica is slow to answer, not gone).
 */
export class ReadyBalancer {
  static readonly FAILURE_THRESHOLD = 3;
  private readonly ready = new Set<string>();
  private readonly failures = new Map<string, number>();
  private next = 0;
  private server?: http.Server;
  private probe?: NodeJS.Timeout;
  url = '';

  constructor(
    private readonly upstreams: string[],
    private readonly probeMs = 100,
    private readonly probeTimeoutMs = 1_000,
  ) {}

  async start(): Promise<void> {
    await this.probeAll();
    this.probe = setInterval(() => void this.probeAll(), this.probeMs);
    this.server = http.createServer((req, res) => this.forward(req, res));
    const port = await freePort();
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${port}`;
  }

  isReady(upstream: string): boolean {
    return this.ready.has(upstream);
  }

  async stop(): Promise<void> {
    clearInterval(this.probe);
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async probeAll(): Promise<void> {
    await Promise.all(
      this.upstreams.map(async (upstream) => {
        const answer = await fetch(`${upstream}/readyz`, { signal: AbortSignal.timeout(this.probeTimeoutMs) }).then((r) => (r.ok ? 'ready' : 'not ready'), () => 'no answer');
        const failures = answer === 'no answer' ? (this.failures.get(upstream) ?? 0) + 1 : 0;
        this.failures.set(upstream, failures);
        if (answer === 'ready') this.ready.add(upstream);
        else if (answer === 'not ready' || failures >= ReadyBalancer.FAILURE_THRESHOLD) this.ready.delete(upstream);
      }),
    );
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    const candidates = this.upstreams.filter((upstream) => this.ready.has(upstream));
    if (candidates.length === 0) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('no ready replica');
      return;
    }
    const target = new URL(req.url ?? '/', candidates[this.next++ % candidates.length]);
    const upstream = http.request(target, { method: req.method, headers: { ...req.headers, host: target.host }, agent: false }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`upstream failed: ${error.message}`);
    });
    req.pipe(upstream);
  }
}

/** Run the scenario on servers of its own (or the ones MONGO_URL and NATS_URL name) and return its figures. */
export async function runRollingRestart(options: RollingRestartOptions): Promise<RollingRestartFigures> {
  const log = options.log ?? (() => undefined);
  const ownServers: LocalServer[] = [];
  const saved = { MONGO_URL: process.env.MONGO_URL, NATS_URL: process.env.NATS_URL };
  if (!process.env.MONGO_URL || !process.env.NATS_URL) {
    const [mongo, nats] = await Promise.all([startLocalMongo(), startLocalNats()]);
    ownServers.push(mongo, nats);
    process.env.MONGO_URL = mongo.url;
    process.env.NATS_URL = nats.url;
  }
  const stops: Array<() => Promise<unknown>> = [];
  try {
    const [accountsDefinition, deskDefinition] = await Promise.all([loadSubgraph('accounts'), loadSubgraph('service-desk')]);
    const quiet = { LOG_LEVEL: 'silent', SLA_WATCH_INTERVAL_MS: '3600000', REPORT_RUNNER_INTERVAL_MS: '3600000' };
    const accounts = await accountsDefinition.start({ env: testServiceEnv('accounts', { ...quiet, PORT: '0' }) });
    stops.push(() => accounts.stop());
    // The replicas share the database and the durable names; each keeps its port across restarts (its endpoint).
    const deskEnv = testServiceEnv('service-desk', { ...quiet, SHUTDOWN_DRAIN_MS: String(options.drainMs) });
    const ports = await Promise.all(Array.from({ length: options.replicas }, () => freePort()));
    const desks: RunningService[] = [];
    for (const port of ports) desks.push(await deskDefinition.start({ env: { ...deskEnv, PORT: String(port) } }));
    stops.push(() => Promise.allSettled(desks.map((desk) => desk.stop())));
    const upstreams = ports.map((port) => `http://127.0.0.1:${port}`);
    const balancer = new ReadyBalancer(upstreams);
    await balancer.start();
    stops.push(() => balancer.stop());

    const gateway: RunningGateway = await startGateway({
      config: loadConfig(gatewayConfigSchema, gatewayEnv({ mongoUrl: process.env.MONGO_URL!, natsUrl: process.env.NATS_URL!, gatewayPort: 0, logLevel: 'silent', jwtSecret: DEV_JWT_SECRET, env: {} })),
      subgraphUrls: { accounts: `${accounts.url}/graphql`, 'service-desk': `${balancer.url}/graphql` },
    });
    stops.push(() => gateway.stop());
    const url = gateway.graphqlUrl;

    const gm = await tokenFor({ sub: 'gm-rolling', roles: ['general_manager'] });
    const agent = await tokenFor({ sub: 'agent-rolling', roles: ['service_agent'] });
    await call(url, `mutation { upsertDepartment(input: { id: "D-ROLL", name: "Rolling" }) { department { id } ${USER_ERRORS} } }`, {}, gm);
    await call(url, `mutation { upsertConsultant(input: { id: "c-roll", name: "Roll Consultant", departmentId: "D-ROLL" }) { consultant { id } ${USER_ERRORS} } }`, {}, gm);
    const created = await call(url, `mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } ${USER_ERRORS} } }`, { i: { name: 'Rolling customer', kind: 'ORGANISATION', listType: 'ENTERPRISE', ownerId: 'c-roll', region: 'East' } }, gm);
    const customerId = created.createCustomer.customer.id as string;
    const openTicket = 'mutation($i: OpenTicketInput!) { openTicket(input: $i) { ticket { id } userErrors { field code message } } }';
    const ticketInput = (n: number) => ({ i: { customerId, type: 'COMPLAINT', channel: 'PHONE', severity: 'LOW', matter: `rolling ${n}`, complainant: { name: 'Roll' } } });
    const first = await callWhenKnown(url, openTicket, ticketInput(-1), agent);
    const readTicket = 'query($id: ID!) { ticket(id: $id) { id status customer { name } } }';

    const opened = new Set<string>([first.openTicket.ticket.id as string]);
    const figures: RollingRestartFigures = { replicas: options.replicas, requests: 0, failed: 0, failureSamples: [], ticketsOpened: 0, events: 0, lost: 0, duplicate: 0, restarts: 0, restartMs: [] };
    const fail = (what: string) => {
      figures.failed += 1;
      if (figures.failureSamples.length < 5) figures.failureSamples.push(what.slice(0, 200));
    };
    let loading = true;
    let n = 0;
    const client = async () => {
      while (loading) {
        const i = n++;
        figures.requests += 1;
        try {
          const write = i % 2 === 0;
          const res = await graphql(url, write ? openTicket : readTicket, write ? ticketInput(i) : { id: first.openTicket.ticket.id }, agent);
          const userErrors = write ? (res.data?.openTicket?.userErrors ?? []) : [];
          if (res.status !== 200 || res.errors?.length || userErrors.length) fail(`${res.status} ${JSON.stringify(res.errors ?? userErrors)}`);
          else if (write) opened.add(res.data!.openTicket.ticket.id as string);
        } catch (error) {
          fail(String(error));
        }
      }
    };
    const load = Array.from({ length: options.clients }, client);
    await sleep(1_000);
    for (let round = 0; round < (options.rounds ?? 1); round += 1) {
      for (const [index, port] of ports.entries()) {
        const started = Date.now();
        await desks[index].stop();
        desks[index] = await deskDefinition.start({ env: { ...deskEnv, PORT: String(port) } });
        while (!balancer.isReady(upstreams[index])) await sleep(20);
        figures.restarts += 1;
        figures.restartMs.push(Date.now() - started);
        log(`restarted replica ${index + 1} in ${Date.now() - started} ms; ${figures.requests} requests so far, ${figures.failed} failed`);
        await sleep(1_000);
      }
    }
    loading = false;
    await Promise.all(load);

    for (const desk of desks) await desk.flushOutbox();
    const events = await eventsOnStream(desks[0].bus.jsm, streamFor('service-desk').name, complaintOpenedV1.type);
    const bySubject = new Map<string, number>();
    for (const event of events) bySubject.set(event.subject, (bySubject.get(event.subject) ?? 0) + 1);
    const ownIds = [...opened].map(ownIdOf);
    figures.ticketsOpened = ownIds.length;
    figures.events = ownIds.reduce((sum, id) => sum + (bySubject.get(id) ?? 0), 0);
    figures.lost = ownIds.filter((id) => !bySubject.has(id)).length;
    figures.duplicate = ownIds.reduce((sum, id) => sum + Math.max(0, (bySubject.get(id) ?? 0) - 1), 0);
    return figures;
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    for (const server of ownServers) await server.stop();
    process.env.MONGO_URL = saved.MONGO_URL;
    process.env.NATS_URL = saved.NATS_URL;
  }
}

export function formatRollingRestart(figures: RollingRestartFigures): string {
  const ms = figures.restartMs.map((value) => `${value}`).join(', ');
  return [
    `rolling restart of service-desk, ${figures.replicas} replica(s)${figures.replicas > 1 ? ' behind one address' : ''}: ${figures.restarts} restart(s) (${ms} ms each)`,
    `  client requests ${figures.requests}, failed ${figures.failed}`,
    `  tickets opened ${figures.ticketsOpened}, events ${figures.events}, lost ${figures.lost}, duplicate ${figures.duplicate}`,
    ...figures.failureSamples.map((sample) => `  e.g. ${sample}`),
  ].join('\n');
}
