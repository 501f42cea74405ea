import { isPartner, type Caller } from '@crm/auth';
import type { CustomerScopeDirectory, ScopedRecordSource } from '@crm/customer-scope';
import { careExpenseApprovedV1, careExpenseRecordedV1, careExpenseRejectedV1, type customerCreatedV1, type customerHandedOverV1, type customerMergedV1, type EventData } from '@crm/contracts';
import { createOnce, idempotencyKeyOf, isDuplicateKeyError, upsertUnlessNewer, type StoredIdempotencyKey } from '@crm/data';
import { createEvent, updateVersioned } from '@crm/events';
import { actorOf, BadUserInputError, ConflictError, ForbiddenError, parseInput, type Clock } from '@crm/kernel';
import type { WorkingCalendarCopy } from '@crm/working-calendar';
import { isValidObjectId, Types } from 'mongoose';
import { dueBetween, type BoardItem } from '../common/board-item';
import { orConflict, readForChange } from '../common/record-access';
import { mayActForStaff } from '../common/staff-rules';
import { approveCareExpenseInput, careTasksArgs, completeCareTaskInput, MAX_TASK_SPAN_DAYS, recordCareExpenseInput, rejectCareExpenseInput, skipCareTaskInput, type RecordCareExpenseInput } from './care-input';
import {
  addDays,
  careTaskKey,
  careTasksDue,
  careTaskTitle,
  careTaskTransition,
  decemberYear,
  endOfDayIn,
  expenseDecision,
  expenseRefusal,
  giftBudget,
  holidayGreetingDays,
  mayDecideExpense,
  mayGenerateCareTasks,
  NO_CARE_LIFECYCLES,
  startOfDayIn,
  statusOnRecord,
  type CareTaskKind,
  type CustomerCategory,
  type ExpenseRefusalReason,
} from './care-rules';
import type { CareCustomerRecord, CareExpenseRecord, CareModels, CareTaskRecord } from './care.model';

export interface CarePolicy {
  /** Gift budgets per customer category, in minor units of `currency`. */
  budgets: Readonly<Record<CustomerCategory, number>>;
  currency: string;
  /** How many days ahead greetings are generated. */
  horizonDays: number;
}

/** What one generation pass made (existing tasks are not counted again). */
export interface CareGenerationSummary {
  at: Date;
  birthdayGreetings: number;
  holidayGreetings: number;
  newYearGifts: number;
  demandPlanRequests: number;
}

const summaryField: Record<CareTaskKind, keyof Omit<CareGenerationSummary, 'at'>> = {
  BIRTHDAY_GREETING: 'birthdayGreetings',
  HOLIDAY_GREETING: 'holidayGreetings',
  NEW_YEAR_GIFT: 'newYearGifts',
  DEMAND_PLAN_REQUEST: 'demandPlanRequests',
};

/** A refused expense: FORBIDDEN with a stable `reason` extension, the code of accounts' expense check (CUSTOMER_NOT_FILED). */
export class CareExpenseRefusedError extends ForbiddenError {
  constructor(
    readonly reason: ExpenseRefusalReason,
    message: string,
  ) {
    super(`The expense is refused: ${message}`, { reason });
  }
}

type SnapshotEvent = { time: string; data: Pick<EventData<typeof customerCreatedV1>, 'customer'> };

/** Customer care: greeting and December tasks for the owner, gifts and entertainment with the filing rule and a budget. */
export class CareService {
  private generating?: Promise<CareGenerationSummary>;

  constructor(
    readonly models: CareModels,
    private readonly clock: Clock,
    private readonly scopes: CustomerScopeDirectory,
    private readonly calendar: WorkingCalendarCopy,
    readonly policy: CarePolicy,
  ) {}

  // --- what accounts announces ---------------------------------------------------------------------------------

  /** customer.created / customer.updated: idempotent, an older event never rolls the copy back. */
  async applyCustomer(event: SnapshotEvent): Promise<void> {
    const c = event.data.customer;
    await upsertUnlessNewer(
      this.models.customers,
      c.id,
      { name: c.name, kind: c.kind, lifecycle: c.lifecycle, ownerId: c.ownerConsultantId, departmentId: c.departmentId, category: c.category ?? null, importance: c.importance ?? null, birthday: c.birthday ?? null, filed: c.filed ?? null },
      'asOf',
      new Date(event.time),
    );
  }

