// One service run alone the way the README says: the built bundle under node, with no wrapper process that could
// be killed and leave the service behind. Real MongoDB-wire and NATS servers from the Jest globalSetup.
import { freePort, testServiceEnv } from '@crm/testing';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

jest.setTimeout(180_000);

const root = path.resolve(__dirname, '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

/** The README's command for running one service alone: build it, then start its bundle. */
function documentedCommand(): { command: string; port: string; app: string } {
  const row = readme.split('\n').find((line) => line.startsWith('| run services one by one |'));
  const match = /`(npx nx build (\S+) && PORT=(\d+) node dist\/apps\/\2\/main\.js)`/.exec(row ?? '');
  if (!match) throw new Error(`the README's "run services one by one" row names no \`npx nx build <app> && PORT=<n> node dist/apps/<app>/main.js\`: ${row}`);
  return { command: match[1], app: match[2], port: match[3] };
}

const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

/** Processes whose environment holds this exact entry (the test's unique database name). */
function processesWith(entry: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(entry);
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

describe('a service run alone as the README documents it', () => {
  it('is the very process the shell started: a SIGKILL to it leaves nothing listening and no process behind', async () => {
    const { command, app, port } = documentedCommand();
    const freshPort = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, ...testServiceEnv(app), NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true' };
    delete env.PORT;
    // bash -c as a terminal runs the line; the build runs first, then node replaces the shell (exec of the last command).
    const child = spawn('bash', ['-c', command.replace(`PORT=${port}`, `PORT=${freshPort}`)], { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      const ready = await until(
        () =>
          fetch(`http://127.0.0.1:${freshPort}/readyz`).then(
            (r) => r.ok,
            () => false,
          ),
        150_000,
      );
      expect({ ready, stderr: ready ? '' : stderr }).toEqual({ ready: true, stderr: '' });
      // The top process is node running the bundle, not a shell or nx in front of it.
      expect(readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0').filter(Boolean)).toEqual(['node', `dist/apps/${app}/main.js`]);

      child.kill('SIGKILL');
      await exited;
      expect(await until(async () => !(await listening(freshPort)), 5_000)).toBe(true);
      expect(processesWith(`MONGO_DB=${env.MONGO_DB}`)).toEqual([]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      for (const pid of processesWith(`MONGO_DB=${env.MONGO_DB}`)) process.kill(pid, 'SIGKILL');
    }
  });
});
