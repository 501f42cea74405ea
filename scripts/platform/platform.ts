// The whole platform in one process: every subgraph of the service registry and the gateway, for `npm start` and
// the end-to-end tests. Production runs each app as its own process (Dockerfile, docker-compose.yml, infra/k8s).
import { DEV_JWT_SECRET } from '@crm/auth';
import { GATEWAY_DEFAULT_PORT, serviceRegistry, type ServiceName, type ServiceRegistration } from '@crm/contracts';
import { loadConfig, type DestinationStream, type RunningService, type ServicePlugin, type StartOptions } from '@crm/kernel';
import path from 'node:path';
import { gatewayConfigSchema } from '../../apps/gateway/src/gateway.config';
import { startGateway, type RunningGateway } from '../../apps/gateway/src/gateway';

export type SubgraphName = ServiceName;

/** What `createService({ name, plugins })` returns. */
export interface SubgraphDefinition {
  name: ServiceName;
  plugins: readonly ServicePlugin<any>[];
  start(options?: StartOptions): Promise<RunningService>;
}

const APPS_DIR = path.resolve(__dirname, '..', '..', 'apps');

/** A registered service's definition, by the apps' convention: `apps/<name>/src/<name>.service.ts` exports it. */
export async function loadSubgraph(name: ServiceName): Promise<SubgraphDefinition> {
  const exports = (await import(path.join(APPS_DIR, name, 'src', `${name}.service`))) as Record<string, unknown>;
  const definition = Object.values(exports).find((value): value is SubgraphDefinition => isDefinitionOf(name, value));
  if (!definition) throw new Error(`apps/${name}/src/${name}.service.ts must export the service created with createService({ name: '${name}', … })`);
  return definition;
}

function isDefinitionOf(name: string, value: unknown): boolean {
  const candidate = value as Partial<SubgraphDefinition> | undefined;
  return typeof candidate === 'object' && candidate !== null && candidate.name === name && typeof candidate.start === 'function' && Array.isArray(candidate.plugins);
}

export interface PlatformOptions {
  mongoUrl: string;
  natsUrl: string;
  /** 0 picks a free port (tests); default 4000. */
  gatewayPort?: number;
  /** The registry's ports (default), free ones (tests), or chosen ones per subgraph. */
  subgraphPorts?: 'default' | 'free' | Partial<Record<SubgraphName, number>>;
  /** The user's settings, handed to every subgraph and the gateway as when they run alone; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Extra env per subgraph, applied last (tests: fresh databases, command monitoring). */
  envFor?: (name: SubgraphName) => NodeJS.ProcessEnv;
  /** Win over the user's settings (tests). */
  logLevel?: string;
  /** Where every part logs (default stdout); tests read the lines from it. */
  logDestination?: DestinationStream;
  jwtSecret?: string;
  /** Called as each start-up phase ends, with its duration (the launcher prints them). */
  onPhase?: (phase: 'load' | 'subgraphs' | 'gateway', ms: number) => void;
}

export interface RunningPlatform {
  gateway: RunningGateway;
  services: Record<SubgraphName, RunningService>;
  stop(): Promise<void>;
}

/** The platform did not come up; whatever had started was stopped again before this was thrown. */
export class PlatformStartError extends Error {
  readonly code = 'PLATFORM_START_FAILED';