  /** customer.handed-over: the new owner takes the customer and its open care tasks. */
  async applyHandover(event: { data: EventData<typeof customerHandedOverV1> }): Promise<void> {
    const { customerId, toConsultantId, toDepartmentId, handedOverAt } = event.data;
    await upsertUnlessNewer(this.models.customers, customerId, { ownerId: toConsultantId, departmentId: toDepartmentId }, 'asOf', new Date(handedOverAt));
    const current = await this.models.customers.findById(customerId, { ownerId: 1, departmentId: 1 }).lean<Pick<CareCustomerRecord, 'ownerId' | 'departmentId'>>();
    if (current) await this.models.tasks.updateMany({ customerId, status: 'OPEN' }, { $set: { staffId: current.ownerId, departmentId: current.departmentId } });
  }

  /** customer.merged: the duplicate gets no care of its own; its open tasks are dropped (the survivor has its own). */
  async applyMerge(event: { data: EventData<typeof customerMergedV1> }): Promise<void> {
    const { duplicateId, survivorId, mergedAt } = event.data;
    await this.models.customers.updateOne({ _id: duplicateId }, { $set: { mergedInto: survivorId }, $setOnInsert: { asOf: new Date(mergedAt) } }, { upsert: true });
    await this.models.tasks.updateMany({ customerId: duplicateId, status: 'OPEN' }, { $set: { status: 'SKIPPED', completion: { by: 'system:care', at: new Date(mergedAt), note: `merged into ${survivorId}` } } });
  }

  /** The customers care knows, by id (for the relationship card). */
  async customersByIds(ids: readonly string[]): Promise<Map<string, CareCustomerRecord>> {
    const rows = await this.models.customers.find({ _id: { $in: [...new Set(ids)] } }).lean<CareCustomerRecord[]>();
    return new Map(rows.map((row) => [row._id, row]));
  }

  // --- the generation -------------------------------------------------------------------------------------------

  /** On demand (general manager, coordinator, internal apps); the same pass the job runs. */
  generateFor(caller: Caller): Promise<CareGenerationSummary> {
    if (!mayGenerateCareTasks(caller)) throw new ForbiddenError('Only the coordinator, the general manager or an internal app runs the care-task generation on demand');
    return this.generate();
  }

  /** One pass at `now`; concurrent callers share the pass in flight. */
  generate(now: Date = this.clock.now()): Promise<CareGenerationSummary> {
    this.generating ??= this.pass(now).finally(() => {
      this.generating = undefined;
    });
    return this.generating;
  }

  /**
   * Greetings within the horizon (birthdays, the first day of each holiday period) and, from the horizon's first
   * reach into December, the December tasks: each task is keyed by customer, kind and day (or year), so a pass made
   * again, on another replica or after a crash, creates nothing twice.
   */
  private async pass(now: Date): Promise<CareGenerationSummary> {
    const calendar = this.calendar.current();
    const timeZone = calendar.timeZone;
    const today = calendar.calendarDay(now);
    const horizonEnd = addDays(today, this.policy.horizonDays);
    const holidayStarts = holidayGreetingDays(calendar.config.holidays, (day) => calendar.isWorkingDay(day), today, horizonEnd);
    const window = { today, horizonEnd, holidayStarts, decemberYear: decemberYear(today, horizonEnd) };
    const holidayNames = await this.holidayNames(holidayStarts);
    const summary: CareGenerationSummary = { at: now, birthdayGreetings: 0, holidayGreetings: 0, newYearGifts: 0, demandPlanRequests: 0 };
    const filter: Record<string, unknown> = { mergedInto: { $exists: false }, lifecycle: { $nin: NO_CARE_LIFECYCLES }, ownerId: { $type: 'string' } };
    // Without a holiday or December in the window only birthdays are due: only individuals with one are read.
    if (holidayStarts.length === 0 && window.decemberYear === null) Object.assign(filter, { kind: 'INDIVIDUAL', birthday: { $type: 'string' } });
    for await (const customer of this.models.customers.find(filter).lean<CareCustomerRecord[]>().cursor()) {
      const c = customer as unknown as CareCustomerRecord;
      for (const due of careTasksDue(c, window)) {
        const task: Omit<CareTaskRecord, '_id' | 'key'> = {
          customerId: c._id,
          departmentId: c.departmentId,
          staffId: c.ownerId,
          kind: due.kind,
          title: careTaskTitle(due.kind, c.name ?? c._id, due.dueOn, holidayNames.get(due.dueOn)),
          dueOn: due.dueOn,
          dueAt: endOfDayIn(due.dueOn, timeZone),
          status: 'OPEN',
          completion: null,
          createdAt: now,
        };
        try {
          const result = await this.models.tasks.updateOne({ key: careTaskKey(c._id, due.kind, due.keyedBy) }, { $setOnInsert: { _id: new Types.ObjectId(), ...task } }, { upsert: true });
          summary[summaryField[due.kind]] += result.upsertedCount;
        } catch (error) {
          // A concurrent pass inserted the same key first.
          if (!isDuplicateKeyError(error)) throw error;
        }
      }
    }
    return summary;
  }

