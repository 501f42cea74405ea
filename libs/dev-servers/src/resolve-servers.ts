import path from 'node:path';
import { dockerEngineAvailable, startDockerServers } from './docker-servers';
import { startLocalMongo, startLocalNats, type LocalServer } from './local-servers';

export interface ResolvedServers {
  mongoUrl: string;
  natsUrl: string;
  /** How they were found: given URLs, containers, or servers this project started. */
  source: 'env' | 'docker' | 'local';
  stop(): Promise<void>;
}

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  /** Keep data here (the launcher); omit for throw-away servers (tests). */
  dataDir?: string;
  mongoPort?: number;
  natsPort?: number;
  log?: (line: string) => void;
}

/** Servers in the order the architecture fixes: given URLs → testcontainers → local servers. */
export async function resolveServers(options: ResolveOptions = {}): Promise<ResolvedServers> {
  const env = options.env ?? process.env;
  if (env.MONGO_URL && env.NATS_URL) {
    return { mongoUrl: env.MONGO_URL, natsUrl: env.NATS_URL, source: 'env', stop: async () => undefined };
  }
  if (await dockerEngineAvailable()) {
    const { mongo, nats } = await startDockerServers();
    return { mongoUrl: mongo.url, natsUrl: nats.url, source: 'docker', stop: () => stopAll([nats, mongo]) };
  }
  const [mongo, nats] = await Promise.all([
    startLocalMongo({ dataDir: options.dataDir && path.join(options.dataDir, 'mongo'), port: options.mongoPort, log: options.log }),
    startLocalNats({ dataDir: options.dataDir && path.join(options.dataDir, 'nats'), port: options.natsPort, log: options.log }),
  ]);
  return { mongoUrl: mongo.url, natsUrl: nats.url, source: 'local', stop: () => stopAll([nats, mongo]) };
}

async function stopAll(servers: LocalServer[]): Promise<void> {
  await Promise.all(servers.map((s) => s.stop()));
}
