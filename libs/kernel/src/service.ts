import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { scalarResolversFor } from './scalars';
import { actorResolvers } from './actor';
import { variableErrorFields } from './variable-error-fields';
import { bearerToken, createTokenVerifier, InvalidTokenError, type Caller } from '@crm/auth';
import { streamFor, type EventContract, type ServiceName } from '@crm/contracts';
import { connectMongo, defaultDatabaseName, pingMongo } from '@crm/data';
import {
  acceptedVersions,
  connectEventBus,
  ensureStream,
  EventMetrics,
  kickRelayAfterWrites,
  OutboxRelay,
  type RunningConsumer,
  PENDING_EVENTS,
  ProcessedEvents,
  startConsumer,
  type EventBus,
} from '@crm/events';
import { startTelemetry, traceMongoCommands, type Telemetry } from '@crm/telemetry';
import { Kind, parse, type DocumentNode } from 'graphql';

/** One module of `buildSubgraphSchema`, typed from its public signature (no deep import). */
type SubgraphModule = Exclude<Extract<Parameters<typeof buildSubgraphSchema>[0], readonly unknown[]>[number], DocumentNode>;
import type { Connection, Model } from 'mongoose';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { z } from 'zod';
import { systemClock, type Clock } from './clock';
import { ConfigError, env, jwtConfigFields, jwtConfigProblems, loadConfig, processConfigSchema, type jwtConfigSchema } from './config';
import { formatGraphQLError } from './errors';
import { createHttpShell, graphqlOperationMetrics, graphqlOperationSpan, startHttpServer, type RunningHttpServer } from './http';
import { LoaderRegistry, type LoaderFactory } from './loaders';
import { createLogger, type DestinationStream, type Logger } from './logger';
import { orderPlugins, type PluginContribution, type ServicePlugin } from './plugin';
import type { RequestContext } from './request-context';
import { JobScheduler } from './scheduler';
import { serviceIdentity, type ServiceIdentity } from './service-version';
import { findSchemaDir, listSubgraphSdlFiles, readSubgraphSdl } from './schema-files';

/** The SDL file of a service that the kernel serves itself (see conventionsModule). */
export const CONVENTIONS_SDL = 'conventions.graphql';

