import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { JobLeases, replicaId } from './job-lease';
import type { ScheduledJob } from './plugin';

/** How long past its interval a lease lasts, so the holder's next tick renews it before another replica can take it. */
export function leaseDurationMs(intervalMs: number): number {
  return intervalMs + Math.min(Math.ceil(intervalMs / 2), 10_000);
}

/**
 * Runs each job on its interval; a run never overlaps the previous one, and stop waits for runs in flight.
 * Replicas of a service share each job through a lease in the service's database (`job_leases`): at each
 * tick a replica takes or renews the job's lease and runs the job only when it holds it, so a tick runs
 * once across replicas. The holder renews at every tick (also while a long run continues); when it stops
 * renewing (it died or hangs), another replica takes the job once the lease has run out. Leases are timed
 * on the system clock, never on the service's injectable clock, which tests move at will.
 */
export class JobScheduler {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly leases: JobLeases;
  private stopped = false;

  constructor(
    private readonly jobs: ScheduledJob[],
    private readonly logger: Logger,
    connection: Connection,
    holder: string = replicaId(),
  ) {
    this.leases = new JobLeases(connection, holder);
  }

  /** This replica's id in the leases it holds. */
  get holder(): string {
    return this.leases.holder;
  }

  start(): void {
    for (const job of this.jobs) {
      const leaseMs = leaseDurationMs(job.intervalMs);
      let running = false;
      const tick = async () => {
        if (running) {
          // The previous run goes on: keep the lease so no other replica starts the job alongside it.
          await this.leases.acquire(job.name, leaseMs);
          return;
        }
        running = true;
        try {
          if (!(await this.leases.acquire(job.name, leaseMs))) return;
          if (this.stopped) return;
          await job.run();
        } finally {
          running = false;
        }
      };
      const timer = setInterval(() => {
        if (this.stopped) return;
        const run = tick()
          .catch((error) => this.logger.error({ err: error, job: job.name }, 'scheduled job failed'))
          .finally(() => this.inFlight.delete(run));
        this.inFlight.add(run);
      }, job.intervalMs);
      timer.unref();
      this.timers.push(timer);
    }
  }

  /** Stop ticking, wait for the runs in flight, then give up this replica's leases so another takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timers.forEach(clearInterval);
    await Promise.all(this.inFlight);
    await Promise.all(
      this.jobs.map((job) => this.leases.release(job.name).catch((error) => this.logger.warn({ err: error, job: job.name }, 'could not release the job lease'))),
    );
  }
}
