import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEV_JWT_SECRET } from '@crm/auth';
import { composeTinySupergraph, startTinySubgraphs } from './tiny-federation';

const REPO_ROOT = path.resolve(__dirname, '../../..');

interface Launched {
  exit: Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Resolves with the URL from the "gateway listening" log line. */
  listening: Promise<string>;
  kill(signal: NodeJS.Signals): void;
}

/** Run apps/gateway/src/main.ts as the platform would, with only the given env (plus PATH). */
function launchMain(env: Record<string, string>): Launched {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/gateway/src/main.ts'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...env },
  });
  let stdout = '';
  let stderr = '';
  let announce: (url: string) => void = () => undefined;
  const listening = new Promise<string>((resolve) => (announce = resolve));
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    const match = /"url":"([^"]+)","msg":"gateway listening"/.exec(stdout);
    if (match) announce(match[1]);
  });
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr })),
  );
  return { exit, listening, kill: (signal) => child.kill(signal) };
}

describe('gateway main', () => {
  it('exits 1 with a message naming the bad variable', async () => {
    const { code, stderr } = await launchMain({ JWT_SECRET: DEV_JWT_SECRET, MAX_DEPTH: 'deep' }).exit;
    expect(code).toBe(1);
    expect(stderr).toContain('MAX_DEPTH="deep"');
  });

  it('exits 1 naming JWT_SECRET when no key source is configured', async () => {
    const { code, stderr } = await launchMain({}).exit;
    expect(code).toBe(1);
    expect(stderr).toContain('JWT_SECRET');
  });

  it('exits 1 when the supergraph file is missing', async () => {
    const { code, stderr } = await launchMain({ JWT_SECRET: DEV_JWT_SECRET, SUPERGRAPH_PATH: 'no/such/supergraph.graphql' }).exit;
    expect(code).toBe(1);
    expect(stderr).toContain('No supergraph at');
  });

  it('serves, then stops gracefully on SIGTERM with exit 0', async () => {
    const { people, orders } = await startTinySubgraphs();
    const folder = mkdtempSync(path.join(tmpdir(), 'gateway-main-'));
    const supergraphFile = path.join(folder, 'supergraph.graphql');
    writeFileSync(supergraphFile, composeTinySupergraph([people, orders]));
    try {
      const main = launchMain({ JWT_SECRET: DEV_JWT_SECRET, HOST: '127.0.0.1', PORT: '0', SUPERGRAPH_PATH: supergraphFile });
      const url = await Promise.race([main.listening, main.exit.then(({ stderr }) => Promise.reject(new Error(`main exited: ${stderr}`)))]);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);

      main.kill('SIGTERM');
      const { code, stdout } = await main.exit;
      expect(code).toBe(0);
      expect(stdout).toContain('"msg":"gateway stopped"');
    } finally {
      rmSync(folder, { recursive: true, force: true });
      await Promise.all([people.stop(), orders.stop()]);
    }
  });
});
