import { isPartner, type Caller } from '@crm/auth';
import { assertRecordId, type CustomerScopeDirectory } from '@crm/customer-scope';
import { urgentReportFiledV1 } from '@crm/contracts';
import { createOnce, idempotencyKeyOf, isDuplicateKeyError, type StoredIdempotencyKey } from '@crm/data';
import { createEvent } from '@crm/events';
import { actorOf, BadUserInputError, ConflictError, ForbiddenError, NotFoundError, parseInput, type Clock } from '@crm/kernel';
import { isValidCalendarDay, type WorkingCalendarCopy } from '@crm/working-calendar';
import { Types, type Model } from 'mongoose';
import type { InteractionRecord } from '../interactions/interaction.model';
import type { InteractionsService } from '../interactions/interactions.service';
import type { ReturnVisitsService } from '../return-visits/return-visits.service';
import type { VisitRecord } from '../visits/visit.model';
import type { VisitsService } from '../visits/visits.service';
import { dailyReportInput, fileUrgentReportInput, markUrgentReportReadInput, type DailyReportInput, type FileUrgentReportInput } from './reports-input';
import { dayBounds, dayOf, keepsUrgentInbox, mayReadDailyReport, mayReadUrgentReport, mayWriteDailyReport, receivesUrgentReport, reportDayProblem, rollUpDepartment, urgentReportDepartment, type DailyReportStatus } from './report-rules';
import type { DailyReportRecord, UrgentReportRecord } from './reports.model';

/** A staff member's day as the daily report shows it: their own words and what the records say they did. */
export interface DailyReportView {
  id: string;
  staffId: string;
  day: string;
  status: DailyReportStatus;
  summary: string | null;
  plan: string | null;
  submittedAt: Date | null;
  /** The day's interactions and reported visits with customers the reader may read. */
  interactions: InteractionRecord[];
  visits: VisitRecord[];
  /** Counts of everything done that day, whoever the customer (numbers name no customer). */
  interactionCount: number;
  visitCount: number;
  returnVisitsCompleted: number;
}

/** A department's day: every staff member's report, submitted or not. */
export interface DepartmentDailyReportView {
  id: string;
  departmentId: string;
  day: string;
  reports: DailyReportView[];
  submittedCount: number;
  missingCount: number;
}

/** A caller's inbox as asked: which reports are theirs, and which of those they have not read. */
export interface UrgentInboxView {
  mine: Record<string, unknown>;
  unread: Record<string, unknown>;
  unreadOnly: boolean;
}

const reportKey = (staffId: string, day: string) => `${staffId}|${day}`;

/** Daily reports, the department roll-up, and urgent reports with the manager's inbox. */
export class ReportsService {
  constructor(
    readonly dailyReports: Model<DailyReportRecord>,
    readonly urgentReports: Model<UrgentReportRecord>,
    private readonly interactions: InteractionsService,
    private readonly visits: VisitsService,
    private readonly returnVisits: ReturnVisitsService,
    private readonly scopes: CustomerScopeDirectory,
    private readonly calendar: WorkingCalendarCopy,
    private readonly clock: Clock,
  ) {}

  private get timeZone(): string {
    return this.calendar.current().config.timeZone;
  }

  /** The day asked for (today in the calendar's time zone when none), checked. */
  private dayOrToday(day: string | null, field: string): string {
    if (day === null) return dayOf(this.clock.now(), this.timeZone);
    if (!isValidCalendarDay(day)) throw new BadUserInputError(field, 'must be a calendar day, YYYY-MM-DD');
    return day;
  }

  async dailyReport(caller: Caller, staffId: string | null, day: string | null): Promise<DailyReportView> {
    const staff = staffId ?? caller.userId;
    if (isPartner(caller) || !mayReadDailyReport(caller, staff)) throw new ForbiddenError(`You may not read the daily reports of ${staff}`);
    const [view] = await this.build(caller, [staff], this.dayOrToday(day, 'day'));
    return view;
  }

  async departmentDailyReport(caller: Caller, departmentId: string | null, day: string | null): Promise<DepartmentDailyReportView> {
    const department = rollUpDepartment(caller, departmentId);
    if ('refused' in department) throw new ForbiddenError(department.refused);
    const theDay = this.dayOrToday(day, 'day');
    const staffIds = await this.staffOf(department.departmentId, theDay);
    const reports = await this.build(caller, staffIds, theDay);
    const submittedCount = reports.filter((r) => r.status === 'SUBMITTED').length;
    return { id: `${department.departmentId}|${theDay}`, departmentId: department.departmentId, day: theDay, reports, submittedCount, missingCount: reports.length - submittedCount };
  }

