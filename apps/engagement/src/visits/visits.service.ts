import { countByStaffAndCustomer, type StaffCustomerCount } from '../common/staff-counts';
import { dueBetween, type BoardItem } from '../common/board-item';
import type { Caller } from '@crm/auth';
import type { CustomerScopeDirectory, ScopedRecordSource } from '@crm/customer-scope';
import { visitApprovedV1, visitPlannedV1, visitRejectedV1 } from '@crm/contracts';
import { createOnce, idempotencyKeyOf, type StoredIdempotencyKey } from '@crm/data';
import { createEvent, updateVersioned, type CloudEvent } from '@crm/events';
import { actorOf, BadUserInputError, ForbiddenError, parseInput, type Clock, type InputProblem } from '@crm/kernel';
import { isValidObjectId, Types, type Model } from 'mongoose';
import { orConflict, readForChange } from '../common/record-access';
import { approveVisitInput, planVisitInput, rejectVisitInput, reportVisitInput, type PlanVisitInput, type ReportVisitInput } from './visit-input';
import { mayDecideVisit, mayPlanVisitFor, mayPlanVisits, mayReportVisit, plannedAtProblem, visitedAtProblem, visitTransition } from './visit-rules';
import type { VisitRecord, VisitReportRecord } from './visit.model';

/** What happens once a visit is reported (minutes open, a return visit completes); each is idempotent on the visit id. */
export type VisitReportedHook = (visit: VisitRecord, caller: Caller) => Promise<void>;

/** Checks a report's extra references before anything is written (a return visit it completes). */
export type VisitReportCheck = (caller: Caller, visit: VisitRecord, input: ReportVisitInput) => Promise<InputProblem[]>;

/** Visit plans, the manager's decision and the visit reports. */
export class VisitsService {
  private readonly reportedHooks: VisitReportedHook[] = [];
  private readonly reportChecks: VisitReportCheck[] = [];

  constructor(
    readonly visits: Model<VisitRecord>,
    private readonly clock: Clock,
    private readonly scopes: CustomerScopeDirectory,
    /** The event a reported visit publishes with its report (crm.engagement.visit.reported). */
    private readonly reportedEvent: (visit: VisitRecord, report: VisitReportRecord, caller: Caller) => CloudEvent,
  ) {}

  /** Another plugin acts on reported visits (minutes, return visits). */
  onReported(hook: VisitReportedHook): void {
    this.reportedHooks.push(hook);
  }

  /** Another plugin checks a report's input before it is written. */
  checkReport(check: VisitReportCheck): void {
    this.reportChecks.push(check);
  }

  async plan(caller: Caller, rawInput: unknown): Promise<VisitRecord> {
    if (!mayPlanVisits(caller)) throw new ForbiddenError('Partners cannot plan visits');
    const input = parseInput(planVisitInput, rawInput);
    const staffId = input.staffId ?? caller.userId;
    if (!mayPlanVisitFor(caller, staffId)) throw new ForbiddenError('Only managers and the coordinator may plan visits for someone else');
    return createOnce(this.visits, idempotencyKeyOf(caller.userId, input.idempotencyKey), (stored) => this.planNew(caller, input, staffId, stored));
  }

