import { ownIdOf } from '@crm/contracts';
import { randomUUID } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ApolloServer } from '@apollo/server';
import type { Caller, VerifyToken } from '@crm/auth';
import { connectEventBus, ensureStream, type EventBus } from '@crm/events';
import type { Logger } from '@crm/kernel';
import {
  getOperationAST,
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FormattedExecutionResult,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { makeServer, type Context } from 'graphql-ws';
import { DeliverPolicy, type StreamState } from 'nats';
import type { Registry } from 'prom-client';
import type { GatewayContext } from '../gateway-context';
import { formatGatewayError } from '../gateway-errors';
import { exceedsTokenLimit, LIMIT_CODES, queryLimitRules, type QueryLimits } from '../limits';
import { estimateCost, queryTooComplex } from '../query-cost';
import { decodeCursor } from './complaint-cursor';
import { ComplaintEventHub } from './complaint-event-hub';
import type { ComplaintFeedSource, OpenFeed } from './complaint-event-message';
import { ComplaintEventStream, isStreamFailure, type ComplaintEventFilter, type ComplaintEventSource } from './complaint-event-stream';
import { COMPLAINT_STREAM, COMPLAINT_SUBJECTS, knownComplaintEventTypes } from './complaint-event-types';
import { buildSubscriptionSchema } from './complaint-events.schema';
import { authenticateConnection, tokenExpired, tokenExpiry } from './connection-auth';
import { serveGraphQLWebSocket, type SocketExtra, type WebSocketEndpoint } from './graphql-ws-endpoint';
import { SubscriptionMetrics } from './subscription-metrics';
import { lookUpTicket } from './ticket-lookup';
import { federatedFieldResolver, ticketQueryFor } from './ticket-query';

export interface ComplaintSubscriptionsOptions {
  natsUrl: string;
  verifyToken: VerifyToken;
  /** The same depth, alias, cost and token limits as HTTP queries. */
  limits: QueryLimits;
  /** Largest WebSocket message accepted (the HTTP body limit). */
  maxPayloadBytes: number;
  registry: Registry;
  logger: Logger;
  /** Default 12 s. */
  keepAliveMs?: number;
  /** Waits between ticket lookup attempts of one event (default 200 ms, 1 s). */
  lookupRetryDelaysMs?: readonly number[];
  /** Wait between attempts to reach NATS when it was down at start (default 1 s). */
  natsRetryMs?: number;
  /** Events held per subscriber (looked up, not yet sent) before it leaves the shared feed (default 256). */
  maxQueuedPerSubscriber?: number;
  /** Federated ticket lookups running at once for all subscribers (default 64). */
  maxLookupsInFlight?: number;
}

/** One authenticated graphql-ws connection. */
interface ConnectionExtra extends SocketExtra {
  caller?: Caller;
  logger?: Logger;
  cancelExpiry?: () => void;
}

/** The executor's context for one subscription. */
interface SubscriptionContext {
  caller: Caller;
  logger: Logger;
  /** Prefix of the request ids of this subscription's ticket lookups (then `:<stream sequence>`). */
  subscriptionId: string;
}

interface ComplaintEventsArgs {
  filter?: { types?: string[] | null; severities?: string[] | null; customerIds?: string[] | null } | null;
  after?: string | null;
}

// Each subscription holds a queue and a ticket query: cap what one socket can open.
const MAX_SUBSCRIPTIONS_PER_CONNECTION = 10;
// Messages a consumer may buffer ahead of the gateway (the shared feed pauses while lookups are far behind).
const CONSUMER_BUFFER = 256;
const DEFAULT_KEEPALIVE_MS = 12_000;
const DEFAULT_NATS_RETRY_MS = 1000;
// setTimeout's ceiling (~24.8 days); longer token lifetimes are waited for in steps.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Complaint events for internal apps, the event-driven federated subscription pattern (as Cosmo EDFS and Grafbase's
 * NATS extension): JetStream carries the entity key, the gateway resolves what the subscriber selected through the
 * normal federated query path with the subscriber's own token. See docs/adr/0006-federated-subscriptions.md.
 *
 * Lifecycle: `useApiSchema` on every supergraph load (before Apollo starts) → `start(apollo)` (connects NATS) →
 * `attach(httpServer)` → `closeConnections` (shutdown: sockets and consumers) → `stop` (drains NATS).
 */
