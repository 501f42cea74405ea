import { hasRole, type Caller } from '@crm/auth';
import { ForbiddenError, parseInput, type Clock } from '@crm/kernel';
import { isValidObjectId, Types, type Model } from 'mongoose';
import { z } from 'zod';
import { isMonth, monthsBetween } from './report-period';
import type { ReportKind, ReportRunRecord } from './report-run.model';

// A longer analysis is a different question (and a bigger scan): ask for it in parts.
const MAX_ANALYSIS_MONTHS = 24;

const departmentId = z.string().trim().min(1).max(64).nullish();
const month = z.string().refine(isMonth, 'must be a month, YYYY-MM');

const serviceSupervisionInput = z.object({ month, departmentId });
// Both months are checked at once; the range only once both are months.
const complaintAnalysisInput = z
  .object({ fromMonth: month, toMonth: month, departmentId })
  .superRefine((input, ctx) => {
    if (!isMonth(input.fromMonth) || !isMonth(input.toMonth)) return;
    const months = monthsBetween(input.fromMonth, input.toMonth).length;
    if (months === 0) ctx.addIssue({ code: 'custom', path: ['toMonth'], message: 'must not be before fromMonth' });
    if (months > MAX_ANALYSIS_MONTHS) ctx.addIssue({ code: 'custom', path: ['toMonth'], message: `at most ${MAX_ANALYSIS_MONTHS} months per analysis` });
  });

const NOT_A_SUPERVISOR = 'Supervision reports are for the general manager, the coordinator and department managers';

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
  throw new ForbiddenError(NOT_A_SUPERVISOR);
}

/** Requesting and reading report runs; the computing happens in the ReportRunner, never on the request path. */
export class ReportsService {
  constructor(
    private readonly runs: Model<ReportRunRecord>,
    private readonly clock: Clock,
    private readonly onRequested: () => void,
  ) {}

  async requestServiceSupervision(caller: Caller, rawInput: unknown): Promise<ReportRunRecord> {
    // Permission first: a caller who may not ask gets FORBIDDEN whatever the input.
    if (!mayRequestSupervisionReports(caller)) throw new ForbiddenError(NOT_A_SUPERVISOR);
    const input = parseInput(serviceSupervisionInput, rawInput);
    return this.request(caller, 'SERVICE_SUPERVISION', { month: input.month, fromMonth: null, toMonth: null }, scopeFor(caller, input.departmentId));
  }

  async requestComplaintAnalysis(caller: Caller, rawInput: unknown): Promise<ReportRunRecord> {
    if (!mayRequestSupervisionReports(caller)) throw new ForbiddenError(NOT_A_SUPERVISOR);
    const input = parseInput(complaintAnalysisInput, rawInput);
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
