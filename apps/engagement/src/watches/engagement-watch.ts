import type { Clock } from '@crm/kernel';
import type { Logger } from 'pino';

/** What one pass of the watches found and did. */
export interface EngagementWatchSummary {
  at: Date;
  minutesOverdue: number;
  returnVisitsGenerated: number;
  returnVisitsMissed: number;
  anniversaryPointsAwarded: number;
}

/** One part of the pass: a name and what it does at `now`. */
export interface WatchPart {
  name: keyof Omit<EngagementWatchSummary, 'at'>;
  run(now: Date): Promise<number>;
}

/**
 * engagement's time-driven rules in one pass: overdue minutes raised once, return visits generated over the rolling
 * horizon and missed ones raised once, anniversary points awarded once a year. Each part is idempotent, so a pass
 * may run on several replicas and again after a crash. Runs as a kernel job and on demand (runEngagementWatches).
 */
export class EngagementWatch {
  private readonly parts: WatchPart[] = [];
  private running?: Promise<EngagementWatchSummary>;

  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  add(part: WatchPart): void {
    this.parts.push(part);
  }

  /** One pass at `now`; concurrent callers share the pass in flight. */
  run(now: Date = this.clock.now()): Promise<EngagementWatchSummary> {
    this.running ??= this.pass(now).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(now: Date): Promise<EngagementWatchSummary> {
    const summary = { at: now, minutesOverdue: 0, returnVisitsGenerated: 0, returnVisitsMissed: 0, anniversaryPointsAwarded: 0 } as EngagementWatchSummary & Record<string, number | Date>;
    for (const part of this.parts) summary[part.name] = await part.run(now);
    if (this.parts.some((part) => (summary[part.name] as number) > 0)) this.logger.info(summary, 'engagement watch recorded findings');
    return summary;
  }
}
