// The process entry point as a platform team runs it: real env, real servers, real signals.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { testServiceEnv } from '@crm/testing';

const REPO_ROOT = path.resolve(__dirname, '../../..');

function launch(env: NodeJS.ProcessEnv) {
  // No NODE_ENV=test: signal handling must be what production gets.
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/engagement/src/main.ts'], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', ...env } });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = async () => {
    const deadline = Date.now() + 30_000;
    while (!/"url":"(http[^"]+)"/.test(output)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`not ready:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return /"url":"(http[^"]+)"/.exec(output)![1];
  };
  return { exit, ready, output: () => output, kill: (signal: NodeJS.Signals) => child.kill(signal) };
}

describe('engagement main', () => {
  it('exits 1 naming MONGO_URL when it is not a mongodb URL, before connecting anywhere', async () => {
    const service = launch({ ...testServiceEnv('engagement'), MONGO_URL: 'postgres://nope' });
    expect(await service.exit).toBe(1);
    expect(service.output()).toContain('MONGO_URL="postgres://nope"');
  });

  it('serves health and readiness, then stops on SIGTERM with exit 0', async () => {
    const service = launch({ ...testServiceEnv('engagement'), LOG_LEVEL: 'info' });
    const url = await service.ready();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { mongo: true, nats: true } });
    service.kill('SIGTERM');
    expect(await service.exit).toBe(0);
    expect(service.output()).toContain('engagement stopped');
  });
});
