import { createHash } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { Agent, type Dispatcher } from 'undici';

/** The slice of WHATWG fetch that RemoteGraphQLDataSource calls (Apollo's Fetcher: its FetcherResponse is what it reads). */
export type SubgraphFetch = (url: string, init: { method?: string; headers?: Record<string, string> | Headers; body?: string }) => Promise<SubgraphResponse>;

export interface SubgraphFetchOptions {
  timeoutMs: number;
  /** Merge identical in-flight queries of one caller to this subgraph into one HTTP request. */
  dedupe: boolean;
  /** Keep-alive connections held open per subgraph origin. */
  connections: number;
}

interface SharedAnswer {
  url: string;
  status: number;
  statusText: string;
  headers: [string, string][];
  body: string;
}

/**
 * The gateway's HTTP client for one subgraph: a keep-alive pool (undici Agent), a timeout per request, and in-flight
 * de-duplication. Two fetches share one request only when the subgraph, the document, the variables and the forwarded
 * identity (the Authorization header) are all the same and the operation is a query: a subgraph filters by the
 * caller, so an answer is never handed to another caller, and a mutation is never merged. Each sharer gets its own
 * Response over the same text, since the gateway merges answers into its result objects in place.
 */
export function createSubgraphFetch(options: SubgraphFetchOptions): { fetch: SubgraphFetch; close(): Promise<void>; inFlight(): number } {
  const agent = new Agent({ connections: options.connections, keepAliveTimeout: 30_000, pipelining: 1 });
  const pending = new Map<string, Promise<SharedAnswer>>();

  // undici's dispatcher API, not its WHATWG fetch: the gateway reads each answer whole as text, and the fetch layer's
  // Request, stream and Response objects cost about 5 % of the gateway's CPU under load (profiled with bench:gateway).
  const targets = new Map<string, { origin: string; path: string }>();
  const target = (url: string) => {
    let found = targets.get(url);
    if (!found) {
      const parsed = new URL(url);
      found = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
      targets.set(url, found);
    }
    return found;
  };
  const send = async (url: string, init: Parameters<SubgraphFetch>[1]): Promise<SharedAnswer> => {
    const { origin, path } = target(url);
    const { statusCode, headers, body } = await agent.request({
      origin,
      path,
      method: (init.method ?? 'GET').toUpperCase() as Dispatcher.HttpMethod,
      headers: plainHeaders(init.headers),
      body: init.body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    return { url, status: statusCode, statusText: STATUS_CODES[statusCode] ?? '', headers: headerPairs(headers), body: await body.text() };
  };
  const answer = (shared: SharedAnswer) => new SubgraphResponse(shared);

  const fetch: SubgraphFetch = async (url, init) => {
    const key = options.dedupe ? dedupeKey(url, init) : undefined;
    if (!key) return answer(await send(url, init));
    let shared = pending.get(key);
    if (!shared) {
      shared = send(url, init).finally(() => pending.delete(key));
      pending.set(key, shared);
    }
    return answer(await shared);
  };
  return { fetch, close: () => agent.close(), inFlight: () => pending.size };
}

// RemoteGraphQLDataSource sends `JSON.stringify({ query, variables, … })`: the operation keyword opens the body.
const QUERY_BODY = /^\{"query":"(query\b|\{)/;

/** The sharing key of a query fetch, or undefined for anything that must go alone (a mutation, anything unexpected). */
export function dedupeKey(url: string, init: Parameters<SubgraphFetch>[1]): string | undefined {
  if ((init.method ?? 'GET').toUpperCase() !== 'POST' || typeof init.body !== 'string' || !QUERY_BODY.test(init.body)) return undefined;
  const authorization = headerValue(init.headers, 'authorization') ?? '';
  return createHash('sha256').update(url).update('\0').update(authorization).update('\0').update(init.body).digest('hex');
}

function headerValue(headers: Parameters<SubgraphFetch>[1]['headers'], name: string): string | undefined {
  if (!headers) return undefined;
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  return found?.[1];
}

/** One subgraph answer, read whole: what Apollo's data source reads of a response (FetcherResponse), over shared text. */
export class SubgraphResponse {
  readonly headers: Headers;
  readonly redirected = false;
  private used = false;

  constructor(private readonly answer: SharedAnswer) {
    this.headers = new Headers(answer.headers);
  }

  get url(): string {
    return this.answer.url;
  }
  get status(): number {
    return this.answer.status;
  }
  get statusText(): string {
    return this.answer.statusText;
  }
  get ok(): boolean {
    return this.answer.status >= 200 && this.answer.status < 300;
  }
  get bodyUsed(): boolean {
    return this.used;
  }

  async text(): Promise<string> {
    if (this.used) throw new TypeError('Body has already been read');
    this.used = true;
    return this.answer.body;
  }
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = Buffer.from(await this.text());
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
  clone(): SubgraphResponse {
    if (this.used) throw new TypeError('Body has already been read');
    return new SubgraphResponse(this.answer);
  }
}

function plainHeaders(headers: Parameters<SubgraphFetch>[1]['headers']): Record<string, string> | undefined {
  if (!headers || !(headers instanceof Headers)) return headers;
  return Object.fromEntries(headers);
}

function headerPairs(headers: Record<string, string | string[] | undefined>): [string, string][] {
  const pairs: [string, string][] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (Array.isArray(value)) for (const one of value) pairs.push([name, one]);
    else if (value !== undefined) pairs.push([name, value]);
  }
  return pairs;
}