  /** Names of holidays as service-desk's calendar edits give them (days from the environment have none). */
  private async holidayNames(days: readonly string[]): Promise<Map<string, string>> {
    if (days.length === 0) return new Map();
    const rows = await this.calendar.days.find({ _id: { $in: [...days] }, name: { $type: 'string' } }).lean<{ _id: string; name: string }[]>();
    return new Map(rows.map((row) => [row._id, row.name]));
  }

  // --- tasks ----------------------------------------------------------------------------------------------------

  /** A staff member's care tasks due on the days [from, to] (the caller's own; managers and the coordinator anyone's). */
  async tasksOf(caller: Caller, staffId: string | null, rawArgs: unknown): Promise<CareTaskRecord[]> {
    const args = parseInput(careTasksArgs, rawArgs, 'careTasks');
    const staff = staffId ?? caller.userId;
    if (isPartner(caller) || !mayActForStaff(caller, staff)) throw new ForbiddenError(`You may not read the care tasks of ${staff}`);
    if (addDays(args.from, MAX_TASK_SPAN_DAYS) < args.to) throw new BadUserInputError('to', `must be at most ${MAX_TASK_SPAN_DAYS} days after from`);
    const timeZone = this.calendar.current().timeZone;
    const filter: Record<string, unknown> = { staffId: staff, dueAt: { $gte: startOfDayIn(args.from, timeZone), $lte: endOfDayIn(args.to, timeZone) } };
    if (args.status) filter.status = args.status;
    const tasks = await this.models.tasks.find(filter).sort({ dueAt: 1, _id: 1 }).limit(args.first).lean<CareTaskRecord[]>();
    const visible = await this.scopes.visibleCustomerIds(caller, [...new Set(tasks.map((t) => t.customerId))], this.clock.now());
    return tasks.filter((t) => visible.has(t.customerId));
  }

  complete(caller: Caller, rawInput: unknown): Promise<CareTaskRecord> {
    const input = parseInput(completeCareTaskInput, rawInput);
    return this.close(caller, input.id, 'COMPLETE', input.note);
  }

  skip(caller: Caller, rawInput: unknown): Promise<CareTaskRecord> {
    const input = parseInput(skipCareTaskInput, rawInput);
    return this.close(caller, input.id, 'SKIP', input.reason);
  }

  private async close(caller: Caller, id: string, action: 'COMPLETE' | 'SKIP', note: string | null): Promise<CareTaskRecord> {
    const now = this.clock.now();
    const task = await readForChange(caller, id, this.taskRecords, this.scopes, now);
    if (!mayActForStaff(caller, task.staffId)) throw new ForbiddenError("Only the task's staff member, a manager or the coordinator closes a care task");
    const status = careTaskTransition(task.status, action);
    const saved = await this.models.tasks.findOneAndUpdate({ _id: task._id, status: 'OPEN' }, { $set: { status, completion: { by: caller.userId, at: now, note } } }, { returnDocument: 'after' }).lean<CareTaskRecord>();
    if (!saved) throw new ConflictError('The care task was closed by someone else meanwhile; reload it');
    return saved;
  }

