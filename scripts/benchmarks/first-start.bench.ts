// First start (never part of `npm test`): `npm start` as a child on free ports and a fresh data directory, as on a
// fresh clone after `npm install`. Prints the seconds from the spawn to the URL and tokens being printed, to the
// first query answered through the gateway, and to the demo seeding being done, with the latency of queries sent
// while the seeding runs (the platform is meant to be usable meanwhile).
// Run: `npx tsx scripts/benchmarks/first-start.bench.ts` (FIRST_START_TIMEOUT_S, default 900).
import { freePort, graphql, repoRoot } from '@crm/testing';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

const QUERY = '{ customers(first: 3) { totalCount edges { node { name owner { name } tickets { status } } } } }';
const timeoutMs = Number(process.env.FIRST_START_TIMEOUT_S ?? 900) * 1000;

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'crm-first-start-'));
  const [mongoPort, natsPort, gatewayPort] = [await freePort(), await freePort(), await freePort()];
  const spawned = performance.now();
  const at = () => (performance.now() - spawned) / 1000;
  const child = spawn('npm', ['start'], {
    cwd: repoRoot(),
    // Its own process group, so the end of the run can stop everything it started.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      MONGO_DEV_PORT: String(mongoPort),
      NATS_DEV_PORT: String(natsPort),
      PORT: String(gatewayPort),
      CRM_DATA_DIR: dataDir,
      CRM_SUBGRAPH_PORTS: 'free',
      CRM_SEED_COUNT: 'true',
      MONGO_URL: '',
      NATS_URL: '',
    },
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const figures: Record<string, string> = {};
  let url: string | undefined;
  let token: string | undefined;
  let upLine = '';
  let seedRequests = '';
  let failure: string | undefined;
  const seeded = new Promise<void>((resolve) => {
    const onLine = (line: string) => {
      if (process.env.FIRST_START_ECHO === 'true') console.log(`  | ${line}`);
      const gateway = /GraphQL gateway : (\S+)/.exec(line);
      if (gateway && !url) {
        url = gateway[1];
        figures['URL printed'] = at().toFixed(1);
      }
      const gm = /^\s+generalManager\s+(\S+)/.exec(line);
      if (gm) token = gm[1];
      if (line.startsWith('CRM platform is up')) upLine = line;
      if (/^demo data (seeded in|already present)/.test(line) || /^demo seeding failed/.test(line)) {
        figures['seeding done'] = at().toFixed(1);
        if (/failed/.test(line)) failure = line;
        resolve();
      }
      if (/^seeding sent \d+ requests/.test(line)) seedRequests = line;
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    void exited.then(() => resolve());
  });

  // The first answered query, then one query a second while seeding runs.
  const latencies: number[] = [];
  let seedingOver = false;
  const prober = (async () => {
    while (!token && !seedingOver) await new Promise((r) => setTimeout(r, 50));
    while (!seedingOver && url && token) {
      const t0 = performance.now();
      const ok = await graphql(url, QUERY, {}, token).then(
        (res) => !res.errors?.length,
        () => false,
      );
      if (ok) {
        figures['first query answered'] ??= at().toFixed(1);
        latencies.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 1000));
      } else await new Promise((r) => setTimeout(r, 100));
    }
  })();

  const timedOut = new Promise<void>((resolve) =>
    setTimeout(() => {
      failure = `no end of seeding within ${timeoutMs / 1000} s`;
      resolve();
    }, timeoutMs).unref(),
  );
  await Promise.race([seeded, timedOut]);
  seedingOver = true;
  await prober;
  if (seedRequests === '') await new Promise((r) => setTimeout(r, 200));

  // npm hands SIGTERM to the launcher, which stops the platform and its servers.
  const stopping = performance.now();
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    // already gone
  }
  const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 60_000))]);
  if (code === 'timeout') process.kill(-child.pid!, 'SIGKILL');
  const stopSeconds = ((performance.now() - stopping) / 1000).toFixed(1);
  rmSync(dataDir, { recursive: true, force: true });

  const sorted = [...latencies].sort((a, b) => a - b);
  console.log(`\nnpm start on a fresh data directory (${new Date().toISOString()}, node ${process.version})`);
  console.log('| moment | seconds after spawn |');
  console.log('| --- | ---: |');
  for (const moment of ['URL printed', 'first query answered', 'seeding done']) console.log(`| ${moment} | ${figures[moment] ?? 'never'} |`);
  console.log(`\nlauncher: ${upLine.trim()}`);
  if (seedRequests) console.log(`seeding: ${seedRequests}`);
  console.log(`queries during seeding: ${sorted.length}, p50 ${percentile(sorted, 0.5).toFixed(0)} ms, p95 ${percentile(sorted, 0.95).toFixed(0)} ms, max ${(sorted.at(-1) ?? NaN).toFixed(0)} ms`);
  console.log(`stopped by SIGTERM in ${stopSeconds} s (exit ${code})`);
  if (failure) throw new Error(failure);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
