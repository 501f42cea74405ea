// The whole platform in one process: the five subgraphs and the gateway, for `npm start` and the end-to-end tests.
// Production runs each app as its own process (Dockerfile, docker-compose.yml, infra/k8s).
import { DEV_JWT_SECRET } from '@crm/auth';
import { loadConfig, type RunningService, type StartOptions } from '@crm/kernel';
import { accountsService } from '../../apps/accounts/src/accounts.service';
import { creditService } from '../../apps/credit/src/credit.service';
import { engagementService } from '../../apps/engagement/src/engagement.service';
import { gatewayConfigSchema } from '../../apps/gateway/src/gateway.config';
import { startGateway, type RunningGateway } from '../../apps/gateway/src/gateway';
import { serviceDeskService } from '../../apps/service-desk/src/service-desk.service';
import { surveysService } from '../../apps/surveys/src/surveys.service';

export const subgraphs = [
  { service: accountsService, port: 4001 },
  { service: engagementService, port: 4002 },
  { service: serviceDeskService, port: 4003 },
  { service: surveysService, port: 4004 },
  { service: creditService, port: 4005 },
] as const;

export type SubgraphName = (typeof subgraphs)[number]['service']['name'];

export interface PlatformOptions {
  mongoUrl: string;
  natsUrl: string;
  /** 0 for every port picks free ones (tests); the defaults are 4000–4005. */
  gatewayPort?: number;
  subgraphPorts?: 'default' | 'free';
  /** Extra env per subgraph (tests: fresh databases, command monitoring). */
  envFor?: (name: SubgraphName) => NodeJS.ProcessEnv;
  logLevel?: string;
  jwtSecret?: string;
}

export interface RunningPlatform {
  gateway: RunningGateway;
  services: Record<SubgraphName, RunningService>;
  stop(): Promise<void>;
}

export async function startPlatform(options: PlatformOptions): Promise<RunningPlatform> {
  const jwtSecret = options.jwtSecret ?? process.env.JWT_SECRET ?? DEV_JWT_SECRET;
  const logLevel = options.logLevel ?? process.env.LOG_LEVEL ?? 'warn';
  const started = await Promise.all(
    subgraphs.map(({ service, port }) =>
      (service.start as (o: StartOptions) => Promise<RunningService>)({
        env: {
          MONGO_URL: options.mongoUrl,
          NATS_URL: options.natsUrl,
          JWT_SECRET: jwtSecret,
          HOST: '127.0.0.1',
          PORT: String(options.subgraphPorts === 'free' ? 0 : port),
          LOG_LEVEL: logLevel,
          ...options.envFor?.(service.name),
        },
      }),
    ),
  );
  const services = Object.fromEntries(started.map((s) => [s.name, s])) as Record<SubgraphName, RunningService>;
  const gateway = await startGateway({
    // NATS feeds the gateway's complaint-event subscriptions (graphql-ws on /graphql).
    config: loadConfig(gatewayConfigSchema, { JWT_SECRET: jwtSecret, HOST: '127.0.0.1', PORT: String(options.gatewayPort ?? 4000), LOG_LEVEL: logLevel, NATS_URL: options.natsUrl }),
    subgraphUrls: Object.fromEntries(started.map((s) => [s.name, `${s.url}/graphql`])),
  });
  return {
    gateway,
    services,
    stop: async () => {
      await gateway.stop();
      await Promise.all(started.map((s) => s.stop()));
    },
  };
}