  /** Board items: the staff member's open care tasks due in [from, to), by due time. */
  async openWork(staffId: string, from: Date | null, to: Date, limit: number): Promise<(Omit<BoardItem, 'kind'> & { kind: 'CARE_TASK' })[]> {
    const open = await this.models.tasks
      .find({ staffId, status: 'OPEN', dueAt: dueBetween(from, to) })
      .sort({ dueAt: 1, _id: 1 })
      .limit(limit)
      .lean<CareTaskRecord[]>();
    return open.map((task) => ({ kind: 'CARE_TASK', recordId: String(task._id), customerId: task.customerId, title: task.title, dueAt: task.dueAt, state: task.status, record: task }));
  }

  readonly taskRecords: ScopedRecordSource<CareTaskRecord> = {
    entity: 'CareTask',
    fetch: (ids) => this.models.tasks.find({ _id: { $in: ids.filter((id) => isValidObjectId(id)) } }).lean<CareTaskRecord[]>().exec(),
    idOf: (t) => String(t._id),
    customerIdOf: (t) => t.customerId,
    departmentIdOf: (t) => t.departmentId,
  };

  // --- expenses -------------------------------------------------------------------------------------------------

  /**
   * A gift or an entertainment expense. Refused (FORBIDDEN with the reason, nothing written) for a customer that is
   * not filed or was removed, as accounts announced it; a gift above the budget of the customer's category waits
   * for the department manager.
   */
  async record(caller: Caller, rawInput: unknown): Promise<CareExpenseRecord> {
    if (isPartner(caller)) throw new ForbiddenError('Partners cannot record care expenses');
    const input = parseInput(recordCareExpenseInput, rawInput);
    return createOnce(this.models.expenses, idempotencyKeyOf(caller.userId, input.idempotencyKey), (stored) => this.recordNew(caller, input, stored));
  }

  private async recordNew(caller: Caller, input: RecordCareExpenseInput, stored: StoredIdempotencyKey): Promise<CareExpenseRecord> {
    const now = this.clock.now();
    const problems = [];
    if (input.spentOn > this.calendar.current().calendarDay(now)) problems.push({ field: 'input.spentOn', message: 'cannot lie in the future' });
    const visible = await this.scopes.canSee(caller, input.customerId, now);
    const customer = visible ? ((await this.customersByIds([input.customerId])).get(input.customerId) ?? null) : null;
    if (!visible || !customer) problems.push({ field: 'input.customerId', message: 'no such customer (or accounts has not announced it to engagement yet)' });
    if (problems.length > 0) throw new BadUserInputError(problems[0].field, problems[0].message, problems);
    const refusal = expenseRefusal(customer!.mergedInto ? null : customer);
    if (refusal) throw new CareExpenseRefusedError(refusal.reason, refusal.message);
    const budget = input.kind === 'GIFT' ? giftBudget(this.policy.budgets, this.policy.currency, customer!.category) : null;
    const status = budget ? statusOnRecord(input.kind, input.amount, budget) : 'APPROVED';
    const record: Omit<CareExpenseRecord, 'pendingEvents'> = {
      _id: new Types.ObjectId(),
      customerId: input.customerId,
      departmentId: customer!.departmentId,
      kind: input.kind,
      amount: input.amount,
      description: input.description,
      spentOn: input.spentOn,
      status,
      budget,
      recordedBy: caller.userId,
      recordedAt: now,
      decision: null,
      revision: 0,
    };
    const event = createEvent(careExpenseRecordedV1, {
      subject: String(record._id),
      actor: actorOf(caller),
      time: now,
      data: { ...this.eventData(record), status: status === 'APPROVED' ? 'APPROVED' : 'PENDING_APPROVAL', budgetMinor: budget?.amountMinor ?? null },
    });
    const created = await this.models.expenses.create({ ...record, pendingEvents: [event], ...stored });
    return created.toObject();
  }