export class ComplaintSubscriptions {
  /** Names this gateway's JetStream consumers (`gateway_<instanceId>_…`), so an operator can tell whose they are. */
  readonly instanceId = randomUUID().slice(0, 8);
  /** The one shared consumer feeding every subscription of this gateway (plus short-lived catch-ups). */
  readonly hub: ComplaintEventHub;
  private readonly metrics: SubscriptionMetrics;
  private readonly limitRules: readonly ValidationRule[];
  private readonly logger: Logger;
  private schema?: GraphQLSchema;
  private schemaError?: Error;
  private apollo?: ApolloServer<GatewayContext>;
  private bus?: EventBus;
  private connectedToNats = false;
  private reconnecting?: Promise<void>;
  private readonly stopping = new AbortController();
  private endpoint?: WebSocketEndpoint;
  private accepting = true;

  constructor(private readonly options: ComplaintSubscriptionsOptions) {
    this.metrics = new SubscriptionMetrics(options.registry);
    this.limitRules = [...specifiedRules, ...queryLimitRules(options.limits)];
    this.logger = options.logger.child({ component: 'subscriptions', instanceId: this.instanceId });
    this.hub = new ComplaintEventHub({
      source: this.feedSource(),
      metrics: this.metrics,
      logger: this.logger,
      retryDelaysMs: options.lookupRetryDelaysMs,
      maxLookupsInFlight: options.maxLookupsInFlight,
    });
  }

  /** Rebuild the subscription schema from the gateway's API schema; running subscriptions keep theirs. */
  useApiSchema(apiSchema: GraphQLSchema): void {
    try {
      this.schema = buildSubscriptionSchema(apiSchema, {
        subscribe: (_root, args, context, info) => this.openStream(args as ComplaintEventsArgs, context as SubscriptionContext, info),
        resolve: (item) => {
          if (isStreamFailure(item)) throw item.failure;
          return item;
        },
        eventFields: {
          id: (event) => (event as ComplaintEventSource).id,
          cursor: (event) => (event as ComplaintEventSource).cursor,
          type: (event) => (event as ComplaintEventSource).type,
          occurredAt: (event) => (event as ComplaintEventSource).occurredAt,
          ticket: (event, _args, _context, info) => (event as ComplaintEventSource).tickets[String(info.path.key)] ?? null,
        },
      });
      this.schemaError = undefined;
    } catch (error) {
      this.schemaError = error as Error;
      this.logger.error({ err: error }, 'complaint subscriptions unavailable for this supergraph');
    }
  }

  /**
   * Fails (and so does the gateway's start) when the supergraph cannot serve the subscription: that is a deployment
   * error. NATS being down is not: like a subgraph, it must not stop the gateway from starting and serving queries
   * (ADR 0004), so the first attempt is awaited and, when it fails, the gateway keeps trying in the background while
   * /readyz reports `nats: false` and new subscriptions get UNAVAILABLE.
   */
  async start(apollo: ApolloServer<GatewayContext>): Promise<void> {
    if (!this.schema) throw this.schemaError ?? new Error('Complaint subscriptions: no supergraph loaded');
    this.apollo = apollo;
    if (!(await this.connect())) this.reconnecting = this.keepConnecting();
  }

  /** For /readyz: `nats` is false while NATS is out of reach (subscriptions can neither start nor run). */
  private get natsConnected(): boolean {
    return this.connectedToNats;
  }

  private set natsConnected(connected: boolean) {
    this.connectedToNats = connected;
    this.metrics?.natsConnected.set(connected ? 1 : 0);
  }

