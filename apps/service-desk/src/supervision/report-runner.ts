import type { Clock } from '@crm/kernel';
import type { Model } from 'mongoose';
import type { Logger } from 'pino';
import type { CalendarService } from '../calendar/calendar.service';
import type { TicketRecord } from '../tickets/ticket.model';
import type { TicketsService } from '../tickets/tickets.service';
import { ComplaintAnalysisAccumulator, ServiceSupervisionAccumulator } from './report-figures';
import { monthsBetween, parseMonth } from './report-period';
import type { ReportRunRecord } from './report-run.model';

// A run's claim lasts this long past its last progress; a runner that died is taken over after it.
const LEASE_MS = 5 * 60_000;
// Progress is written every this many tickets: often enough to watch, rarely enough not to slow the scan.
const PROGRESS_EVERY = 25;
const MAX_ATTEMPTS = 3;

/**
 * Computes requested report runs in the background, one at a time per process, streaming tickets and
 * recording progress as it goes. Claims are single-document updates, so several replicas share the work.
 */
export class ReportRunner {
  private running?: Promise<number>;
  private again = false;

  constructor(
    private readonly runs: Model<ReportRunRecord>,
    private readonly tickets: TicketsService,
    private readonly calendar: CalendarService,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Start working soon without waiting for it (the request path calls this). */
  kick(): void {
    setImmediate(() => void this.runPending().catch((error) => this.logger.error({ err: error }, 'report runner failed')));
  }

  /** Run every claimable report; resolves with how many were finished. Calls during a pass join it. */
  runPending(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let finished = 0;
      do {
        this.again = false;
        for (let run = await this.claim(); run; run = await this.claim()) {
          await this.execute(run);
          finished += 1;
        }
      } while (this.again);
      return finished;
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async claim(): Promise<ReportRunRecord | null> {
    const now = this.clock.now();
    return this.runs
      .findOneAndUpdate(
        { $or: [{ status: 'REQUESTED' }, { status: 'RUNNING', leaseUntil: { $lt: now } }] },
        { $set: { status: 'RUNNING', startedAt: now, leaseUntil: new Date(now.getTime() + LEASE_MS), progressPercent: 0 }, $inc: { attempts: 1 } },
        { sort: { requestedAt: 1 }, returnDocument: 'after' },
      )
      .lean<ReportRunRecord>();
  }

  private async execute(run: ReportRunRecord): Promise<void> {
    try {
      if (run.attempts > MAX_ATTEMPTS) throw new Error(`gave up after ${MAX_ATTEMPTS} attempts`);
      const result = run.kind === 'SERVICE_SUPERVISION' ? await this.serviceSupervision(run) : await this.complaintAnalysis(run);
      await this.runs.updateOne(
        { _id: run._id, status: 'RUNNING' },
        { $set: { status: 'DONE', progressPercent: 100, result, finishedAt: this.clock.now(), leaseUntil: null, error: null } },
      );
    } catch (error) {
      this.logger.error({ err: error, runId: String(run._id) }, 'report run failed');
      await this.runs.updateOne({ _id: run._id }, { $set: { status: 'FAILED', error: String((error as Error)?.message ?? error), finishedAt: this.clock.now(), leaseUntil: null } });
    }
  }

  private async serviceSupervision(run: ReportRunRecord): Promise<Record<string, unknown>> {
    const calendar = await this.calendar.calendar();
    const period = parseMonth(run.month!, calendar.timeZone, 'month');
    const figures = new ServiceSupervisionAccumulator(run.month!);
    if (run.departmentId) figures.ensureDepartment(run.departmentId);
    const now = this.clock.now();
    await this.scan(run, { openedAt: { $gte: period.from, $lt: period.to }, ...(run.departmentId ? { customerDepartmentId: run.departmentId } : {}) }, async (ticket) => {
      const clocks = await this.tickets.clocks(ticket, now);
      figures.add({
        departmentId: ticket.customerDepartmentId,
        type: ticket.type,
        origin: ticket.origin,
        status: ticket.status,
        firstResponse: clocks.firstResponse.status,
        resolution: clocks.resolution.status,
      });
    });
    return figures.result() as unknown as Record<string, unknown>;
  }

  private async complaintAnalysis(run: ReportRunRecord): Promise<Record<string, unknown>> {
    const calendar = await this.calendar.calendar();
    const from = parseMonth(run.fromMonth!, calendar.timeZone, 'fromMonth').from;
    const to = parseMonth(run.toMonth!, calendar.timeZone, 'toMonth').to;
    const analysis = new ComplaintAnalysisAccumulator(monthsBetween(run.fromMonth!, run.toMonth!));
    await this.scan(run, { type: 'COMPLAINT', openedAt: { $gte: from, $lt: to }, ...(run.departmentId ? { customerDepartmentId: run.departmentId } : {}) }, async (ticket) => {
      analysis.add({ month: calendar.calendarDay(ticket.openedAt).slice(0, 7), cause: ticket.cause });
    });
    return analysis.result() as unknown as Record<string, unknown>;
  }

  /** Stream the matching tickets, reporting progress (and renewing the claim) as the scan goes. */
  private async scan(run: ReportRunRecord, filter: Record<string, unknown>, visit: (ticket: TicketRecord) => Promise<void>): Promise<void> {
    const model = this.tickets.model;
    const total = await model.countDocuments(filter);
    let seen = 0;
    const cursor = model.find(filter, { pendingEvents: 0 }).sort({ _id: 1 }).lean<TicketRecord[]>().cursor();
    for await (const doc of cursor) {
      await visit(doc as unknown as TicketRecord);
      seen += 1;
      if (seen % PROGRESS_EVERY === 0 && seen < total) {
        const now = this.clock.now();
        await this.runs.updateOne(
          { _id: run._id, status: 'RUNNING' },
          { $set: { progressPercent: Math.min(99, Math.floor((seen / total) * 100)), leaseUntil: new Date(now.getTime() + LEASE_MS) } },
        );
      }
    }
  }
}