  async approve(caller: Caller, rawInput: unknown): Promise<CareExpenseRecord> {
    const input = parseInput(approveCareExpenseInput, rawInput);
    return this.decide(caller, input.id, true, input.note);
  }

  async reject(caller: Caller, rawInput: unknown): Promise<CareExpenseRecord> {
    const input = parseInput(rejectCareExpenseInput, rawInput);
    return this.decide(caller, input.id, false, input.reason);
  }

  private async decide(caller: Caller, id: string, approve: boolean, reason: string | null): Promise<CareExpenseRecord> {
    const now = this.clock.now();
    const expense = await readForChange(caller, id, this.expenseRecords, this.scopes, now);
    if (!mayDecideExpense(caller, expense)) throw new ForbiddenError("Only the customer's department manager (or the general manager) decides a gift above the budget, never their own");
    const status = expenseDecision(expense.status, approve);
    const decision = { approved: approve, decidedBy: caller.userId, decidedAt: now, reason };
    const event = approve
      ? createEvent(careExpenseApprovedV1, { subject: id, actor: actorOf(caller), time: now, data: { ...this.eventData(expense), approvedBy: caller.userId } })
      : createEvent(careExpenseRejectedV1, { subject: id, actor: actorOf(caller), time: now, data: { ...this.eventData(expense), rejectedBy: caller.userId, reason: reason! } });
    return orConflict(updateVersioned(this.models.expenses, expense, { $set: { status, decision } }, [event], { guard: { status: expense.status } }), 'The expense');
  }

  private eventData(expense: Omit<CareExpenseRecord, 'pendingEvents'>) {
    return {
      expenseId: String(expense._id),
      customerId: expense.customerId,
      departmentId: expense.departmentId,
      kind: expense.kind,
      amount: { amountMinor: expense.amount.amountMinor, currency: expense.amount.currency },
      description: expense.description,
      spentOn: expense.spentOn,
      recordedBy: expense.recordedBy,
    };
  }

  /** Gifts waiting for the caller's decision: their department's (every one for the general manager), oldest first. */
  async awaitingApproval(caller: Caller, limit: number): Promise<CareExpenseRecord[]> {
    if (isPartner(caller) || !(caller.roles.includes('department_manager') || caller.roles.includes('general_manager'))) return [];
    const filter: Record<string, unknown> = { status: 'PENDING_APPROVAL' };
    if (!caller.roles.includes('general_manager')) filter.departmentId = caller.departmentId ?? '\u0000none';
    const waiting = await this.models.expenses.find(filter).sort({ recordedAt: 1, _id: 1 }).limit(limit).lean<CareExpenseRecord[]>();
    const visible = await this.scopes.visibleCustomerIds(caller, [...new Set(waiting.map((e) => e.customerId))], this.clock.now());
    return waiting.filter((e) => visible.has(e.customerId) && e.recordedBy !== caller.userId);
  }

  /** The latest `limit` expenses of each customer, newest first: one aggregation per batch. */
  async latestExpensesFor(customerIds: readonly string[], limit: number): Promise<CareExpenseRecord[]> {
    const groups = await this.models.expenses.aggregate<{ _id: string; latest: CareExpenseRecord[] }>([
      { $match: { customerId: { $in: [...customerIds] } } },
      { $sort: { customerId: 1, recordedAt: -1, _id: -1 } },
      { $group: { _id: '$customerId', latest: { $push: '$$ROOT' } } },
      { $project: { latest: { $slice: ['$latest', limit] } } },
    ]);
    return groups.flatMap((group) => group.latest);
  }

  readonly expenseRecords: ScopedRecordSource<CareExpenseRecord> = {
    entity: 'CareExpense',
    fetch: (ids) => this.models.expenses.find({ _id: { $in: ids.filter((id) => isValidObjectId(id)) } }).lean<CareExpenseRecord[]>().exec(),
    idOf: (e) => String(e._id),
    customerIdOf: (e) => e.customerId,
    departmentIdOf: (e) => e.departmentId,
  };
}
