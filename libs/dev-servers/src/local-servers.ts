import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect } from 'nats';
import { freePort, waitForPort } from './free-port';
import { repoRoot } from './repo-root';

/** A server process this project started; `stop` ends it and waits for it to exit. */
export interface LocalServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export interface LocalServerOptions {
  /** Where data is kept; omit for a throw-away server (in-memory Mongo, temp NATS store). */
  dataDir?: string;
  port?: number;
  log?: (line: string) => void;
}

export const MONGO_SERVER_JAR = 'infra/mongo-server/target/mongo-dev-server.jar';

/** Build the MongoDB-wire server (mongo-java-server launcher, see ADR 0001) when its jar is missing. */
export function ensureMongoServerJar(): string {
  const root = repoRoot();
  const jar = path.join(root, MONGO_SERVER_JAR);
  if (existsSync(jar)) return jar;
  const build = spawnSync('mvn', ['-q', '-B', '-f', path.join(root, 'infra/mongo-server/pom.xml'), 'package', '-DskipTests'], { stdio: 'inherit' });
  if (build.status !== 0 || !existsSync(jar)) throw new Error('Building the MongoDB-wire dev server failed: run `bash scripts/setup.sh` (needs Java 17 and Maven)');
  return jar;
}

export function ensureNatsServerBinary(): string {
  const found = spawnSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' });
  if (found.status !== 0) throw new Error('nats-server is not installed: run `bash scripts/setup.sh` (installs Debian\'s nats-server)');
  return found.stdout.trim();
}

export async function startLocalMongo(options: LocalServerOptions = {}): Promise<LocalServer> {
  const jar = ensureMongoServerJar();
  const port = options.port ?? (await freePort());
  const args = ['-Xss4m', '-jar', jar, '--port', String(port)];
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    args.push('--data', path.join(options.dataDir, 'crm.mv'));
  } else {
    args.push('--memory');
  }
  const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  pipeLines(child, options.log);
  await Promise.race([waitForPort(port), exited(child, 'mongo-dev-server')]);
  return serverHandle(child, `mongodb://127.0.0.1:${port}`);
}

export async function startLocalNats(options: LocalServerOptions = {}): Promise<LocalServer> {
  const binary = ensureNatsServerBinary();
  const port = options.port ?? (await freePort());
  const storeDir = options.dataDir ?? path.join(tmpdir(), `crm-nats-${process.pid}-${port}`);
  mkdirSync(storeDir, { recursive: true });
  const child = spawn(binary, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  pipeLines(child, options.log);
  await Promise.race([waitForPort(port).then(() => waitForJetStream(`nats://127.0.0.1:${port}`)), exited(child, 'nats-server')]);
  // A throw-away store goes with its server.
  if (!options.dataDir) child.once('exit', () => rmSync(storeDir, { recursive: true, force: true }));
  return serverHandle(child, `nats://127.0.0.1:${port}`);
}

/**
 * The port opens before JetStream answers; a service connecting in between would see its first JetStream API call
 * time out (on a loaded 2-core machine, seconds). Ready means the account info request answers.
 */
async function waitForJetStream(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const nc = await connect({ servers: url, name: 'dev-servers-probe' });
  try {
    for (;;) {
      try {
        await (await nc.jetstreamManager({ timeout: 2_000 })).getAccountInfo();
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    await nc.close();
  }
}

function serverHandle(child: ChildProcess, url: string): LocalServer {
  // A server this process started never outlives it, however it ends.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  return {
    url,
    pid: child.pid ?? -1,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

function exited(child: ChildProcess, name: string): Promise<never> {
  return new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`${name} exited with code ${code} before it was ready`))));
}

function pipeLines(child: ChildProcess, log?: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => log?.(chunk.trimEnd()));
  }
}