  /** Serve graphql-ws at `path` on the gateway's HTTP server. */
  attach(httpServer: HttpServer, path = '/graphql'): void {
    this.endpoint = serveGraphQLWebSocket<ConnectionExtra>(httpServer, {
      path,
      maxPayloadBytes: this.options.maxPayloadBytes,
      keepAliveMs: this.options.keepAliveMs ?? DEFAULT_KEEPALIVE_MS,
      graphqlWs: this.graphqlWsServer(),
      extra: (socket, request) => ({ socket, request }),
      accepting: () => this.accepting,
      onConnectionsChange: (open) => this.metrics.connections.set(open),
      logger: this.logger,
    });
  }

  /** Shutdown, first step: refuse new sockets, close open ones (1001); every subscription stops its consumer. */
  async closeConnections(timeoutMs: number): Promise<void> {
    this.accepting = false;
    await this.endpoint?.close(timeoutMs);
  }

  /** Shutdown, last step: drain the NATS connection. */
  async stop(): Promise<void> {
    this.accepting = false;
    this.stopping.abort();
    await this.reconnecting;
    await this.hub.idle();
    if (this.bus && !this.bus.nc.isClosed()) await this.bus.nc.drain().catch((error: unknown) => this.logger.warn({ err: error }, 'NATS drain failed'));
  }

  /** One attempt: connect, make sure the complaint stream exists. Only the first failure is a warning. */
  private async connect(attempt = 1): Promise<boolean> {
    let bus: EventBus | undefined;
    try {
      bus = await connectEventBus(this.options.natsUrl, 'gateway');
      // The gateway may come up before service-desk: make sure the stream it reads exists (idempotent, ADR 0002).
      await ensureStream(bus.jsm, COMPLAINT_STREAM);
    } catch (error) {
      await bus?.nc.close().catch(() => undefined);
      this.logger[attempt === 1 ? 'warn' : 'debug']({ err: error, attempt }, 'NATS unavailable: complaint subscriptions wait for it');
      return false;
    }
    this.bus = bus;
    this.natsConnected = true;
    void this.watchNats(bus);
    this.logger.info('connected to NATS: complaint subscriptions available');
    return true;
  }

  private async keepConnecting(): Promise<void> {
    for (let attempt = 2; !this.stopping.signal.aborted; attempt += 1) {
      await sleep(this.options.natsRetryMs ?? DEFAULT_NATS_RETRY_MS, undefined, { signal: this.stopping.signal }).catch(() => undefined);
      if (this.stopping.signal.aborted || (await this.connect(attempt))) return;
    }
  }

  private graphqlWsServer() {
    return makeServer<Record<string, unknown>, ConnectionExtra>({
      onConnect: async (ctx) => {
        const caller = await authenticateConnection(ctx.connectionParams, this.options.verifyToken);
        const logger = this.logger.child({ userId: caller.userId });
        ctx.extra.caller = caller;
        ctx.extra.logger = logger;
        const expiry = tokenExpiry(caller);
        if (expiry) {
          // Token expiry ends the connection and with it every subscription on it.
          ctx.extra.cancelExpiry = runAt(expiry, () => {
            const refusal = tokenExpired();
            logger.info('websocket closed: token expired');
            ctx.extra.socket.close(refusal.closeCode, refusal.reason);
          });
        }
        logger.debug('websocket connection acknowledged');
        return true;
      },
      onClose: (ctx) => ctx.extra.cancelExpiry?.(),
      onSubscribe: (ctx, _id, payload) => this.prepare(ctx, payload.query, payload.operationName ?? undefined, payload.variables ?? undefined),
      onNext: (ctx, _id, _payload, _args, result) => this.formatResult(result, ctx.extra.logger ?? this.logger),
      onError: (_ctx, _id, _payload, errors) => errors.map((error) => formatGatewayError(error.toJSON(), error)),
    });
  }

