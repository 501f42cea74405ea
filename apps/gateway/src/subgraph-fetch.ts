import { createHash } from 'node:crypto';
import { Agent, fetch as undiciFetch, type RequestInit as UndiciRequestInit } from 'undici';

/** The slice of WHATWG fetch that RemoteGraphQLDataSource calls. */
export type SubgraphFetch = (url: string, init: { method?: string; headers?: Record<string, string> | Headers; body?: string }) => Promise<Response>;

export interface SubgraphFetchOptions {
  timeoutMs: number;
  /** Merge identical in-flight queries of one caller to this subgraph into one HTTP request. */
  dedupe: boolean;
  /** Keep-alive connections held open per subgraph origin. */
  connections: number;
}

interface SharedAnswer {
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

  const send = async (url: string, init: Parameters<SubgraphFetch>[1]): Promise<SharedAnswer> => {
    const response = await undiciFetch(url, { ...(init as UndiciRequestInit), dispatcher: agent, signal: AbortSignal.timeout(options.timeoutMs) });
    return { status: response.status, statusText: response.statusText, headers: [...response.headers], body: await response.text() };
  };
  const answer = (shared: SharedAnswer) => new Response(shared.body, { status: shared.status, statusText: shared.statusText, headers: shared.headers });

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
