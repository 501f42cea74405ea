import { hasRole, type Caller } from '@crm/auth';
import { BadUserInputError, ForbiddenError, parseInput, type Clock } from '@crm/kernel';
import { isValidObjectId, Types, type Model } from 'mongoose';
import { z } from 'zod';
import type { CalendarService } from '../calendar/calendar.service';
import { monthsBetween, parseMonth } from './report-period';
import type { ReportKind, ReportRunRecord } from './report-run.model';

// A longer analysis is a different question (and a bigger scan): ask for it in parts.
const MAX_ANALYSIS_MONTHS = 24;

const departmentId = z.string().trim().min(1).max(64).nullish();

/** Who may ask for supervision reports at all (scopeFor: for which department). */
export function mayRequestSupervisionReports(caller: Caller): boolean {
  return hasRole(caller, 'general_manager', 'coordinator') || (hasRole(caller, 'department_manager') && caller.departmentId !== undefined);
}

/** Who may ask for supervision reports: the general manager and the coordinator for any department, a department manager for theirs. */
function scopeFor(caller: Caller, requested: string | null | undefined): string | null {
  if (hasRole(caller, 'general_manager', 'coordinator')) return requested ?? null;
  if (hasRole(caller, 'department_manager') && caller.departmentId) {
    if (requested && requested !== caller.departmentId) throw new ForbiddenError('A department manager reports on their own department only');
    return caller.departmentId;
  }
  throw new ForbiddenError('Supervision reports are for the general manager, the coordinator and department managers');
}

/** Requesting and reading report runs; the computing happens in the ReportRunner, never on the request path. */
export class ReportsService {
  constructor(
    private readonly runs: Model<ReportRunRecord>,
    private readonly calendar: CalendarService,
    private readonly clock: Clock,
    private readonly onRequested: () => void,
  ) {}

  async requestServiceSupervision(caller: Caller, args: unknown): Promise<ReportRunRecord> {
    const input = parseInput(z.object({ month: z.string(), departmentId }), args, 'args');
    const { timeZone } = await this.calendar.calendar();
    parseMonth(input.month, timeZone, 'month');
    return this.request(caller, 'SERVICE_SUPERVISION', { month: input.month, fromMonth: null, toMonth: null }, scopeFor(caller, input.departmentId));
  }

  async requestComplaintAnalysis(caller: Caller, args: unknown): Promise<ReportRunRecord> {
    const input = parseInput(z.object({ fromMonth: z.string(), toMonth: z.string(), departmentId }), args, 'args');
    const { timeZone } = await this.calendar.calendar();
    parseMonth(input.fromMonth, timeZone, 'fromMonth');
    parseMonth(input.toMonth, timeZone, 'toMonth');
    const months = monthsBetween(input.fromMonth, input.toMonth);
    if (months.length === 0) throw new BadUserInputError('toMonth', 'must not be before fromMonth');
    if (months.length > MAX_ANALYSIS_MONTHS) throw new BadUserInputError('toMonth', `at most ${MAX_ANALYSIS_MONTHS} months per analysis`);
    return this.request(caller, 'COMPLAINT_ANALYSIS', { month: null, fromMonth: input.fromMonth, toMonth: input.toMonth }, scopeFor(caller, input.departmentId));
  }

  async findVisible(caller: Caller, id: string): Promise<ReportRunRecord | null> {
    if (!isValidObjectId(id)) return null;
    const run = await this.runs.findById(id).lean<ReportRunRecord>();
    return run && this.canSee(caller, run) ? run : null;
  }

  /** The caller's own runs (all runs for the general manager), newest first. */
  list(caller: Caller, first: number | null | undefined): Promise<ReportRunRecord[]> {
    const limit = Math.max(1, Math.min(first ?? 20, 100));
    const filter = hasRole(caller, 'general_manager') ? {} : { requestedBy: caller.userId };
    return this.runs.find(filter).sort({ requestedAt: -1 }).limit(limit).lean<ReportRunRecord[]>().exec();
  }

  private canSee(caller: Caller, run: ReportRunRecord): boolean {
    if (run.requestedBy === caller.userId || hasRole(caller, 'general_manager')) return true;
    return hasRole(caller, 'department_manager') && run.departmentId !== null && run.departmentId === caller.departmentId;
  }

  private async request(caller: Caller, kind: ReportKind, months: Pick<ReportRunRecord, 'month' | 'fromMonth' | 'toMonth'>, departmentId: string | null): Promise<ReportRunRecord> {
    const created = await this.runs.create({
      _id: new Types.ObjectId(),
      kind,
      ...months,
      departmentId,
      status: 'REQUESTED',
      progressPercent: 0,
      requestedBy: caller.userId,
      requestedAt: this.clock.now(),
      startedAt: null,
      finishedAt: null,
      leaseUntil: null,
      attempts: 0,
      result: null,
      error: null,
    });
    // Hand it to the runner and answer at once: the caller polls reportRun(id).
    this.onRequested();
    return created.toObject();
  }
}