  /** Parse, validate and cost like an HTTP query (token, depth, alias, cost limits); only subscriptions are served here. */
  private prepare(ctx: Context<Record<string, unknown>, ConnectionExtra>, query: string, operationName?: string, variableValues?: Record<string, unknown>): ExecutionArgs | GraphQLError[] {
    const { maxTokens } = this.options.limits;
    if (exceedsTokenLimit(query, maxTokens)) return [new GraphQLError(`Query exceeds the limit of ${maxTokens} tokens`, { extensions: { code: LIMIT_CODES.tokens, limit: maxTokens } })];
    const schema = this.schema!;
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      return [new GraphQLError((error as Error).message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })];
    }
    const invalid = validate(schema, document, this.limitRules);
    if (invalid.length > 0) {
      return invalid.map((error) => (error.extensions.code ? error : new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })));
    }
    const operation = getOperationAST(document, operationName);
    if (!operation) return [badRequest('Unable to identify the operation: name it in operationName')];
    if (operation.operation !== 'subscription') return [badRequest('Only subscriptions are served over WebSocket; send queries and mutations as HTTP POST')];
    const estimate = estimateCost(schema, document, operationName, variableValues);
    if (estimate && estimate.cost > this.options.limits.maxCost) return [queryTooComplex(estimate, this.options.limits.maxCost)];
    // graphql-ws registers the subscription before this hook, so it is counted here.
    if (Object.keys(ctx.subscriptions).length > MAX_SUBSCRIPTIONS_PER_CONNECTION) {
      return [new GraphQLError(`At most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions per connection`, { extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', limit: MAX_SUBSCRIPTIONS_PER_CONNECTION } })];
    }
    const contextValue: SubscriptionContext = { caller: ctx.extra.caller!, logger: ctx.extra.logger!, subscriptionId: randomUUID() };
    return { schema, document, operationName, variableValues, contextValue, fieldResolver: federatedFieldResolver };
  }

  /** Start one subscription: check its arguments, put it on the shared feed (resuming: after a catch-up), return its event stream. */
  private async openStream(args: ComplaintEventsArgs, context: SubscriptionContext, info: GraphQLResolveInfo): Promise<ComplaintEventStream> {
    const filter = complaintFilter(args.filter);
    const bus = this.bus;
    if (!bus || !this.natsConnected) throw unavailable();
    const query = ticketQueryFor(info);
    let startSequence: number | undefined;
    if (args.after) {
      const { state } = await bus.jsm.streams.info(COMPLAINT_STREAM.name);
      startSequence = resumeSequence(args.after, state);
    }
    const logger = context.logger.child({ subscriptionId: context.subscriptionId });
    const apollo = this.apollo!;
    const stream = new ComplaintEventStream({
      hub: this.hub,
      streamName: COMPLAINT_STREAM.name,
      startSequence,
      filter,
      // Shared only between subscribers holding the same token and asking the same ticket query.
      lookupKey: `${context.caller.token}\n${query.query}\n${JSON.stringify(query.variables)}`,
      lookUp: (ticketId, sequence) => lookUpTicket(apollo, query, ticketId, { caller: context.caller, requestId: `${context.subscriptionId}:${sequence}`, logger }),
      metrics: this.metrics,
      logger,
      maxQueued: this.options.maxQueuedPerSubscriber,
      onEnd: async () => logger.info('complaint subscription ended'),
    });
    try {
      await stream.ready();
    } catch (error) {
      await stream.return();
      logger.warn({ err: error }, 'complaint subscription could not join the shared feed');
      throw unavailable();
    }
    logger.info({ startSequence: startSequence ?? null, filter: args.filter ?? null, resumed: Boolean(args.after) }, 'complaint subscription started');
    return stream;
  }

  /** The complaint stream on the current NATS connection: ordered consumers named after this gateway. */
  private feedSource(): ComplaintFeedSource {
    const connected = () => {
      if (!this.bus || !this.natsConnected) throw new Error('NATS is not connected');
      return this.bus;
    };
    return {
      lastSequence: async () => (await connected().jsm.streams.info(COMPLAINT_STREAM.name)).state.last_seq,
      open: async (startSequence, purpose): Promise<OpenFeed> => {
        const consumer = await connected().js.consumers.get(COMPLAINT_STREAM.name, {
          // A string (not a list): NATS 2.9 knows only the single filter subject.
          filterSubjects: COMPLAINT_SUBJECTS,
          deliver_policy: DeliverPolicy.StartSequence,
          opt_start_seq: startSequence,
          name_prefix: `gateway_${this.instanceId}_${purpose === 'shared' ? 'shared' : 'catchup'}_`,
        });
        const messages = await consumer.consume({ max_messages: CONSUMER_BUFFER });
        return {
          messages: messages[Symbol.asyncIterator](),
          close: async () => {
            messages.stop();
            // An ordered consumer would linger on the server until its inactivity threshold: remove it now.
            await consumer.delete().catch(() => undefined);
          },
        };
      },
    };
  }

  private formatResult(result: ExecutionResult, logger: Logger): FormattedExecutionResult {
    const { errors, ...rest } = result;
    if (!errors) return rest as FormattedExecutionResult;
    return {
      ...rest,
      errors: errors.map((error) => {
        if (error.extensions.code === undefined && !error.path) {
          // Raised before any resolver ran: the variables do not fit the operation.
          return formatGatewayError({ ...error.toJSON(), extensions: { code: 'BAD_USER_INPUT' } }, error);
        }
        if (error.extensions.code === undefined) logger.error({ err: error.originalError ?? error, path: error.path }, 'unexpected subscription error');
        return formatGatewayError(error.toJSON(), error);
      }),
    } as FormattedExecutionResult;
  }

  private async watchNats(bus: EventBus): Promise<void> {
    for await (const status of bus.nc.status()) {
      if (status.type === 'disconnect') this.natsConnected = false;
      if (status.type === 'reconnect') this.natsConnected = true;
    }
    this.natsConnected = false;
  }
}

function complaintFilter(filter: ComplaintEventsArgs['filter']): ComplaintEventFilter {
  const unknown = (filter?.types ?? []).filter((type) => !knownComplaintEventTypes.has(type));
  if (unknown.length > 0) {
    throw new GraphQLError(`filter.types: unknown complaint event type ${unknown.join(', ')} (known: ${[...knownComplaintEventTypes].join(', ')})`, {
      extensions: { code: 'BAD_USER_INPUT', field: 'filter.types' },
    });
  }
  const asSet = (values?: string[] | null) => (values ? new Set(values) : undefined);
  // Events carry own ids; a client passes the global ids the graph answers (an own id works too).
  return { types: asSet(filter?.types), severities: asSet(filter?.severities), customerIds: asSet(filter?.customerIds?.map(ownIdOf)) };
}

/** Where a resumed subscription starts: right after the cursor, provided nothing after it has been lost. */
function resumeSequence(after: string, state: StreamState): number {
  const sequence = decodeCursor(COMPLAINT_STREAM.name, after);
  if (sequence > state.last_seq) {
    throw new GraphQLError('after: the cursor is ahead of the complaint stream (was the stream recreated?); subscribe without after', {
      extensions: { code: 'BAD_USER_INPUT', field: 'after' },
    });
  }
  if (sequence + 1 < state.first_seq) {
    throw new GraphQLError('after: events following this cursor are no longer retained; subscribe without after', {
      extensions: { code: 'CURSOR_EXPIRED', field: 'after' },
    });
  }
  return sequence + 1;
}

function unavailable(): GraphQLError {
  return new GraphQLError('Complaint events are unavailable right now; try again shortly', { extensions: { code: 'UNAVAILABLE' } });
}

function badRequest(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_REQUEST' } });
}

/** Run `action` at `when`, however far away; returns a cancel function. */
function runAt(when: Date, action: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const wait = when.getTime() - Date.now();
    if (wait <= 0) return action();
    timer = setTimeout(arm, Math.min(wait, MAX_TIMER_MS));
    timer.unref();
  };
  arm();
  return () => clearTimeout(timer);
}
