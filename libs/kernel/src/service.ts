import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { bearerToken, createTokenVerifier, InvalidTokenError, type Caller } from '@crm/auth';
import { streamFor, type ServiceName } from '@crm/contracts';
import { connectMongo, defaultDatabaseName, pingMongo } from '@crm/data';
import {
  connectEventBus,
  ensureStream,
  EventMetrics,
  OutboxRelay,
  PENDING_EVENTS,
  ProcessedEvents,
  startConsumer,
  type EventBus,
  type RunningConsumer,
} from '@crm/events';
import { parse } from 'graphql';
import type { Connection } from 'mongoose';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { z } from 'zod';
import { systemClock, type Clock } from './clock';
import { ConfigError, env, jwtConfigFields, jwtKeySourceRule, loadConfig, processConfigSchema, type jwtConfigSchema } from './config';
import { formatGraphQLError } from './errors';
import { createHttpShell, graphqlOperationMetrics, startHttpServer, type RunningHttpServer } from './http';
import { LoaderRegistry } from './loaders';
import { createLogger, type Logger } from './logger';
import { orderPlugins, type PluginContribution, type ServicePlugin } from './plugin';
import type { RequestContext } from './request-context';
import { JobScheduler } from './scheduler';
import { findSchemaDir, listSubgraphSdlFiles, readSubgraphSdl } from './schema-files';

