// The whole platform in-process for an end-to-end test: the real servers from Jest's globalSetup,
// a fresh database and durable-consumer names per subgraph, free ports, quiet logs.
import { testServiceEnv } from '@crm/testing';
import { startPlatform, type PlatformOptions, type RunningPlatform, type SubgraphName } from '../platform/platform';

export function startE2ePlatform(options: { envFor?: (name: SubgraphName) => NodeJS.ProcessEnv } & Pick<PlatformOptions, 'jwtSecret' | 'logLevel' | 'logDestination'> = {}): Promise<RunningPlatform> {
  return startPlatform({
    mongoUrl: process.env.MONGO_URL!,
    natsUrl: process.env.NATS_URL!,
    gatewayPort: 0,
    subgraphPorts: 'free',
    logLevel: options.logLevel ?? process.env.E2E_LOG ?? 'silent',
    logDestination: options.logDestination,
    jwtSecret: options.jwtSecret,
    envFor: (name) => ({ ...testServiceEnv(name, options.envFor?.(name)), ...(options.logLevel ? { LOG_LEVEL: options.logLevel } : {}), PORT: '0' }),
  });
}
