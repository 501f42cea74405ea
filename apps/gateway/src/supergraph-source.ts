import type { SupergraphManager, SupergraphSdlHook } from '@apollo/gateway';
import type { Logger } from '@crm/kernel';
import { parse } from 'graphql';
import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Counter, Gauge, type Registry } from 'prom-client';

/** Where the supergraph comes from: a file the gateway watches, or a URL it polls. */
export type SupergraphOrigin =
  | { kind: 'file'; path: string; watch: boolean; pollMs: number; debounceMs: number }
  | { kind: 'url'; url: string; pollMs: number; timeoutMs: number };

export type ReloadOutcome = 'ok' | 'failed' | 'unchanged';

/** What the gateway serves and how its last attempt to take a new supergraph went (shown on /readyz). */
export interface SupergraphStatus {
  /** `file:<path>` or the URL. */
  source: string;
  /** First 12 hex digits of the sha256 of the supergraph being served. */
  hash?: string;
  loadedAt?: string;
  /** False when the newest supergraph seen at the source could not be read, parsed or loaded: the previous one still serves. */
  lastReloadOk: boolean;
  lastError?: string;
  lastAttemptAt?: string;
}

export interface SupergraphSourceOptions {
  origin: SupergraphOrigin;
  logger: Logger;
  registry: Registry;
  /** Ask every subgraph of a new supergraph for its health before switching to it (ApolloGateway's health check). */
  healthCheck?: boolean;
  /** Called after a new supergraph is served (not after the first load): the gateway re-warms its query plans here. */
  onUpdated?: (status: SupergraphStatus) => void | Promise<void>;
}

type SupergraphSdlHookOptions = Parameters<SupergraphSdlHook>[0];

export const shortHash = (sdl: string): string => createHash('sha256').update(sdl).digest('hex').slice(0, 12);

/**
 * Feeds ApolloGateway its supergraph through the supported manager interface (`supergraphSdl: { initialize }`):
 * the first supergraph is read at load, and every later one is offered to the gateway's `update`, which builds the
 * new schema and query planner and swaps them in one synchronous step (requests already planned finish on the old
 * plan; the plan cache is cleared). A supergraph that does not parse, fails the optional health check or that the
 * gateway refuses (`update` throws) leaves the current one serving; the failure is logged, counted in
 * `gateway_supergraph_reloads_total{outcome="failed"}` and shown by `status()`. The same content is not retried until
 * it changes.
 */
export class SupergraphSource implements SupergraphManager {
  private readonly logger: Logger;
  private readonly reloads: Counter<'outcome'>;
  private readonly loadedSeconds: Gauge;
  private readonly info: Gauge<'hash'>;
  private update?: SupergraphSdlHookOptions['update'];
  private gatewayHealthCheck?: SupergraphSdlHookOptions['healthCheck'];
  private currentHash?: string;
  private failedHash?: string;
  private state: SupergraphStatus;
  private queue: Promise<unknown> = Promise.resolve();
  private watcher?: FSWatcher;
  private timers: NodeJS.Timeout[] = [];
  private debounce?: NodeJS.Timeout;
  private lastStat?: string;
  private etag?: string;
  /** Whether the content behind `etag` was taken: a 304 on it means the source still holds that content. */
  private etagOk = true;
  private closed = false;

  constructor(private readonly options: SupergraphSourceOptions) {
    this.logger = options.logger.child({ component: 'supergraph-source' });
    const registers = [options.registry];
    this.reloads = new Counter({ name: 'gateway_supergraph_reloads_total', help: 'New supergraphs offered to the running gateway, by outcome (failed: the previous one still serves).', labelNames: ['outcome'], registers });
    this.reloads.inc({ outcome: 'ok' }, 0);
    this.reloads.inc({ outcome: 'failed' }, 0);
    this.loadedSeconds = new Gauge({ name: 'gateway_supergraph_loaded_timestamp_seconds', help: 'When the supergraph being served was loaded (unix seconds).', registers });
    this.info = new Gauge({ name: 'gateway_supergraph_info', help: 'The supergraph being served: 1 for its hash (first 12 hex digits of its sha256).', labelNames: ['hash'], registers });
    const { origin } = options;
    this.state = { source: origin.kind === 'file' ? `file:${origin.path}` : origin.url, lastReloadOk: true };
  }