/** Settings every subgraph reads; plugins add their own slices. */
export const serviceConfigSchema = processConfigSchema.extend({
  PORT: env.port(0).describe('Port of the subgraph (0: a free one).'),
  MONGO_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URL').describe('MongoDB connection string.'),
  MONGO_DB: z.string().describe('Database of the service (default crm_<service>).').optional(),
  NATS_URL: z.string().regex(/^(nats|tls):\/\//, 'must be a nats:// URL').describe('NATS server with JetStream.'),
  MAX_BODY_BYTES: env.positiveInt(1_000_000).describe('Largest JSON body accepted on /graphql, in bytes.'),
  OUTBOX_POLL_MS: env.positiveInt(1000).describe('How often the outbox relay looks for events left unpublished.'),
  MONGO_MONITOR_COMMANDS: env.bool(false).describe('Emit MongoDB command events (tests count queries with them).'),
  // Lets several copies of a service share one NATS without sharing durable consumers (tests, previews).
  NATS_DURABLE_SUFFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/, 'letters, digits, - and _ only')
    .default('')
    .describe('Appended to durable consumer names, so several copies of a service can share one NATS.'),
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
  /** Where the service's own logger writes (default stdout); ignored when `logger` is given. */
  logDestination?: DestinationStream;
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
  /** Every event handler running: what the service consumes, by durable, event type and accepted versions. */
  consumes: readonly EventConsumerDeclaration[];
  stop(): Promise<void>;
}

/** One event handler of a service: its durable, its event type and the contract versions it accepts, oldest first. */
export interface EventConsumerDeclaration {
  durable: string;
  type: string;
  versions: readonly EventContract[];
}

/** A service is the kernel plus its plugins: `createService({ name, plugins }).start()`. */
export function createService(definition: ServiceDefinition) {
  return {
    name: definition.name,
    /** Read by tooling (the README's configuration table is generated from their config slices). */
    plugins: definition.plugins as readonly ServicePlugin<any>[],
    start: (options: StartOptions = {}) => startService(definition, options),
  };
}

type ServiceConfig = z.infer<typeof serviceConfigSchema> & z.infer<typeof jwtConfigSchema>;

/**
 * What start-up has opened, newest last. A failed start undoes it in reverse; so does `stop()`, which is why
 * the start order below is the reverse of the shutdown order (HTTP first to close, Mongo last).
 */
class OpenedParts {
  private readonly undo: { part: string; close: () => Promise<void> }[] = [];

  add(part: string, close: () => Promise<void> | void): void {
    this.undo.push({ part, close: async () => void (await close()) });
  }

  /** Close everything, newest first; one failure does not keep the older parts open. */
  async closeAll(logger: Logger): Promise<void> {
    for (const { part, close } of this.undo.splice(0).reverse()) {
      await close().catch((error) => logger.warn({ err: error, part }, 'closing a part failed'));
    }
  }
}

/** Start-up in phases: config → backends → plugins → subgraph → runtime; a failure closes what was opened. */
async function startService(definition: ServiceDefinition, options: StartOptions): Promise<RunningService> {
  const plugins = orderPlugins(definition.plugins);
  const config = readServiceConfig(plugins, options.env ?? process.env);
  const logger = options.logger ?? createLogger(definition.name, config.LOG_LEVEL, options.logDestination);
  const opened = new OpenedParts();
  // Off by default (the no-op API); on, its spans are flushed after every other part has closed.
  const telemetry = startTelemetry(definition.name, config, serviceIdentity(definition.name).version);
  opened.add('telemetry', () => telemetry.shutdown());
  try {
    const backends = await connectBackends(definition.name, config, opened, telemetry);
    const registered = await registerPlugins(definition.name, plugins, config, backends, options.clock ?? systemClock, logger);
    const apollo = await startSubgraph(definition.name, plugins, registered.contributions, backends.registry, logger, opened);
    const runtime = await startRuntime(definition.name, config, backends, registered, apollo, logger, opened);
    logger.info({ url: runtime.http.url }, `${definition.name} subgraph ready`);
    let stopping: Promise<void> | undefined;
    return {
      name: definition.name,
      url: runtime.http.url,
      port: runtime.http.port,
      connection: backends.connection,
      bus: backends.bus,
      metrics: backends.registry,
      logger,
      flushOutbox: () => runtime.relay.drain(),
      consumes: runtime.consumes,
      stop: () =>
        (stopping ??= withTimeout(config.SHUTDOWN_TIMEOUT_MS, async () => {
          await opened.closeAll(logger);
          logger.info(`${definition.name} stopped`);
        })),
    };
  } catch (error) {
    await opened.closeAll(logger);
    throw error;
  }
}

/** Phase 1, config: the kernel's slice plus every plugin's, read once; a bad value names its variable. */
function readServiceConfig(plugins: ServicePlugin<any, any>[], sourceEnv: NodeJS.ProcessEnv): ServiceConfig {
  const configSchema = plugins.reduce<z.ZodObject>(
    (schema, plugin) => (plugin.config ? schema.extend(plugin.config.shape) : schema),
    serviceConfigSchema.extend(jwtConfigFields),
  );
  const config = loadConfig(configSchema, sourceEnv) as ServiceConfig;
  const problems = jwtConfigProblems(config);
  if (problems.length > 0) throw new ConfigError(problems.map(({ variable, message }) => `${variable}: ${message}`));
  return config;
}

interface Backends {
  connection: Connection;
  bus: EventBus;
  registry: Registry;
  eventMetrics: EventMetrics;
  /** The tracer when tracing is on; undefined keeps the traced paths out of the way. */
  tracer?: Telemetry['tracer'];
}

/** Phase 2, backends: the service's database and its stream on the bus. */
async function connectBackends(service: ServiceName, config: ServiceConfig, opened: OpenedParts, telemetry: Telemetry): Promise<Backends> {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  // Command spans come from the driver's command monitoring, so tracing turns it on.
  const monitorCommands = config.MONGO_MONITOR_COMMANDS || telemetry.enabled;
  const connection = await connectMongo({ url: config.MONGO_URL, dbName: config.MONGO_DB ?? defaultDatabaseName(service), monitorCommands });
  opened.add('mongo', () => connection.close());
  const tracer = telemetry.enabled ? telemetry.tracer : undefined;
  if (tracer) opened.add('mongo command spans', traceMongoCommands(connection.getClient(), tracer));
  const bus = await connectEventBus(config.NATS_URL, service);
  opened.add('nats', () => bus.nc.drain().catch(() => bus.nc.close()));
  await ensureStream(bus.jsm, streamFor(service));
  return { connection, bus, registry, eventMetrics: new EventMetrics(registry), tracer };
}

interface RegisteredPlugins {
  contributions: PluginContribution[];
  models: Model<any>[];
  loaders: ReadonlySet<LoaderFactory<any, any>>;
}

/** Phase 3, plugins: each registers after the providers of the tokens it uses; then their models' indexes. */
async function registerPlugins(service: ServiceName, plugins: ServicePlugin<any, any>[], config: ServiceConfig, backends: Backends, clock: Clock, logger: Logger): Promise<RegisteredPlugins> {
  const contributions: PluginContribution[] = [];
  const provided = new Map<string, unknown>();
  for (const plugin of plugins) {
    const uses = new Set((plugin.uses ?? []).map((token) => token.name));
    const provides = new Set((plugin.provides ?? []).map((token) => token.name));
    contributions.push(
      await plugin.register({
        service,
        config,
        connection: backends.connection,
        logger: logger.child({ plugin: plugin.name }),
        clock,
        metrics: backends.registry,
        streamPosition: async () => (await backends.bus.jsm.streams.info(streamFor(service).name)).state.last_seq,
        provide: (token, value) => {
          if (!provides.has(token.name)) throw new Error(`${plugin.name} provides ${token.name} without listing it in provides`);
          provided.set(token.name, value);
        },
        use: (token) => {
          if (!uses.has(token.name)) throw new Error(`${plugin.name} uses ${token.name} without listing it in uses`);
          if (!provided.has(token.name)) throw new Error(`${plugin.name} uses ${token.name}, which its provider did not provide`);
          return provided.get(token.name) as never;
        },
      }),
    );
  }
  const models = [...new Set(contributions.flatMap((c) => c.models ?? []))];
  const undeclared = Object.values(backends.connection.models).filter((model) => !models.includes(model));
  if (undeclared.length > 0) throw new Error(`models ${undeclared.map((m) => m.modelName).join(', ')} are not declared in any plugin's models`);
  // Indexes are part of each model's contract; create them before serving.
  await Promise.all(models.map((model) => model.createIndexes()));
  const loaders = contributions.flatMap((c) => c.loaders ?? []);
  const names = loaders.map((loader) => loader.name);
  const twice = names.filter((name, i) => names.indexOf(name) !== i);
  if (twice.length > 0) throw new Error(`DataLoader names declared twice: ${[...new Set(twice)].join(', ')}`);
  return { contributions, models, loaders: new Set(loaders) };
}

/** Phase 4, subgraph: the plugins' SDL and resolvers as one federated schema, served by Apollo. */
async function startSubgraph(service: ServiceName, plugins: ServicePlugin<any, any>[], contributions: PluginContribution[], registry: Registry, logger: Logger, opened: OpenedParts): Promise<ApolloServer<RequestContext>> {
  assertEverySdlFileServed(service, plugins);
  const modules: SubgraphModule[] = [...conventionsModule(service), ...plugins
    .map((plugin, i) => ({ plugin, resolvers: contributions[i].resolvers ?? {} }))
    // A plugin may only consume events and share services; it then adds nothing to the schema.
    .filter(({ plugin }) => plugin.sdl.length > 0)
    // The one cast: each plugin's resolvers were checked against its service's generated `Resolvers` type.
    .map(({ plugin, resolvers }) => {
      const typeDefs = parse(plugin.sdl.map((file) => readSubgraphSdl(service, file)).join('\n'));
      return { typeDefs, resolvers: { ...scalarResolversFor(typeDefs), ...resolvers } as NonNullable<SubgraphModule['resolvers']> };
    })];
  const apollo = new ApolloServer<RequestContext>({
    schema: buildSubgraphSchema(modules),
    formatError: formatGraphQLError(logger),
    includeStacktraceInErrorResponses: false,
    // runService (or the launcher) owns the signals and the shutdown order; Apollo must not stop itself on SIGTERM.
    stopOnTerminationSignals: false,
    // No Apollo usage reporting here, so subgraph inline traces would only add bytes.
    plugins: [graphqlOperationMetrics(registry), graphqlOperationSpan(), variableErrorFields<RequestContext>(), ApolloServerPluginInlineTraceDisabled()],
  });
  await apollo.start();
  opened.add('apollo', () => apollo.stop());
  return apollo;
}

/** Phase 5, runtime: outbox relay, plugin hooks, consumers, jobs, then HTTP (the last to open, the first to close). */
async function startRuntime(service: ServiceName, config: ServiceConfig, backends: Backends, registered: RegisteredPlugins, apollo: ApolloServer<RequestContext>, logger: Logger, opened: OpenedParts) {
  const { connection, bus, eventMetrics, tracer } = backends;
  const { contributions } = registered;
  const outboxModels = registered.models.filter((model) => model.schema.path(PENDING_EVENTS));
  const relay = new OutboxRelay({ js: bus.js, models: outboxModels, logger: logger.child({ part: 'outbox' }), metrics: eventMetrics, pollIntervalMs: config.OUTBOX_POLL_MS, tracer });
  relay.start();
  opened.add('outbox relay', () => relay.stop());
  opened.add('relay kicks', kickRelayAfterWrites(connection, () => relay.kick()));

  for (const contribution of contributions) {
    await contribution.onStart?.();
    if (contribution.onStop) opened.add('plugin hooks', () => contribution.onStop!());
  }

  const processed = new ProcessedEvents(connection);
  const consumers: RunningConsumer[] = [];
  // One part for all consumers: they drain side by side, so stopping takes the longest drain, not their sum.
  opened.add('consumers', async () => void (await Promise.all(consumers.map((consumer) => consumer.stop()))));
  const consumes: EventConsumerDeclaration[] = [];
  for (const handler of contributions.flatMap((c) => c.eventHandlers ?? [])) {
    consumes.push({ durable: `${handler.durable}${config.NATS_DURABLE_SUFFIX}`, type: handler.contract.type, versions: acceptedVersions(handler) });
    consumers.push(
      await startConsumer(
        { ...handler, durable: `${handler.durable}${config.NATS_DURABLE_SUFFIX}` },
        { bus, service, processed, metrics: eventMetrics, logger: logger.child({ part: 'consumer' }), tracer },
      ),
    );
  }
  const scheduler = new JobScheduler(contributions.flatMap((c) => c.jobs ?? []), logger.child({ part: 'jobs' }), connection);
  scheduler.start();
  opened.add('jobs', () => scheduler.stop());

  let accepting = true;
  const app = subgraphHttpApp(config, backends, contributions, registered.loaders, apollo, logger, () => accepting, serviceIdentity(service));
  const http: RunningHttpServer = await startHttpServer(app, { host: config.HOST, port: config.PORT });
  opened.add('http', async () => {
    // Readiness off first and still serving for the drain: a balancer sees 503 and moves new requests elsewhere.
    accepting = false;
    if (config.SHUTDOWN_DRAIN_MS > 0) await new Promise((resolve) => setTimeout(resolve, config.SHUTDOWN_DRAIN_MS));
    await http.close(config.SHUTDOWN_TIMEOUT_MS / 2);
  });
  return { http, relay, consumes };
}

function subgraphHttpApp(
  config: ServiceConfig,
  backends: Backends,
  contributions: PluginContribution[],
  loaders: ReadonlySet<LoaderFactory<any, any>>,
  apollo: ApolloServer<RequestContext>,
  logger: Logger,
  accepting: () => boolean,
  identity: ServiceIdentity,
) {
  const verifyToken = createTokenVerifier(config);
  const healthChecks = Object.assign({}, ...contributions.map((c) => c.healthChecks ?? {})) as Record<string, () => Promise<boolean>>;
  const app = createHttpShell({
    logger,
    identity,
    registry: backends.registry,
    bodyLimitBytes: config.MAX_BODY_BYTES,
    tracer: backends.tracer,
    // Ready means Mongo answers a ping and NATS is connected (not reconnecting), plus every plugin's own check.
    readiness: async () => {
      const checks: Record<string, boolean> = {
        accepting: accepting(),
        mongo: await pingMongo(backends.connection),
        nats: !backends.bus.nc.isClosed() && backends.bus.nc.info !== undefined,
      };
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
        return { caller, authError, requestId: res.locals.requestId as string, logger: res.locals.logger as Logger, loaders: new LoaderRegistry({ caller }, loaders) };
      },
    }),
  );
  return app;
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

/**
 * `schema/<service>/conventions.graphql`, served by the kernel itself: the types every subgraph shares by
 * convention (`UserError`, `Actor`), with the kernel's resolvers; plugin modules come after it, so a plugin may
 * resolve a field of them its own way (accounts loads an actor's staff member itself).
 */
function conventionsModule(service: string): SubgraphModule[] {
  if (!listSubgraphSdlFiles(service, findSchemaDir()).includes(CONVENTIONS_SDL)) return [];
  const typeDefs = parse(readSubgraphSdl(service, CONVENTIONS_SDL));
  const declaresActor = typeDefs.definitions.some((d) => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === 'Actor');
  return [{ typeDefs, resolvers: { ...scalarResolversFor(typeDefs), ...(declaresActor ? actorResolvers : {}) } as NonNullable<SubgraphModule['resolvers']> }];
}

function assertEverySdlFileServed(service: string, plugins: ServicePlugin<any>[]): void {
  const claimed = new Set([CONVENTIONS_SDL, ...plugins.flatMap((p) => p.sdl)]);
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