  private async planNew(caller: Caller, input: PlanVisitInput, staffId: string, stored: StoredIdempotencyKey): Promise<VisitRecord> {
    const now = this.clock.now();
    const problems: InputProblem[] = [];
    const when = plannedAtProblem(input.plannedAt, now);
    if (when) problems.push({ field: 'input.plannedAt', message: when });
    const departmentId = (await this.scopes.canSee(caller, input.customerId, now)) ? (await this.scopes.departmentsOf([input.customerId])).get(input.customerId) : undefined;
    // A customer the caller may not read does not exist for them; one accounts has not announced has no manager yet.
    if (!departmentId) problems.push({ field: 'input.customerId', message: 'no such customer (or accounts has not announced it yet)' });
    if (problems.length > 0) throw new BadUserInputError(problems[0].field, problems[0].message, problems);
    const record: Omit<VisitRecord, 'pendingEvents'> = {
      _id: new Types.ObjectId(),
      customerId: input.customerId,
      departmentId: departmentId!,
      kind: input.kind,
      purpose: input.purpose,
      goals: input.goals,
      product: input.product,
      accompanyingStaffIds: input.accompanyingStaffIds,
      plannedAt: input.plannedAt,
      staffId,
      status: 'PLANNED',
      plannedBy: caller.userId,
      createdAt: now,
      decision: null,
      report: null,
      revision: 0,
    };
    const event = createEvent(visitPlannedV1, {
      subject: String(record._id),
      actor: actorOf(caller),
      time: now,
      data: { visitId: String(record._id), customerId: record.customerId, departmentId: record.departmentId, staffId, kind: record.kind, purpose: record.purpose, plannedAt: record.plannedAt.toISOString() },
    });
    const created = await this.visits.create({ ...record, pendingEvents: [event], ...stored });
    return created.toObject();
  }

  async approve(caller: Caller, rawInput: unknown): Promise<VisitRecord> {
    const input = parseInput(approveVisitInput, rawInput);
    const now = this.clock.now();
    const visit = await readForChange(caller, input.id, this.records, this.scopes, now);
    if (!mayDecideVisit(caller, visit)) throw new ForbiddenError("Only the customer's department manager (or the general manager) decides a visit plan, never their own");
    const status = visitTransition(visit.status, 'APPROVE');
    const decision = { approved: true, decidedBy: caller.userId, decidedAt: now, reason: input.note };
    const event = createEvent(visitApprovedV1, {
      subject: input.id,
      actor: actorOf(caller),
      time: now,
      data: { visitId: input.id, customerId: visit.customerId, staffId: visit.staffId, kind: visit.kind, plannedAt: visit.plannedAt.toISOString(), approvedBy: caller.userId },
    });
    return orConflict(updateVersioned(this.visits, visit, { $set: { status, decision } }, [event], { guard: { status: visit.status } }), 'The visit');
  }

  async reject(caller: Caller, rawInput: unknown): Promise<VisitRecord> {
    const input = parseInput(rejectVisitInput, rawInput);
    const now = this.clock.now();
    const visit = await readForChange(caller, input.id, this.records, this.scopes, now);
    if (!mayDecideVisit(caller, visit)) throw new ForbiddenError("Only the customer's department manager (or the general manager) decides a visit plan, never their own");
    const status = visitTransition(visit.status, 'REJECT');
    const decision = { approved: false, decidedBy: caller.userId, decidedAt: now, reason: input.reason };
    const event = createEvent(visitRejectedV1, {
      subject: input.id,
      actor: actorOf(caller),
      time: now,
      data: { visitId: input.id, customerId: visit.customerId, staffId: visit.staffId, rejectedBy: caller.userId, reason: input.reason },
    });
    return orConflict(updateVersioned(this.visits, visit, { $set: { status, decision } }, [event], { guard: { status: visit.status } }), 'The visit');
  }

  async report(caller: Caller, rawInput: unknown): Promise<VisitRecord> {
    const input = parseInput(reportVisitInput, rawInput);
    const now = this.clock.now();
    const visit = await readForChange(caller, input.id, this.records, this.scopes, now);
    if (!mayReportVisit(caller, visit)) throw new ForbiddenError('Only the staff member who made the visit, their manager or the coordinator reports it');
    const status = visitTransition(visit.status, 'REPORT');
    const problems: InputProblem[] = [];
    const when = visitedAtProblem(input.visitedAt, now);
    if (when) problems.push({ field: 'input.visitedAt', message: when });
    for (const check of this.reportChecks) problems.push(...(await check(caller, visit, input)));
    if (problems.length > 0) throw new BadUserInputError(problems[0].field, problems[0].message, problems);
    const { id: _id, ...fields } = input;
    const report: VisitReportRecord = { ...fields, reportedBy: caller.userId, reportedAt: now };
    const events = [this.reportedEvent(visit, report, caller)];
    const saved = await orConflict(updateVersioned(this.visits, visit, { $set: { status, report } }, events, { guard: { status: visit.status } }), 'The visit');
    for (const hook of this.reportedHooks) await hook(saved, caller);
    return saved;
  }