  constructor(readonly failures: { part: string; error: unknown }[]) {
    super(`the platform did not start (what had started is stopped again):\n${failures.map(({ part, error }) => `  ${part}: ${messageOf(error).replace(/\n/g, '\n  ')}`).join('\n')}`);
    this.name = 'PlatformStartError';
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The launcher's own values, used only where the user's environment sets nothing. */
function launcherDefaults(userEnv: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    // The kernel wants exactly one key source: a JWKS URL set by the user means no development secret.
    ...(userEnv.JWT_SECRET || userEnv.JWT_JWKS_URL ? {} : { JWT_SECRET: DEV_JWT_SECRET }),
  };
}

function explicitSettings(options: PlatformOptions): NodeJS.ProcessEnv {
  return { ...(options.logLevel ? { LOG_LEVEL: options.logLevel } : {}), ...(options.jwtSecret ? { JWT_SECRET: options.jwtSecret } : {}) };
}

function subgraphPort(registration: ServiceRegistration, ports: PlatformOptions['subgraphPorts']): number {
  if (ports === 'free') return 0;
  if (ports === undefined || ports === 'default') return registration.port;
  return ports[registration.name] ?? registration.port;
}

/**
 * A subgraph's environment: the user's settings over the launcher's defaults; the servers, the port and the
 * database are the launcher's to decide (one PORT or MONGO_DB for five services would collide).
 */
export function subgraphEnv(registration: ServiceRegistration, options: PlatformOptions): NodeJS.ProcessEnv {
  const userEnv = options.env ?? process.env;
  return {
    ...launcherDefaults(userEnv),
    ...userEnv,
    ...explicitSettings(options),
    MONGO_URL: options.mongoUrl,
    NATS_URL: options.natsUrl,
    PORT: String(subgraphPort(registration, options.subgraphPorts)),
    MONGO_DB: registration.database,
    ...options.envFor?.(registration.name),
  };
}

/** The gateway's environment: the same rule; it routes to the subgraphs the launcher started, whatever SUBGRAPH_*_URL says. */
export function gatewayEnv(options: PlatformOptions): NodeJS.ProcessEnv {
  const userEnv = options.env ?? process.env;
  return {
    ...launcherDefaults(userEnv),
    ...userEnv,
    ...explicitSettings(options),
    PORT: String(options.gatewayPort ?? GATEWAY_DEFAULT_PORT),
    // NATS feeds the gateway's complaint-event subscriptions (graphql-ws on /graphql).
    NATS_URL: options.natsUrl,
  };
}

/** Start every subgraph, then the gateway; when any part fails, stop the parts that started and throw PlatformStartError. */
export async function startPlatform(options: PlatformOptions): Promise<RunningPlatform> {
  let phaseStart = Date.now();
  const phaseDone = (phase: 'load' | 'subgraphs' | 'gateway') => {
    const now = Date.now();
    options.onPhase?.(phase, now - phaseStart);
    phaseStart = now;
  };
  const definitions = await Promise.all(serviceRegistry.map((registration) => loadSubgraph(registration.name)));
  phaseDone('load');
  // All five at once; allSettled, not all: every start has finished (or failed) before anything is stopped, so nothing starts afterwards.
  const outcomes = await Promise.allSettled(serviceRegistry.map((registration, i) => definitions[i].start({ env: subgraphEnv(registration, options), logDestination: options.logDestination })));
  phaseDone('subgraphs');
  const started = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const failures: { part: string; error: unknown }[] = outcomes.flatMap((outcome, i) => (outcome.status === 'rejected' ? [{ part: serviceRegistry[i].name, error: outcome.reason }] : []));
  if (failures.length > 0) {
    await stopAll(started).catch((error) => failures.push({ part: 'stopping the others', error }));
    throw new PlatformStartError(failures);
  }

  let gateway: RunningGateway;
  try {
    gateway = await startGateway({
      config: loadConfig(gatewayConfigSchema, gatewayEnv(options)),
      logDestination: options.logDestination,
      subgraphUrls: Object.fromEntries(started.map((s) => [s.name, `${s.url}/graphql`])),
    });
  } catch (error) {
    const gatewayFailures: { part: string; error: unknown }[] = [{ part: 'gateway', error }];
    await stopAll(started).catch((stopError) => gatewayFailures.push({ part: 'stopping the subgraphs', error: stopError }));
    throw new PlatformStartError(gatewayFailures);
  }
  phaseDone('gateway');
  return {
    gateway,
    services: Object.fromEntries(started.map((s) => [s.name, s])) as Record<SubgraphName, RunningService>,
    stop: async () => {
      await gateway.stop();
      await stopAll(started);
    },
  };
}

/** Stop them all even when one fails to stop; the first failure is rethrown afterwards. */
async function stopAll(services: RunningService[]): Promise<void> {
  const stopped = await Promise.allSettled(services.map((s) => s.stop()));
  const failed = stopped.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failed) throw failed.reason;
}
