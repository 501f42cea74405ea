import { connectMongo } from '@crm/data';
import { eventually, uniqueDatabaseName } from '@crm/testing';
import type { Connection } from 'mongoose';
import pino from 'pino';
import { JobLeases } from '../src/job-lease';
import { JobScheduler, leaseDurationMs } from '../src/scheduler';
import type { ScheduledJob } from '../src/plugin';

/*
 * Two schedulers on one database behave as one replica: the lease in `job_leases` lets one of them run each
 * tick of a job, and a holder that stops renewing is replaced once its lease has run out. Real MongoDB-wire server.
 */

const logger = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A job that counts its runs and which replica ran each. */
function countingJob(name: string, intervalMs: number, replica: string, runs: { replica: string; at: number }[], runMs = 0): ScheduledJob {
  return {
    name,
    intervalMs,
    run: async () => {
      runs.push({ replica, at: Date.now() });
      if (runMs > 0) await sleep(runMs);
    },
  };
}

describe('job leases: a scheduled job runs once per interval across replicas', () => {
  let connections: Connection[];
  let database: string;
  const schedulers: JobScheduler[] = [];

  const connect = async () => {
    const connection = await connectMongo({ url: process.env.MONGO_URL!, dbName: database });
    connections.push(connection);
    return connection;
  };

  beforeEach(() => {
    database = uniqueDatabaseName('kernel_leases');
    connections = [];
  });

  afterEach(async () => {
    await Promise.all(schedulers.splice(0).map((scheduler) => scheduler.stop()));
    await connections[0]?.dropDatabase().catch(() => undefined);
    await Promise.all(connections.map((connection) => connection.close()));
  });

  it('one lease: the first holder gets it, another holder does not until it runs out, the holder renews it', async () => {
    const [a, b] = [new JobLeases(await connect(), 'replica-a'), new JobLeases(await connect(), 'replica-b')];
    const t0 = new Date('2030-01-01T00:00:00.000Z');
    const at = (ms: number) => new Date(t0.getTime() + ms);
    expect(await a.acquire('job', 1_000, t0)).toBe(true);
    expect(await b.acquire('job', 1_000, at(500))).toBe(false);
    expect(await a.acquire('job', 1_000, at(900))).toBe(true); // renewed: now until +1 900
    expect(await b.acquire('job', 1_000, at(1_500))).toBe(false);
    expect(await b.acquire('job', 1_000, at(1_900))).toBe(true); // run out: taken over
    expect(await a.acquire('job', 1_000, at(2_000))).toBe(false);
    expect(await b.current('job')).toEqual({ _id: 'job', holder: 'replica-b', until: at(2_900) });
    await b.release('job', at(2_100));
    expect(await a.acquire('job', 1_000, at(2_100))).toBe(true);
  });

  it('two holders racing for a lease nobody holds yet (both upserts insert): exactly one wins, the duplicate key is "not mine"', async () => {
    const connection = await connect();
    for (let round = 0; round < 10; round += 1) {
      const contenders = Array.from({ length: 4 }, (_, i) => new JobLeases(connection, `replica-${i}`));
      const won = await Promise.all(contenders.map((leases) => leases.acquire(`race-${round}`, 60_000)));
      expect(won.filter(Boolean)).toHaveLength(1);
      const holder = contenders[won.indexOf(true)].holder;
      expect((await contenders[0].current(`race-${round}`))?.holder).toBe(holder);
    }
  });

  it('two schedulers with a counting job: one run per interval in all, never two at once', async () => {
    const intervalMs = 200;
    const runs: { replica: string; at: number }[] = [];
    const started = Date.now();
    for (const replica of ['a', 'b']) {
      const scheduler = new JobScheduler([countingJob('counting', intervalMs, replica, runs, 20)], logger, await connect(), `replica-${replica}`);
      schedulers.push(scheduler);
      scheduler.start();
    }
    await sleep(intervalMs * 15 + intervalMs / 2);
    await Promise.all(schedulers.splice(0).map((scheduler) => scheduler.stop()));
    const elapsedTicks = Math.floor((Date.now() - started) / intervalMs);
    // Alone, each scheduler would have run every tick: together they ran about once per tick, not twice.
    expect(runs.length).toBeGreaterThanOrEqual(elapsedTicks - 3);
    expect(runs.length).toBeLessThanOrEqual(elapsedTicks + 1);
    // No two runs closer than most of an interval, whichever replica ran them.
    const gaps = runs.slice(1).map((run, i) => run.at - runs[i].at);
    expect(Math.min(...gaps)).toBeGreaterThan(intervalMs * 0.5);
  });

  it('a holder that dies (stops renewing) is replaced once its lease has run out', async () => {
    const intervalMs = 200;
    const runs: { replica: string; at: number }[] = [];
    const first = new JobScheduler([countingJob('takeover', intervalMs, 'a', runs)], logger, await connect(), 'replica-a');
    first.start();
    await eventually(async () => expect(runs.map((run) => run.replica)).toContain('a'), 5_000);
    const second = new JobScheduler([countingJob('takeover', intervalMs, 'b', runs)], logger, await connect(), 'replica-b');
    schedulers.push(second);
    second.start();
    await sleep(intervalMs * 5);
    // While the first renews, the second never runs the job.
    expect(runs.filter((run) => run.replica === 'b')).toEqual([]);

    // The first dies: its timers stop, its lease stays behind unreleased.
    (first as unknown as { timers: NodeJS.Timeout[] }).timers.forEach(clearInterval);
    const diedAt = Date.now();
    const lease = await new JobLeases(connections[0]).current('takeover');
    expect(lease?.holder).toBe('replica-a');

    await eventually(async () => expect(runs.map((run) => run.replica)).toContain('b'), 5_000);
    const takenOverAt = runs.find((run) => run.replica === 'b')!.at;
    // Not before the lease ran out, and within one tick of the second after that.
    expect(takenOverAt).toBeGreaterThanOrEqual(lease!.until.getTime() - 5);
    expect(takenOverAt - diedAt).toBeLessThanOrEqual(leaseDurationMs(intervalMs) + intervalMs + 150);
    expect((await new JobLeases(connections[0]).current('takeover'))?.holder).toBe('replica-b');
  });

  it('a replica that stops gives its leases up: the other takes the job at its next tick', async () => {
    const intervalMs = 300;
    const runs: { replica: string; at: number }[] = [];
    const first = new JobScheduler([countingJob('hand-over', intervalMs, 'a', runs)], logger, await connect(), 'replica-a');
    first.start();
    await eventually(async () => expect(runs).toHaveLength(1), 5_000);
    const second = new JobScheduler([countingJob('hand-over', intervalMs, 'b', runs)], logger, await connect(), 'replica-b');
    schedulers.push(second);
    second.start();
    await first.stop();
    const stoppedAt = Date.now();
    await eventually(async () => expect(runs.map((run) => run.replica)).toContain('b'), 5_000);
    expect(runs.find((run) => run.replica === 'b')!.at - stoppedAt).toBeLessThanOrEqual(intervalMs + 150);
  });

  it('a run longer than the lease keeps it: the other replica does not start the job alongside', async () => {
    const intervalMs = 150;
    const runs: { replica: string; at: number }[] = [];
    let concurrent = 0;
    let most = 0;
    const slowJob = (replica: string): ScheduledJob => ({
      name: 'slow',
      intervalMs,
      run: async () => {
        runs.push({ replica, at: Date.now() });
        concurrent += 1;
        most = Math.max(most, concurrent);
        await sleep(intervalMs * 4);
        concurrent -= 1;
      },
    });
    for (const replica of ['a', 'b']) {
      const scheduler = new JobScheduler([slowJob(replica)], logger, await connect(), `replica-${replica}`);
      schedulers.push(scheduler);
      scheduler.start();
    }
    await sleep(intervalMs * 14);
    await Promise.all(schedulers.splice(0).map((scheduler) => scheduler.stop()));
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(most).toBe(1);
  });
});