  /** Visits as the read rule reads them (`visit(id)`, references, mutation targets). */
  readonly records: ScopedRecordSource<VisitRecord> = {
    entity: 'Visit',
    fetch: (ids) => this.findByIds(ids),
    idOf: (v) => String(v._id),
    customerIdOf: (v) => v.customerId,
    departmentIdOf: (v) => v.departmentId,
  };

  findByIds(ids: readonly string[]): Promise<VisitRecord[]> {
    const valid = ids.filter((id) => isValidObjectId(id));
    return this.visits.find({ _id: { $in: valid } }).lean<VisitRecord[]>().exec();
  }

  /** The latest `limit` visits of each customer (by planned time, newest first): one aggregation per batch. */
  async newestForCustomers(customerIds: readonly string[], limit: number): Promise<VisitRecord[]> {
    const groups = await this.visits.aggregate<{ _id: string; latest: VisitRecord[] }>([
      { $match: { customerId: { $in: [...customerIds] } } },
      { $sort: { customerId: 1, plannedAt: -1, _id: -1 } },
      { $group: { _id: '$customerId', latest: { $push: '$$ROOT' } } },
      { $project: { latest: { $slice: ['$latest', limit] } } },
    ]);
    return groups.flatMap((group) => group.latest);
  }

  /** The visits these staff members reported with a visit time in [from, to), in time order: one query for the batch (daily reports). */
  reportedOfStaffBetween(staffIds: readonly string[], from: Date, to: Date): Promise<VisitRecord[]> {
    return this.visits.find({ staffId: { $in: [...staffIds] }, status: 'REPORTED', 'report.visitedAt': { $gte: from, $lt: to } }).sort({ 'report.visitedAt': 1, _id: 1 }).lean<VisitRecord[]>().exec();
  }

  /** Reported visits of these staff members with a visit time in [from, to): one query for the batch. */
  reportedByStaff(staffIds: readonly string[], from: Date, to: Date): Promise<StaffCustomerCount[]> {
    return countByStaffAndCustomer(this.visits as never, { staffId: { $in: [...staffIds] }, status: 'REPORTED', 'report.visitedAt': { $gte: from, $lt: to } });
  }

  /** Board items: the staff member's visits still to make (planned or approved, theirs or accompanied), by planned time. */
  async openWork(staffId: string, from: Date | null, to: Date, limit: number): Promise<BoardItem[]> {
    const open = await this.visits
      .find({ $or: [{ staffId }, { accompanyingStaffIds: staffId }], status: { $in: ['PLANNED', 'APPROVED'] }, plannedAt: dueBetween(from, to) })
      .sort({ plannedAt: 1, _id: 1 })
      .limit(limit)
      .lean<VisitRecord[]>()
      .exec();
    return open.map((visit) => ({ kind: 'VISIT', recordId: String(visit._id), customerId: visit.customerId, title: `Visit: ${visit.purpose}`, dueAt: visit.plannedAt, state: visit.status, record: visit }));
  }

  /** Plans waiting for a decision, the caller's to decide: their department's (every one for the general manager). */
  waitingFor(caller: Caller, limit: number): Promise<VisitRecord[]> {
    const filter: Record<string, unknown> = { status: 'PLANNED' };
    if (!caller.roles.includes('general_manager')) filter.departmentId = caller.departmentId ?? '\u0000none';
    return this.visits.find(filter).sort({ plannedAt: 1, _id: 1 }).limit(limit).lean<VisitRecord[]>().exec();
  }
}
