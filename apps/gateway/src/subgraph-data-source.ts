import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { REQUEST_ID_HEADER } from '@crm/kernel';
import { GraphQLError } from 'graphql';
import type { GatewayContext } from './gateway-context';
import { answerPaths } from './subgraph-answer-paths';
import { WARM_UP } from './plan-warm-up';
import { createSubgraphFetch } from './subgraph-fetch';

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetcherResponse = Awaited<ReturnType<Fetcher>>;
// Health-check requests (none with a static supergraph, but the type allows them) carry no gateway context.
type SubgraphContext = Partial<GatewayContext>;

export interface SubgraphDataSourceOptions {
  name: string;
  url: string;
  /** Give up on the subgraph after this long: one slow service must not hold every request hostage. */
  timeoutMs: number;
  /** Share one request between identical in-flight queries of the same caller (see subgraph-fetch.ts). Default on. */
  dedupe?: boolean;
  /** Keep-alive connections to the subgraph. Default 64. */
  connections?: number;
}

/**
 * Calls one subgraph on behalf of the caller: forwards the caller's bearer token (the subgraph verifies it again) and
 * the request id, and turns every way of not getting a GraphQL answer (refused connection, timeout, 5xx, non-JSON)
 * into one client-facing error with `extensions.code = 'UNAVAILABLE'` and `serviceName`. The rest of the query plan
 * still runs, so the client gets partial data, and the error is reported at the path of every field this fetch
 * would have filled, so a client can tell which parts are missing.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<SubgraphContext> {
  readonly serviceName: string;
  private readonly http: ReturnType<typeof createSubgraphFetch>;

  constructor({ name, url, timeoutMs, dedupe = true, connections = 64 }: SubgraphDataSourceOptions) {
    const http = createSubgraphFetch({ timeoutMs, dedupe, connections });
    super({ url, fetcher: http.fetch as unknown as Fetcher });
    this.serviceName = name;
    this.http = http;
  }

  /** Close the keep-alive connections (on gateway stop). */
  close(): Promise<void> {
    return this.http.close();
  }

  override async process(options: GraphQLDataSourceProcessOptions<SubgraphContext>): ReturnType<RemoteGraphQLDataSource<SubgraphContext>['process']> {
    // A plan warm-up only wants the plan: nothing is sent.
    if (options.context && WARM_UP in options.context) return { data: null };
    try {
      return await super.process(options);
    } catch (error) {
      // Only a client's operation has paths to report at (not a health check or a schema load).
      if (!(error instanceof GraphQLError) || !('incomingRequestContext' in options) || !options.request.query) throw error;
      const paths = answerPaths(options.document ?? options.request.query, options.request.variables);
      if (paths.length === 0) throw error;
      return { data: null, errors: paths.map((path) => ({ message: error.message, path, extensions: error.extensions })) };
    }
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<SubgraphContext>): void {
    const headers = request.http?.headers;
    if (!headers) return;
    if (context.caller) headers.set('authorization', `Bearer ${context.caller.token}`);
    if (context.requestId) headers.set(REQUEST_ID_HEADER, context.requestId);
  }

  /** A non-2xx answer: keep the subgraph's own GraphQL error (e.g. its 401 UNAUTHENTICATED) when it sent one. */
  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    const body = await this.parseBody(response).catch(() => undefined);
    const first = firstGraphQLError(body);
    if (first) return new GraphQLError(first.message, { extensions: { ...first.extensions, serviceName: this.serviceName } });
    return this.unavailable(new Error(`HTTP ${response.status} ${response.statusText}`));
  }

  override didEncounterError(error: Error, _fetchRequest: unknown, _fetchResponse?: unknown, context?: SubgraphContext): void {
    if (error instanceof GraphQLError) throw error;
    context?.logger?.warn({ err: error, subgraph: this.serviceName }, 'subgraph unavailable');
    throw this.unavailable(error);
  }

  private unavailable(cause: Error): GraphQLError {
    // The cause (with the internal URL) is logged, never sent to the client.
    return new GraphQLError(`The ${this.serviceName} service is unavailable; try again shortly`, {
      originalError: cause,
      extensions: { code: 'UNAVAILABLE', serviceName: this.serviceName },
    });
  }
}

function firstGraphQLError(body: unknown): { message: string; extensions?: Record<string, unknown> } | undefined {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  const [first] = errors as { message?: unknown; extensions?: Record<string, unknown> }[];
  return typeof first?.message === 'string' ? { message: first.message, extensions: first.extensions } : undefined;
}