  status(): SupergraphStatus {
    return { ...this.state };
  }

  /** ApolloGateway calls this once on load; what it returns is the first supergraph, `cleanup` runs on gateway.stop(). */
  initialize = async ({ update, healthCheck }: SupergraphSdlHookOptions): Promise<{ supergraphSdl: string; cleanup: () => Promise<void> }> => {
    const supergraphSdl = await this.readInitial();
    parse(supergraphSdl);
    this.update = update;
    this.gatewayHealthCheck = healthCheck;
    this.served(supergraphSdl);
    this.startWatching();
    return { supergraphSdl, cleanup: async () => this.close() };
  };

  /** Read the source now and offer what it holds (the watchers call this; tests and operators may too). */
  check(): Promise<ReloadOutcome> {
    const run = this.queue.then(() => (this.options.origin.kind === 'file' ? this.checkFile() : this.checkUrl()));
    this.queue = run.catch(() => undefined);
    return run;
  }

  close(): void {
    this.closed = true;
    this.watcher?.close();
    for (const timer of this.timers) clearInterval(timer);
    clearTimeout(this.debounce);
  }

  private async readInitial(): Promise<string> {
    const { origin } = this.options;
    if (origin.kind === 'file') {
      const sdl = await readFile(origin.path, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new Error(`No supergraph at ${origin.path} (${error.code ?? error.message}): run \`npm run compose\` or set SUPERGRAPH_PATH`);
      });
      this.lastStat = await this.statKey();
      return sdl;
    }
    const response = await this.fetchSupergraph();
    if (response.status !== 200) throw new Error(`Supergraph URL ${origin.url} answered ${response.status}`);
    this.etag = response.etag;
    return response.body;
  }

  private startWatching(): void {
    const { origin } = this.options;
    if (origin.kind === 'url') {
      this.every(origin.pollMs, () => void this.check());
      return;
    }
    // The folder, not the file: publishing by rename (write elsewhere, then mv) replaces the file a watch was on.
    if (origin.watch) {
      try {
        const file = path.basename(origin.path);
        this.watcher = watch(path.dirname(origin.path), (_event, name) => {
          if (!name || name === file) this.scheduleFileCheck();
        });
        this.watcher.on('error', (error) => {
          this.logger.warn({ err: error }, 'supergraph file watch failed; polling only');
          this.watcher?.close();
        });
      } catch (error) {
        this.logger.warn({ err: error }, 'supergraph file cannot be watched; polling only');
      }
    }
    // Polling as well: watches miss changes on some volumes (network file systems, some container mounts).
    this.every(origin.pollMs, async () => {
      const key = await this.statKey();
      if (key && key !== this.lastStat) this.scheduleFileCheck();
    });
  }

  private every(ms: number, run: () => unknown): void {
    const timer = setInterval(run, ms);
    timer.unref();
    this.timers.push(timer);
  }

  /** Several events come for one write (and a writer may write in parts): act once things are quiet. */
  private scheduleFileCheck(): void {
    if (this.closed || this.options.origin.kind !== 'file') return;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.check(), this.options.origin.debounceMs);
    this.debounce.unref();
  }

  private async statKey(): Promise<string | undefined> {
    if (this.options.origin.kind !== 'file') return undefined;
    try {
      const { mtimeMs, size, ino } = await stat(this.options.origin.path);
      return `${ino}:${size}:${mtimeMs}`;
    } catch {
      return undefined;
    }
  }

  private async checkFile(): Promise<ReloadOutcome> {
    if (this.options.origin.kind !== 'file') return 'unchanged';
    this.lastStat = await this.statKey();
    let sdl: string;
    try {
      sdl = await readFile(this.options.origin.path, 'utf8');
    } catch (error) {
      return this.failed(undefined, new Error(`cannot read ${this.options.origin.path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`));
    }
    return this.offer(sdl);
  }

  private async checkUrl(): Promise<ReloadOutcome> {
    let response: Awaited<ReturnType<SupergraphSource['fetchSupergraph']>>;
    try {
      response = await this.fetchSupergraph();
    } catch (error) {
      return this.failed(undefined, error as Error);
    }
    if (response.status === 304) {
      // The source still holds what we last fetched: fine if that was taken, still failed if it was refused.
      if (this.etagOk && !this.state.lastReloadOk) this.state = { ...this.state, lastReloadOk: true, lastError: undefined };
      return 'unchanged';
    }
    if (response.status !== 200) return this.failed(undefined, new Error(`supergraph URL answered ${response.status}`));
    const outcome = await this.offer(response.body);
    this.etag = response.etag;
    this.etagOk = outcome !== 'failed' && this.state.lastReloadOk;
    return outcome;
  }

  private async fetchSupergraph(): Promise<{ status: number; body: string; etag?: string }> {
    const { origin } = this.options;
    if (origin.kind !== 'url') throw new Error('not a URL source');
    const response = await fetch(origin.url, {
      headers: { accept: 'text/plain, application/graphql, */*', ...(this.etag ? { 'if-none-match': this.etag } : {}) },
      signal: AbortSignal.timeout(origin.timeoutMs),
    });
    const body = response.status === 200 ? await response.text() : (await response.body?.cancel(), '');
    return { status: response.status, body, etag: response.headers.get('etag') ?? undefined };
  }

  /** Offer a supergraph to the gateway: parse it, health-check it if asked, then let the gateway build and swap. */
  private async offer(sdl: string): Promise<ReloadOutcome> {
    const hash = shortHash(sdl);
    if (hash === this.currentHash) {
      if (!this.state.lastReloadOk) this.state = { ...this.state, lastReloadOk: true, lastError: undefined };
      return 'unchanged';
    }
    if (hash === this.failedHash) return 'unchanged';
    if (!this.update || this.closed) return 'unchanged';
    const started = Date.now();
    try {
      parse(sdl);
      if (this.options.healthCheck) await this.gatewayHealthCheck?.(sdl);
      this.update(sdl);
    } catch (error) {
      return this.failed(hash, error as Error);
    }
    const previous = this.currentHash;
    this.served(sdl);
    this.reloads.inc({ outcome: 'ok' });
    this.logger.info({ hash, previous, ms: Date.now() - started }, 'new supergraph served');
    await Promise.resolve(this.options.onUpdated?.(this.status())).catch((error: unknown) => this.logger.warn({ err: error }, 'after-update step failed'));
    return 'ok';
  }

  private served(sdl: string): void {
    const hash = shortHash(sdl);
    const now = new Date();
    this.currentHash = hash;
    this.failedHash = undefined;
    this.state = { ...this.state, hash, loadedAt: now.toISOString(), lastReloadOk: true, lastError: undefined, lastAttemptAt: now.toISOString() };
    this.info.reset();
    this.info.set({ hash }, 1);
    this.loadedSeconds.set(now.getTime() / 1000);
  }

  private failed(hash: string | undefined, error: Error): ReloadOutcome {
    if (hash) this.failedHash = hash;
    const message = error.message.split('\n').slice(0, 3).join(' ').slice(0, 500);
    this.state = { ...this.state, lastReloadOk: false, lastError: message, lastAttemptAt: new Date().toISOString() };
    this.reloads.inc({ outcome: 'failed' });
    this.logger.error({ err: error, hash, serving: this.currentHash }, 'supergraph not reloaded: still serving the previous one');
    return 'failed';
  }
}