  /**
   * A department's staff as engagement knows them: the owners and assigned staff of the department's customers
   * (its copy of accounts' customers) and whoever wrote a report of the day in the department.
   */
  private async staffOf(departmentId: string, day: string): Promise<string[]> {
    const [customers, written] = await Promise.all([
      this.scopes.scopes.find({ departmentId }, { ownerId: 1, assignedStaffIds: 1 }).lean<{ ownerId: string; assignedStaffIds?: string[] }[]>().exec(),
      this.dailyReports.find({ day, departmentId }, { staffId: 1 }).lean<Pick<DailyReportRecord, 'staffId'>[]>().exec(),
    ]);
    const staff = new Set<string>();
    for (const customer of customers) [customer.ownerId, ...(customer.assignedStaffIds ?? [])].forEach((id) => staff.add(id));
    for (const report of written) staff.add(report.staffId);
    return [...staff].sort();
  }

  /** The day of each staff member: one query per collection and one visibility check for the whole batch. */
  private async build(caller: Caller, staffIds: string[], day: string): Promise<DailyReportView[]> {
    if (staffIds.length === 0) return [];
    const { from, to } = dayBounds(day, this.timeZone);
    const [stored, interactions, visits, returnVisits] = await Promise.all([
      this.dailyReports.find({ _id: { $in: staffIds.map((id) => reportKey(id, day)) } }).lean<DailyReportRecord[]>().exec(),
      this.interactions.ofStaffBetween(staffIds, from, to),
      this.visits.reportedOfStaffBetween(staffIds, from, to),
      this.returnVisits.visits.find({ staffId: { $in: staffIds }, status: 'COMPLETED', 'completion.completedAt': { $gte: from, $lt: to } }, { staffId: 1 }).lean<{ staffId: string }[]>().exec(),
    ]);
    const customerIds = [...new Set([...interactions, ...visits].map((r) => r.customerId))];
    const visible = await this.scopes.visibleCustomerIds(caller, customerIds, this.clock.now());
    const byId = new Map(stored.map((r) => [r._id, r]));
    return staffIds.map((staffId) => {
      const own = byId.get(reportKey(staffId, day));
      const theirInteractions = interactions.filter((i) => i.staffId === staffId);
      const theirVisits = visits.filter((v) => v.staffId === staffId);
      return {
        id: reportKey(staffId, day),
        staffId,
        day,
        status: own?.status ?? 'NOT_STARTED',
        summary: own?.summary ?? null,
        plan: own?.plan ?? null,
        submittedAt: own?.submittedAt ?? null,
        interactions: theirInteractions.filter((i) => visible.has(i.customerId)),
        visits: theirVisits.filter((v) => visible.has(v.customerId)),
        interactionCount: theirInteractions.length,
        visitCount: theirVisits.length,
        returnVisitsCompleted: returnVisits.filter((v) => v.staffId === staffId).length,
      };
    });
  }

  /** Save the caller's summary and plan of a day as a draft (again and again until submitted). */
  saveDraft(caller: Caller, rawInput: unknown): Promise<DailyReportView> {
    return this.write(caller, rawInput, false);
  }

  /** Submit the caller's report of a day: once; a summary is required (given now or saved before). */
  submit(caller: Caller, rawInput: unknown): Promise<DailyReportView> {
    return this.write(caller, rawInput, true);
  }

  private async write(caller: Caller, rawInput: unknown, submit: boolean): Promise<DailyReportView> {
    if (!mayWriteDailyReport(caller, caller.userId)) throw new ForbiddenError('Partners write no daily reports');
    const input: DailyReportInput = parseInput(dailyReportInput, rawInput);
    const now = this.clock.now();
    const problem = reportDayProblem(input.day, now, this.timeZone);
    if (problem) throw new BadUserInputError('input.day', problem);
    const key = reportKey(caller.userId, input.day);
    const existing = await this.dailyReports.findById(key).lean<DailyReportRecord>().exec();
    if (existing?.status === 'SUBMITTED') throw new ConflictError(`The daily report of ${input.day} was submitted already`, { submittedAt: existing.submittedAt });
    const summary = input.summary ?? existing?.summary ?? null;
    const plan = input.plan ?? existing?.plan ?? null;
    if (submit && !summary) throw new BadUserInputError('input.summary', 'is required to submit the report (say what the day achieved)');
    const set: Partial<DailyReportRecord> = { summary, plan, savedAt: now, ...(submit ? { status: 'SUBMITTED', submittedAt: now } : {}) };
    const onInsert: Partial<DailyReportRecord> = { staffId: caller.userId, departmentId: caller.departmentId ?? null, day: input.day, ...(submit ? {} : { status: 'DRAFT', submittedAt: null }) };
    // Guarded on the status: a submission at the same moment makes this write miss and the insert fail on the key.
    const written = await this.dailyReports.updateOne({ _id: key, status: { $ne: 'SUBMITTED' } }, { $set: set, $setOnInsert: onInsert }, { upsert: true }).catch((error: unknown) => {
      throw isDuplicateKeyError(error) ? new ConflictError(`The daily report of ${input.day} was submitted already`) : error;
    });
    if (written.matchedCount === 0 && written.upsertedCount === 0) throw new ConflictError(`The daily report of ${input.day} was submitted already`);
    const [view] = await this.build(caller, [caller.userId], input.day);
    return view;
  }

