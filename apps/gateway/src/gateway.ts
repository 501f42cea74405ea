import type { Server } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { createTokenVerifier } from '@crm/auth';
import { startTelemetry, type Telemetry } from '@crm/telemetry';
import { createHttpShell, createLogger, graphqlOperationMetrics, graphqlOperationSpan, jsonApiSecurityHeaders, serviceIdentity, startHttpServer, type DestinationStream, type Logger } from '@crm/kernel';
import type { Express } from 'express';
import type { GraphQLSchema } from 'graphql';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { authenticate } from './auth.context';
import { corsPolicy, parseOrigins } from './cors-policy';
import { introspectionRoles, subgraphUrlsFromConfig, type GatewayConfig } from './gateway.config';
import { introspectionPolicyPlugin } from './introspection-policy';
import type { GatewayContext } from './gateway-context';
import { errorLoggingPlugin, formatGatewayError, unknownOperationPlugin } from './gateway-errors';
import { explorerDir, explorerEnabled, explorerRoutes, explorerSecurityPolicy } from './explorer';
import { withClientSchema } from './client-schema-gateway';
import { withGlobalIds } from './global-ids-gateway';
import { queryLimitRules, tokenLimit } from './limits';
import { readShippedOperations, withPlanWarmUp } from './plan-warm-up';
import { costLimitPlugin } from './query-cost';
import { RateLimiter, rateLimitHeadersPlugin } from './rate-limits';
import { SubgraphDataSource } from './subgraph-data-source';
import { withComplaintEvents } from './subscriptions/complaint-events.schema';
import { ComplaintSubscriptions } from './subscriptions/complaint-subscriptions';
import { operationsDir, supergraphPath } from './supergraph';
import { SupergraphSource, type SupergraphStatus } from './supergraph-source';
import { SubgraphVersions } from './subgraph-versions';

export interface GatewayOptions {
  /** Parsed configuration: `loadConfig(gatewayConfigSchema, env)`. */
  config: GatewayConfig;
  logger?: Logger;
  /** Where the gateway's own logger writes (default stdout); ignored when `logger` is given. */
  logDestination?: DestinationStream;
  /**
   * A fixed supergraph to serve (tests). Default: the supergraph source of the config (SUPERGRAPH_URL polled, or the
   * SUPERGRAPH_PATH / committed `schema/supergraph.graphql` file watched), swapped without a restart when it changes.
   */
  supergraphSdl?: string;
  /** Subgraph URLs by subgraph name; they win over SUBGRAPH_*_URL and over the supergraph's routing URLs. */
  subgraphUrls?: Record<string, string>;
  /** Default: a fresh registry with Node's default metrics. */
  registry?: Registry;
}

export interface Gateway {
  /** Express app: the HTTP shell (probes, metrics, request ids) with GraphQL on /graphql. Not listening yet. */
  app: Express;
  apollo: ApolloServer<GatewayContext>;
  registry: Registry;
  logger: Logger;
  /** Complaint-event subscriptions over graphql-ws; present when NATS_URL is set. `attach` them to the HTTP server. */
  subscriptions?: ComplaintSubscriptions;
  /** Where the supergraph is reloaded from; absent when a fixed `supergraphSdl` was given. */
  supergraph?: SupergraphSource;
  /** GET /graphql from a browser serves the explorer (EXPLORER_ENABLED). */
  explorer: boolean;
  /** Turn /readyz to 503 so load balancers stop sending traffic (called first on shutdown). */
  markStopping(): void;
  /** Close the keep-alive connections to the subgraphs (after Apollo has stopped). */
  closeSubgraphConnections(): Promise<void>;
  /** The gateway's tracing (off unless the OTEL_* variables turn it on); shut down last. */
  telemetry: Telemetry;
}

export interface RunningGateway {
  /** Base URL, e.g. `http://127.0.0.1:4000`; GraphQL is at `${url}/graphql`. */
  url: string;
  graphqlUrl: string;
  port: number;
  server: Server;
  registry: Registry;
  logger: Logger;
  /** Present when NATS_URL is set: complaint-event subscriptions over graphql-ws on `${url}/graphql`. */
  subscriptions?: ComplaintSubscriptions;
  supergraph?: SupergraphSource;
  /** Where a browser opens the GraphQL explorer (the GraphQL URL itself); absent when EXPLORER_ENABLED is off. */
  explorerUrl?: string;
  /**
   * Graceful: not ready → close WebSockets (their consumers stop) → stop accepting → finish in-flight
   * (≤ SHUTDOWN_TIMEOUT_MS) → stop Apollo → drain NATS.
   */
  stop(): Promise<void>;
}