/** Settings every subgraph reads; plugins add their own slices. */
export const serviceConfigSchema = processConfigSchema.extend({
  PORT: env.port(0),
  MONGO_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URL'),
  MONGO_DB: z.string().optional(),
  NATS_URL: z.string().regex(/^(nats|tls):\/\//, 'must be a nats:// URL'),
  MAX_BODY_BYTES: env.positiveInt(1_000_000),
  OUTBOX_POLL_MS: env.positiveInt(1000),
  MONGO_MONITOR_COMMANDS: env.bool(false),
  // Lets several copies of a service share one NATS without sharing durable consumers (tests, previews).
  NATS_DURABLE_SUFFIX: z.string().regex(/^[A-Za-z0-9_-]*$/, 'letters, digits, - and _ only').default(''),
});

export interface ServiceDefinition {
  name: ServiceName;
  plugins: ServicePlugin<any>[];
}

export interface StartOptions {
  /** Defaults to process.env; tests and the launcher pass their own. */
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  logger?: Logger;
}

export interface RunningService {
  name: ServiceName;
  url: string;
  port: number;
  connection: Connection;
  bus: EventBus;
  metrics: Registry;
  logger: Logger;
  /** Publish every pending outbox event now (tests use it to avoid waiting for the poll). */
  flushOutbox(): Promise<number>;
  stop(): Promise<void>;
}

/** A service is the kernel plus its plugins: `createService({ name, plugins }).start()`. */
export function createService(definition: ServiceDefinition) {
  return {
    name: definition.name,
    start: (options: StartOptions = {}) => startService(definition, options),
  };
}

async function startService(definition: ServiceDefinition, options: StartOptions): Promise<RunningService> {
  const plugins = orderPlugins(definition.plugins);
  const sourceEnv = options.env ?? process.env;
  const configSchema = plugins.reduce<z.ZodObject>(
    (schema, plugin) => (plugin.config ? schema.extend(plugin.config.shape) : schema),
    serviceConfigSchema.extend(jwtConfigFields),
  );
  const config = loadConfig(configSchema, sourceEnv) as z.infer<typeof serviceConfigSchema> & z.infer<typeof jwtConfigSchema>;
  checkJwtConfig(config);
  const logger = options.logger ?? createLogger(definition.name, config.LOG_LEVEL);
  const clock = options.clock ?? systemClock;
  const registry = new Registry();
  registry.setDefaultLabels({ service: definition.name });
  collectDefaultMetrics({ register: registry });
  const eventMetrics = new EventMetrics(registry);

  const connection = await connectMongo({
    url: config.MONGO_URL,
    dbName: config.MONGO_DB ?? defaultDatabaseName(definition.name),
    monitorCommands: config.MONGO_MONITOR_COMMANDS,
  });
  const bus = await connectEventBus(config.NATS_URL, definition.name);
  await ensureStream(bus.jsm, streamFor(definition.name));

  // Plugins get a handle to the relay before it exists (it needs their models).
  const relayRef: { current?: OutboxRelay } = {};
  const contributions: PluginContribution[] = [];
  const provided = new Map<string, unknown>();
  for (const plugin of plugins) {
    contributions.push(
      await plugin.register({
        service: definition.name,
        config,
        connection,
        logger: logger.child({ plugin: plugin.name }),
        clock,
        metrics: registry,
        publishPendingEvents: () => relayRef.current?.kick(),
        provide: (token, value) => void provided.set(token.name, value),
        use: (token) => {
          if (!provided.has(token.name)) throw new Error(`${plugin.name} uses ${token.name}, which no earlier plugin provides (check dependsOn)`);
          return provided.get(token.name) as never;
        },
      }),
    );
  }

  // Indexes are part of each model's contract; create them before serving.
  await Promise.all(Object.values(connection.models).map((model) => model.createIndexes()));
  const outboxModels = Object.values(connection.models).filter((model) => model.schema.path(PENDING_EVENTS));
  const relay = new OutboxRelay({ js: bus.js, models: outboxModels, logger: logger.child({ part: 'outbox' }), metrics: eventMetrics, pollIntervalMs: config.OUTBOX_POLL_MS });

  const schema = buildSubgraphSchema(
    plugins
      .map((plugin, i) => ({ plugin, resolvers: contributions[i].resolvers }))
      // A plugin may only consume events and share services; it then adds nothing to the schema.
      .filter(({ plugin }) => plugin.sdl.length > 0)
      .map(({ plugin, resolvers }) => ({ typeDefs: parse(plugin.sdl.map((file) => readSubgraphSdl(definition.name, file)).join('\n')), resolvers: resolvers as never })),
  );
  assertEverySdlFileServed(definition.name, plugins);

  const apollo = new ApolloServer<RequestContext>({
    schema,
    formatError: formatGraphQLError(logger),
    includeStacktraceInErrorResponses: false,
    // runService (or the launcher) owns the signals and the shutdown order; Apollo must not stop itself on SIGTERM.
    stopOnTerminationSignals: false,
    // No Apollo usage reporting here, so subgraph inline traces would only add bytes.
    plugins: [graphqlOperationMetrics(registry), ApolloServerPluginInlineTraceDisabled()],
  });
  await apollo.start();

  const verifyToken = createTokenVerifier(config);
  const healthChecks = Object.assign({}, ...contributions.map((c) => c.healthChecks ?? {})) as Record<string, () => Promise<boolean>>;
  const app = createHttpShell({
    logger,
    registry,
    bodyLimitBytes: config.MAX_BODY_BYTES,
    readiness: async () => {
      const checks: Record<string, boolean> = { mongo: await pingMongo(connection), nats: !bus.nc.isClosed() && bus.nc.info !== undefined };
      for (const [name, check] of Object.entries(healthChecks)) checks[name] = await check().catch(() => false);
      return checks;
    },
  });
  app.use(
    '/graphql',
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        // The shell assigned the request id (the gateway's when forwarded) and a logger that carries it.
        const { caller, authError } = await identify(req.headers.authorization, verifyToken);
        return { caller, authError, requestId: res.locals.requestId as string, logger: res.locals.logger as Logger, loaders: new LoaderRegistry({ caller }) };
      },
    }),
  );

  const processed = new ProcessedEvents(connection);
  const consumers: RunningConsumer[] = [];
  for (const handler of contributions.flatMap((c) => c.eventHandlers ?? [])) {
    consumers.push(await startConsumer({ ...handler, durable: `${handler.durable}${config.NATS_DURABLE_SUFFIX}` }, { bus, service: definition.name, processed, metrics: eventMetrics, logger: logger.child({ part: 'consumer' }) }));
  }
  const scheduler = new JobScheduler(contributions.flatMap((c) => c.jobs ?? []), logger.child({ part: 'jobs' }));
  scheduler.start();
  relayRef.current = relay;
  relay.start();
  for (const contribution of contributions) await contribution.onStart?.();

  const http: RunningHttpServer = await startHttpServer(app, { host: config.HOST, port: config.PORT });
  logger.info({ url: http.url }, `${definition.name} subgraph ready`);

  let stopping: Promise<void> | undefined;
  return {
    name: definition.name,
    url: http.url,
    port: http.port,
    connection,
    bus,
    metrics: registry,
    logger,
    flushOutbox: () => relay.drain(),
    stop: () =>
      (stopping ??= withTimeout(config.SHUTDOWN_TIMEOUT_MS, async () => {
        // Order matters: stop taking requests, finish in-flight ones, then let go of the bus and the database.
        await http.close(config.SHUTDOWN_TIMEOUT_MS / 2);
        await apollo.stop();
        await scheduler.stop();
        await Promise.all(consumers.map((c) => c.stop()));
        await relay.stop();
        for (const contribution of [...contributions].reverse()) await contribution.onStop?.();
        await bus.nc.drain().catch(() => undefined);
        await connection.close();
        logger.info(`${definition.name} stopped`);
      })),
  };
}

async function identify(header: string | undefined, verify: (token: string) => Promise<Caller>): Promise<{ caller: Caller | null; authError?: string }> {
  try {
    const token = bearerToken(header);
    if (!token) return { caller: null };
    return { caller: await verify(token) };
  } catch (error) {
    if (error instanceof InvalidTokenError) return { caller: null, authError: error.message };
    throw error;
  }
}

function checkJwtConfig(config: { JWT_SECRET?: string; JWT_JWKS_URL?: string }): void {
  if (!jwtKeySourceRule.check(config)) throw new ConfigError([`JWT_SECRET: ${jwtKeySourceRule.message}`]);
}

function assertEverySdlFileServed(service: string, plugins: ServicePlugin<any>[]): void {
  const claimed = new Set(plugins.flatMap((p) => p.sdl));
  const unclaimed = listSubgraphSdlFiles(service, findSchemaDir()).filter((file) => !claimed.has(file));
  if (unclaimed.length > 0) throw new Error(`schema/${service}/${unclaimed.join(', ')} is not served by any plugin`);
}

async function withTimeout(ms: number, work: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work(),
    new Promise<void>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`shutdown took longer than ${ms} ms`)), ms);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}
