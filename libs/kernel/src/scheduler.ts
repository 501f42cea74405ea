import type { Logger } from 'pino';
import type { ScheduledJob } from './plugin';

/** Runs each job on its interval; a run never overlaps the previous one, and stop waits for runs in flight. */
export class JobScheduler {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly jobs: ScheduledJob[],
    private readonly logger: Logger,
  ) {}

  start(): void {
    for (const job of this.jobs) {
      let running = false;
      const timer = setInterval(() => {
        if (running) return;
        running = true;
        const run = job
          .run()
          .catch((error) => this.logger.error({ err: error, job: job.name }, 'scheduled job failed'))
          .finally(() => {
            running = false;
            this.inFlight.delete(run);
          });
        this.inFlight.add(run);
      }, job.intervalMs);
      timer.unref();
      this.timers.push(timer);
    }
  }

  async stop(): Promise<void> {
    this.timers.forEach(clearInterval);
    await Promise.all(this.inFlight);
  }
}
