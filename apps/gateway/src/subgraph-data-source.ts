import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { REQUEST_ID_HEADER } from '@crm/kernel';
import { activeTraceContext, markFailed, withSpan } from '@crm/telemetry';
import { SpanKind, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT, ATTR_URL_FULL } from '@opentelemetry/semantic-conventions';
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
  /** With tracing on: a client span per subgraph fetch, its context sent on as W3C `traceparent`. */
  tracer?: Tracer;
}

/** The subgraph a span of the gateway called. */
export const SUBGRAPH_ATTRIBUTE = 'crm.subgraph';

/**
 * Calls one subgraph on behalf of the caller: forwards the caller's bearer token (the subgraph verifies it again) and
 * the request id, and turns every way of not getting a GraphQL answer (refused connection, timeout, 5xx, non-JSON)
 * into one client-facing error with `extensions.code = 'UNAVAILABLE'` and `serviceName`. The rest of the query plan
 * still runs, so the client gets partial data, and the error is reported at the path of every field this fetch
 * would have filled, so a client can tell which parts are missing. With tracing on, each fetch is a client span
 * whose context the subgraph continues (the `traceparent` header).
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<SubgraphContext> {
  readonly serviceName: string;
  private readonly http: ReturnType<typeof createSubgraphFetch>;
  private readonly tracer?: Tracer;
  private readonly spanAttributes: Attributes;

  constructor({ name, url, timeoutMs, dedupe = true, connections = 64, tracer }: SubgraphDataSourceOptions) {
    const http = createSubgraphFetch({ timeoutMs, dedupe, connections });
    super({ url, fetcher: http.fetch as unknown as Fetcher });
    this.serviceName = name;
    this.http = http;
    this.tracer = tracer;
    this.spanAttributes = tracer ? fetchSpanAttributes(name, url) : {};
  }

  /** Close the keep-alive connections (on gateway stop). */
  close(): Promise<void> {
    return this.http.close();
  }

  override async process(options: GraphQLDataSourceProcessOptions<SubgraphContext>): ReturnType<RemoteGraphQLDataSource<SubgraphContext>['process']> {
    // A plan warm-up only wants the plan: nothing is sent.
    if (options.context && WARM_UP in options.context) return { data: null };
    if (!this.tracer) return this.processReportingPaths(options);
    return withSpan(this.tracer, `subgraph ${this.serviceName}`, { kind: SpanKind.CLIENT, attributes: this.spanAttributes }, (span) => this.processReportingPaths(options, span));
  }

  private async processReportingPaths(options: GraphQLDataSourceProcessOptions<SubgraphContext>, span?: Span): ReturnType<RemoteGraphQLDataSource<SubgraphContext>['process']> {
    try {
      return await super.process(options);
    } catch (error) {
      if (span) markFailed(span, error);
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
    // The active span is this fetch's (see process): the subgraph's server span becomes its child.
    const { traceparent, tracestate } = activeTraceContext();
    if (traceparent) headers.set('traceparent', traceparent);
    if (tracestate) headers.set('tracestate', tracestate);
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

function fetchSpanAttributes(subgraph: string, url: string): Attributes {
  const target = new URL(url);
  return { [SUBGRAPH_ATTRIBUTE]: subgraph, [ATTR_URL_FULL]: target.href, [ATTR_SERVER_ADDRESS]: target.hostname, [ATTR_SERVER_PORT]: Number(target.port) || (target.protocol === 'https:' ? 443 : 80) };
}

function firstGraphQLError(body: unknown): { message: string; extensions?: Record<string, unknown> } | undefined {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  const [first] = errors as { message?: unknown; extensions?: Record<string, unknown> }[];
  return typeof first?.message === 'string' ? { message: first.message, extensions: first.extensions } : undefined;
}