/**
 * Build the gateway without listening: load the static supergraph, wire auth, limits, metrics and error formatting.
 * No subgraph is contacted here, so it builds while subgraphs are down.
 */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { config } = options;
  const logger = options.logger ?? createLogger('gateway', config.LOG_LEVEL, options.logDestination);
  const registry = options.registry ?? defaultRegistry();
  const telemetry = startTelemetry('gateway', config, serviceIdentity('gateway').version);
  const tracer = telemetry.enabled ? telemetry.tracer : undefined;
  // Re-warm once the client-facing schema of a new supergraph is in place (set by the listeners of the update).
  const rewarm = () => served.warm(readShippedOperations(operationsDir(config)), logger).then((report) => logger.info(report, 'query plans re-warmed for the new supergraph'));
  const source = options.supergraphSdl === undefined ? new SupergraphSource({ origin: supergraphOrigin(config), logger, registry, healthCheck: config.SUPERGRAPH_HEALTH_CHECK, onUpdated: rewarm }) : undefined;
  const urlOverrides = { ...subgraphUrlsFromConfig(config), ...options.subgraphUrls };
  const verifyToken = createTokenVerifier(config);
  const limits = { maxDepth: config.MAX_DEPTH, maxAliases: config.MAX_ALIASES, maxCost: config.MAX_COST, maxTokens: config.MAX_TOKENS };
  const subscriptions = config.NATS_URL
    ? new ComplaintSubscriptions({ natsUrl: config.NATS_URL, verifyToken, limits, maxPayloadBytes: config.MAX_BODY_BYTES, registry, logger })
    : undefined;

  const limiter = config.RATE_LIMITS_ENABLED ? new RateLimiter({ limits: config.RATE_LIMITS, replicas: config.RATE_LIMIT_REPLICAS, registry }) : undefined;
  const routed = new Set<string>();
  const subgraphVersions = new SubgraphVersions();
  const dataSources: SubgraphDataSource[] = [];
  const gateway = new ApolloGateway({
    supergraphSdl: source ?? options.supergraphSdl!,
    logger: logger.child({ component: 'apollo-gateway' }),
    buildService: ({ name, url }) => {
      const target = urlOverrides[name] ?? url;
      if (!target) throw new Error(`Subgraph ${name} has no URL: set ${name} in the supergraph or override it`);
      routed.add(name);
      subgraphVersions.track(name, target);
      const dataSource = new SubgraphDataSource({ name, url: target, timeoutMs: config.SUBGRAPH_TIMEOUT_MS, dedupe: config.SUBGRAPH_DEDUPE, connections: config.SUBGRAPH_CONNECTIONS, tracer });
      dataSources.push(dataSource);
      return dataSource;
    },
  });

  let supergraphLoaded = false;
  let stopping = false;
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => {
    supergraphLoaded = true;
    subscriptions?.useApiSchema(apiSchema);
  });

  // With subscriptions served, HTTP validation and introspection see them too (codegen, IDEs): one client schema;
  // global ids and node(id:) are served around every operation; the shipped operations are planned before the first request.
  const served = withPlanWarmUp(withGlobalIds(subscriptions ? withClientSchema(gateway, withComplaintEventsOrAsIs(logger)) : gateway));
  const apollo = new ApolloServer<GatewayContext>({
    gateway: served,
    logger: logger.child({ component: 'apollo-server' }),
    validationRules: queryLimitRules(limits),
    formatError: formatGatewayError,
    plugins: [
      graphqlOperationMetrics(registry),
      graphqlOperationSpan(),
      errorLoggingPlugin(),
      unknownOperationPlugin(),
      costLimitPlugin<GatewayContext>(limits.maxCost, (cost, context) => limiter?.takeCost(context.caller, cost)),
      rateLimitHeadersPlugin(),
      introspectionPolicyPlugin<GatewayContext>(introspectionRoles(config)),
      // The explorer (EXPLORER_ENABLED) is the gateway's browser page; Apollo's own would load its code from a CDN.
      ApolloServerPluginLandingPageDisabled(),
    ],
    includeStacktraceInErrorResponses: false,
    // One operation per request: batching would multiply every limit above by the batch size.
    allowBatchedHttpRequests: false,
    // Every caller is authenticated before Apollo runs; introspectionPolicyPlugin narrows it to INTROSPECTION_ROLES.
    introspection: true,
    // main.ts owns the signals and the shutdown order.
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  const warmed = await served.warm(readShippedOperations(operationsDir(config)), logger);
  logger.info(warmed, 'query plans warmed for the shipped operations');
  await subscriptions?.start(apollo).catch(async (error: unknown) => {
    await apollo.stop();
    throw error;
  });

  for (const name of Object.keys(urlOverrides)) {
    if (!routed.has(name)) logger.warn({ subgraph: name }, 'subgraph URL override names no subgraph of the supergraph');
  }

  const explorer = explorerEnabled(config);
  const app = createHttpShell({
    logger,
    identity: serviceIdentity('gateway'),
    registry,
    bodyLimitBytes: config.MAX_BODY_BYTES,
    tracer,
    // Subgraphs are not checked: a gateway pulled out of the load balancer because one subgraph is down would take
    // every other subgraph's data down with it; it serves partial data instead, and each subgraph has its own probe.
    // NATS is listed only when subscriptions are configured (NATS_URL); without it the gateway serves none.
    // A supergraph that fails to reload leaves the gateway ready (it serves the previous one); /readyz says so in its details.
    readiness: async () => ({ supergraph: supergraphLoaded, accepting: !stopping }),
    // Each subgraph's version from its /healthz (cached; a down one is listed as down and changes no check).
    readinessDetails: () => ({ ...(source && supergraphDetails(source.status())), subgraphs: subgraphVersions.list() }),
    // Apollo's landing page is off, so a browser's GET /graphql without the explorer gets the JSON API's policy too.
    securityHeaders: explorer ? explorerSecurityPolicy() : () => jsonApiSecurityHeaders,
  });
  // Before Apollo: a browser's GET /graphql gets the page; every other /graphql request goes on to Apollo as before.
  if (explorer) app.use(explorerRoutes(explorerDir(config), logger));
  app.use('/graphql', corsPolicy(parseOrigins(config.CORS_ORIGINS)));
  app.use('/graphql', tokenLimit(config.MAX_TOKENS), expressMiddleware(apollo, { context: authenticate(verifyToken, limiter) }));

  return {
    app,
    apollo,
    registry,
    logger,
    subscriptions,
    supergraph: source,
    explorer,
    markStopping: () => {
      stopping = true;
    },
    closeSubgraphConnections: async () => {
      await Promise.all(dataSources.map((dataSource) => dataSource.close()));
    },
    telemetry,
  };
}

/** Build the gateway and listen on config HOST:PORT (PORT 0 picks a free port). */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { config } = options;
  const gateway = await createGateway(options);
  const http = await startHttpServer(gateway.app, { host: config.HOST, port: config.PORT });
  gateway.subscriptions?.attach(http.server);
  gateway.logger.info({ url: http.url }, 'gateway listening');
  if (gateway.subscriptions) gateway.logger.info({ url: `${http.url.replace(/^http/, 'ws')}/graphql` }, 'complaint subscriptions served over graphql-ws');
  if (gateway.explorer) gateway.logger.info({ url: `${http.url}/graphql` }, 'GraphQL explorer: open the GraphQL URL in a browser');

  let stopping: Promise<void> | undefined;
  return {
    url: http.url,
    graphqlUrl: `${http.url}/graphql`,
    port: http.port,
    server: http.server,
    registry: gateway.registry,
    subscriptions: gateway.subscriptions,
    supergraph: gateway.supergraph,
    explorerUrl: gateway.explorer ? `${http.url}/graphql` : undefined,
    logger: gateway.logger,
    stop: () =>
      (stopping ??= (async () => {
        gateway.markStopping();
        if (config.SHUTDOWN_DRAIN_MS > 0) await new Promise((resolve) => setTimeout(resolve, config.SHUTDOWN_DRAIN_MS));
        // WebSockets first: they never finish by themselves and would hold the HTTP close until its timeout.
        await gateway.subscriptions?.closeConnections(config.SHUTDOWN_TIMEOUT_MS);
        await http.close(config.SHUTDOWN_TIMEOUT_MS);
        await gateway.apollo.stop();
        await gateway.closeSubgraphConnections();
        await gateway.subscriptions?.stop();
        await gateway.telemetry.shutdown();
        gateway.logger.info('gateway stopped');
      })()),
  };
}

