/** What the gateway's `/readyz` says of one subgraph: whether its `/healthz` answered, and the version it runs. */
export interface SubgraphVersion {
  name: string;
  /** `unknown` until the first answer (or failure) is in. */
  status: 'up' | 'down' | 'unknown';
  version: string | null;
  checkedAt: string | null;
}

export interface SubgraphVersionsOptions {
  /** How long one subgraph's `/healthz` may take before it counts as down. */
  timeoutMs?: number;
  /** How long an answer is reused before the next `/readyz` asks again. */
  ttlMs?: number;
  fetch?: typeof fetch;
}

/**
 * The version of every subgraph the gateway routes to, from each one's `/healthz`, cached. `list()` never waits for
 * a subgraph: it answers from the cache and refreshes it in the background when stale, so a slow or down subgraph
 * changes what `/readyz` shows, never how fast it answers or whether the gateway is ready.
 */
export class SubgraphVersions {
  private readonly urls = new Map<string, string>();
  private readonly known = new Map<string, SubgraphVersion>();
  private readonly timeoutMs: number;
  private readonly ttlMs: number;
  private readonly fetch: typeof fetch;
  private refreshedAt = 0;
  private refreshing: Promise<void> | undefined;

  constructor(options: SubgraphVersionsOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.ttlMs = options.ttlMs ?? 10_000;
    this.fetch = options.fetch ?? fetch;
  }

  /** A subgraph the gateway routes to, by its GraphQL URL (its health is at `/healthz` beside it). */
  track(name: string, graphqlUrl: string): void {
    if (this.urls.get(name) === graphqlUrl) return;
    this.urls.set(name, graphqlUrl);
    this.refreshedAt = 0;
  }

  /** Every tracked subgraph, by name, as last seen; starts a refresh when the answers are older than the TTL. */
  list(): SubgraphVersion[] {
    if (Date.now() - this.refreshedAt >= this.ttlMs) void this.refresh();
    return [...this.urls.keys()].sort().map((name) => this.known.get(name) ?? { name, status: 'unknown', version: null, checkedAt: null });
  }

  /** Ask every subgraph now (concurrent calls share one round). */
  refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      const startedAt = Date.now();
      await Promise.all([...this.urls].map(async ([name, url]) => this.known.set(name, await this.check(name, url))));
      this.refreshedAt = startedAt;
    })().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async check(name: string, graphqlUrl: string): Promise<SubgraphVersion> {
    const checkedAt = new Date().toISOString();
    try {
      const response = await this.fetch(healthUrl(graphqlUrl), { signal: AbortSignal.timeout(this.timeoutMs) });
      if (!response.ok) return { name, status: 'down', version: null, checkedAt };
      const body = (await response.json().catch(() => ({}))) as { version?: unknown };
      return { name, status: 'up', version: typeof body.version === 'string' ? body.version : null, checkedAt };
    } catch {
      return { name, status: 'down', version: null, checkedAt };
    }
  }
}

/** `http://host:4001/graphql` → `http://host:4001/healthz`. */
export function healthUrl(graphqlUrl: string): string {
  const url = new URL(graphqlUrl);
  url.pathname = `${url.pathname.replace(/\/graphql\/?$/, '').replace(/\/$/, '')}/healthz`;
  url.search = '';
  return url.toString();
}