  /** File an urgent report: in the department manager's inbox at once (crm.engagement.urgent-report.filed in the same write). */
  async fileUrgent(caller: Caller, rawInput: unknown): Promise<UrgentReportRecord> {
    if (isPartner(caller)) throw new ForbiddenError('Partners file no urgent reports');
    const input = parseInput(fileUrgentReportInput, rawInput);
    return createOnce(this.urgentReports, idempotencyKeyOf(caller.userId, input.idempotencyKey), (stored) => this.fileNew(caller, input, stored));
  }

  private async fileNew(caller: Caller, input: FileUrgentReportInput, stored: StoredIdempotencyKey): Promise<UrgentReportRecord> {
    const now = this.clock.now();
    let customerDepartment: string | undefined;
    if (input.customerId) {
      // A customer the caller may not read does not exist for them.
      if (!(await this.scopes.canSee(caller, input.customerId, now))) throw new BadUserInputError('input.customerId', 'no such customer');
      customerDepartment = (await this.scopes.departmentsOf([input.customerId])).get(input.customerId);
    }
    const departmentId = urgentReportDepartment(caller.departmentId, customerDepartment);
    if (!departmentId) throw new BadUserInputError('input.customerId', 'name the customer: you belong to no department, so the report goes to the manager of the customer\u2019s');
    const record: Omit<UrgentReportRecord, 'pendingEvents'> = { _id: new Types.ObjectId(), ...input, departmentId, filedBy: caller.userId, filedAt: now, reads: [] };
    delete (record as { idempotencyKey?: unknown }).idempotencyKey;
    const event = createEvent(urgentReportFiledV1, {
      subject: String(record._id),
      actor: actorOf(caller),
      time: now,
      data: { reportId: String(record._id), kind: record.kind, departmentId, customerId: record.customerId, title: record.title, details: record.details, product: record.product, competitor: record.competitor, filedBy: caller.userId, filedAt: now.toISOString() },
    });
    return (await this.urgentReports.create({ ...record, pendingEvents: [event], ...stored })).toObject();
  }

  /** The caller's inbox: their department's urgent reports (every one for the general manager), newest first. */
  inbox(caller: Caller, unreadOnly: boolean): UrgentInboxView {
    if (!keepsUrgentInbox(caller)) throw new ForbiddenError('Only department managers and the general manager keep an urgent-report inbox');
    const mine: Record<string, unknown> = caller.roles.includes('general_manager') ? {} : { departmentId: caller.departmentId ?? '\u0000none' };
    return { mine, unread: { ...mine, 'reads.userId': { $ne: caller.userId } }, unreadOnly };
  }

  /** The inbox's reports, newest first, at most `limit`. */
  inboxReports(inbox: UrgentInboxView, limit: number): Promise<UrgentReportRecord[]> {
    return this.urgentReports.find(inbox.unreadOnly ? inbox.unread : inbox.mine).sort({ filedAt: -1, _id: -1 }).limit(limit).lean<UrgentReportRecord[]>().exec();
  }

  /** How many of the inbox's reports the caller has not read. */
  inboxUnreadCount(inbox: UrgentInboxView): Promise<number> {
    return this.urgentReports.countDocuments(inbox.unread).exec();
  }

  async urgentReport(caller: Caller, id: string): Promise<UrgentReportRecord> {
    if (isPartner(caller)) throw new ForbiddenError('Partners see no urgent reports');
    assertRecordId(id, 'id');
    const report = await this.urgentReports.findById(id).lean<UrgentReportRecord>().exec();
    if (!report) throw new NotFoundError('UrgentReport', id);
    if (!mayReadUrgentReport(caller, report)) throw new ForbiddenError('Only the one who filed an urgent report and its department manager (or the general manager) read it');
    return report;
  }

  /** The caller read a report of their inbox (once: marking it again changes nothing). */
  async markRead(caller: Caller, rawInput: unknown): Promise<UrgentReportRecord> {
    if (isPartner(caller)) throw new ForbiddenError('Partners see no urgent reports');
    const { id } = parseInput(markUrgentReportReadInput, rawInput);
    assertRecordId(id, 'input.id');
    const report = await this.urgentReports.findById(id).lean<UrgentReportRecord>().exec();
    if (!report) throw new NotFoundError('UrgentReport', id);
    if (!receivesUrgentReport(caller, report)) throw new ForbiddenError('Only the department manager (or the general manager) marks an urgent report read');
    const saved = await this.urgentReports
      .findOneAndUpdate({ _id: report._id, 'reads.userId': { $ne: caller.userId } }, { $push: { reads: { userId: caller.userId, readAt: this.clock.now() } } }, { returnDocument: 'after' })
      .lean<UrgentReportRecord>()
      .exec();
    return saved ?? (await this.urgentReports.findById(id).lean<UrgentReportRecord>().exec())!;
  }
}