function supergraphOrigin(config: GatewayConfig): ConstructorParameters<typeof SupergraphSource>[0]['origin'] {
  if (config.SUPERGRAPH_URL) return { kind: 'url', url: config.SUPERGRAPH_URL, pollMs: config.SUPERGRAPH_POLL_MS, timeoutMs: config.SUBGRAPH_TIMEOUT_MS };
  return { kind: 'file', path: supergraphPath(config), watch: config.SUPERGRAPH_WATCH, pollMs: config.SUPERGRAPH_POLL_MS, debounceMs: config.SUPERGRAPH_DEBOUNCE_MS };
}

function supergraphDetails(status: SupergraphStatus): Record<string, unknown> {
  return {
    supergraphLastReloadOk: status.lastReloadOk,
    supergraphHash: status.hash,
    supergraphLoadedAt: status.loadedAt,
    ...(status.lastError && { supergraphLastError: status.lastError, supergraphLastAttemptAt: status.lastAttemptAt }),
  };
}

/** A supergraph that cannot carry the subscription is served as it is; ComplaintSubscriptions.start refuses it. */
function withComplaintEventsOrAsIs(logger: Logger) {
  return (apiSchema: GraphQLSchema): GraphQLSchema => {
    try {
      return withComplaintEvents(apiSchema);
    } catch (error) {
      logger.debug({ err: error }, 'client schema without complaint subscriptions');
      return apiSchema;
    }
  };
}

function defaultRegistry(): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'gateway' });
  collectDefaultMetrics({ register: registry });
  return registry;
}
