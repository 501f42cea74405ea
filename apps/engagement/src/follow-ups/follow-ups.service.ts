import { isPartner, type Caller } from '@crm/auth';
import type { CustomerScopeDirectory, ScopedRecordSource } from '@crm/customer-scope';
import { followUpCancelledV1, followUpCompletedV1, followUpOverdueV1, followUpPlannedV1, type customerCreatedV1, type EventData } from '@crm/contracts';
import { createOnce, idempotencyKeyOf, isDuplicateKeyError, upsertUnlessNewer, type StoredIdempotencyKey } from '@crm/data';
import { createEvent, StaleRevisionError, updateVersioned, type CloudEvent } from '@crm/events';
import { BadUserInputError, ConflictError, ForbiddenError, parseInput, type Clock, type InputProblem } from '@crm/kernel';
import type { WorkingCalendarCopy } from '@crm/working-calendar';
import { isValidObjectId, Types, type Model } from 'mongoose';
import { dueBetween, type BoardItem } from '../common/board-item';
import { orConflict, readForChange } from '../common/record-access';
import { mayActForStaff } from '../common/staff-rules';
import { completeFollowUpInput, planFollowUpInput, type PlanFollowUpInput } from './follow-up-input';
import { completesByContact, conversionFollowUps, customerStageOf, dueAtProblem, hasConverted, nextByCadence, prospectContact, type FollowUpCadence, type PlannedFollowUp } from './follow-up-rules';
import type { FollowUpCompletionRecord, FollowUpCustomerRecord, FollowUpOriginKind, FollowUpRecord } from './follow-up.model';

type Actor = { userId: string; roles: string[] };
const SYSTEM_ACTOR: Actor = { userId: 'system:follow-ups', roles: ['internal_app'] };

/** A board item of a follow-up: the kanban shows it once its kinds include FOLLOW_UP. */
export type FollowUpBoardItem = Omit<BoardItem, 'kind'> & { kind: 'FOLLOW_UP' };

/** What completes a follow-up besides the staff member's explicit word: a logged interaction or a reported visit. */
export interface FollowUpContact {
  customerId: string;
  at: Date;
  by: 'INTERACTION' | 'VISIT';
  recordId: string;
  completedBy: string;
}

type CustomerSnapshot = EventData<typeof customerCreatedV1>['customer'];

/** Follow-up plans per purchase stage, their cadence, completion and overdue follow-ups. */
export class FollowUpsService {
  constructor(
    readonly followUps: Model<FollowUpRecord>,
    readonly customers: Model<FollowUpCustomerRecord>,
    private readonly scopes: CustomerScopeDirectory,
    private readonly calendar: WorkingCalendarCopy,
    private readonly clock: Clock,
    readonly cadence: FollowUpCadence,
  ) {}

  private get timeZone(): string {
    return this.calendar.current().config.timeZone;
  }

  /** Plan a follow-up by hand (the staff member, or a manager or the coordinator for them). */
  async plan(caller: Caller, rawInput: unknown): Promise<FollowUpRecord> {
    if (isPartner(caller)) throw new ForbiddenError('Partners plan no follow-ups');
    const input = parseInput(planFollowUpInput, rawInput);
    const staffId = input.staffId ?? caller.userId;
    if (!mayActForStaff(caller, staffId)) throw new ForbiddenError('Only managers and the coordinator plan follow-ups for someone else');
    return createOnce(this.followUps, idempotencyKeyOf(caller.userId, input.idempotencyKey), (stored) => this.planByHand(caller, input, staffId, stored));
  }

  private async planByHand(caller: Caller, input: PlanFollowUpInput, staffId: string, stored: StoredIdempotencyKey): Promise<FollowUpRecord> {
    const now = this.clock.now();
    const problems: InputProblem[] = [];
    const when = dueAtProblem(input.dueAt, now);
    if (when) problems.push({ field: 'input.dueAt', message: when });
    const departmentId = (await this.scopes.canSee(caller, input.customerId, now)) ? (await this.scopes.departmentsOf([input.customerId])).get(input.customerId) : undefined;
    // A customer the caller may not read does not exist for them; one accounts has not announced has no department yet.
    if (!departmentId) problems.push({ field: 'input.customerId', message: 'no such customer (or accounts has not announced it yet)' });
    if (problems.length > 0) throw new BadUserInputError(problems[0].field, problems[0].message, problems);
    const customer = await this.customers.findById(input.customerId).lean<FollowUpCustomerRecord>().exec();
    const stage = input.stage ?? (customer?.stage === 'PROSPECT' ? 'PROSPECT' : 'NEW_BUYER');
    const id = new Types.ObjectId();
    const plan: PlannedFollowUp = { stage, kind: input.kind, goal: input.goal, content: input.content ?? '', dueAt: input.dueAt };
    return this.create({ id, customerId: input.customerId, departmentId: departmentId!, staffId, plan, originKind: 'PLAN', originKey: `plan:${id}`, previousId: null, actor: caller, stored });
  }

  /** Write one follow-up with its planned event; a second plan with the same origin returns the first. */
  private async create(args: { id?: Types.ObjectId; customerId: string; departmentId: string; staffId: string; plan: PlannedFollowUp; originKind: FollowUpOriginKind; originKey: string; previousId: string | null; actor: Actor; stored?: StoredIdempotencyKey }): Promise<FollowUpRecord> {
    const now = this.clock.now();
    const _id = args.id ?? new Types.ObjectId();
    const record: Omit<FollowUpRecord, 'pendingEvents'> = {
      _id,
      customerId: args.customerId,
      departmentId: args.departmentId,
      staffId: args.staffId,
      stage: args.plan.stage,
      kind: args.plan.kind,
      goal: args.plan.goal,
      content: args.plan.content || null,
      dueAt: args.plan.dueAt,
      status: 'PLANNED',
      originKind: args.originKind,
      originKey: args.originKey,
      previousId: args.previousId,
      nextId: null,
      plannedBy: args.actor.userId,
      createdAt: now,
      completion: null,
      cancelledReason: null,
      overdueRaisedAt: null,
      revision: 0,
    };
    const event = createEvent(followUpPlannedV1, {
      subject: String(_id),
      actor: { userId: args.actor.userId, roles: [...args.actor.roles] },
      time: now,
      data: { ...this.eventData(record), goal: record.goal, origin: record.originKind, previousFollowUpId: record.previousId },
    });
    try {
      return (await this.followUps.create({ ...record, pendingEvents: [event], ...(args.stored ?? {}) })).toObject();
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const first = await this.followUps.findOne({ originKey: args.originKey }).lean<FollowUpRecord>().exec();
      if (!first) throw error;
      return first;
    }
  }

  private eventData(f: Pick<FollowUpRecord, '_id' | 'customerId' | 'staffId' | 'stage' | 'kind' | 'dueAt'>) {
    return { followUpId: String(f._id), customerId: f.customerId, staffId: f.staffId, stage: f.stage, kind: f.kind, dueAt: f.dueAt.toISOString() };
  }

  /** Complete a follow-up explicitly (its staff member, or a manager or the coordinator); the cadence plans the next. */
  async complete(caller: Caller, rawInput: unknown): Promise<FollowUpRecord> {
    const input = parseInput(completeFollowUpInput, rawInput);
    const now = this.clock.now();
    const followUp = await readForChange(caller, input.id, this.records, this.scopes, now);
    if (!mayActForStaff(caller, followUp.staffId)) throw new ForbiddenError('Only the staff member it is due from, a manager or the coordinator completes a follow-up');
    if (followUp.status !== 'PLANNED') throw new ConflictError(`A ${followUp.status.toLowerCase()} follow-up cannot be completed`, { status: followUp.status });
    return orConflict(this.completeWith(followUp, { by: 'EXPLICIT', recordId: null, note: input.note, completedBy: caller.userId }, caller), 'The follow-up');
  }

  /**
   * A logged interaction or a reported visit completes the customer's earliest open follow-up when the contact falls
   * in its window; called after the contact was written, idempotent (a completed one is left alone).
   */
  async completeByContact(contact: FollowUpContact, caller: Caller): Promise<void> {
    const [open] = await this.followUps.find({ customerId: contact.customerId, status: 'PLANNED' }).sort({ dueAt: 1, _id: 1 }).limit(1).lean<FollowUpRecord[]>().exec();
    if (!open || !completesByContact(open.dueAt, contact.at, this.cadence.earlyDays, this.timeZone)) return;
    await this.completeWith(open, { by: contact.by, recordId: contact.recordId, note: null, completedBy: contact.completedBy }, caller).catch((error: unknown) => {
      // Completed by another contact at the same moment: the first one stands.
      if (!(error instanceof StaleRevisionError)) throw error;
    });
  }

  /** The next follow-up first (idempotent on its origin), then the completion naming it, so a crash in between repeats nothing. */
  private async completeWith(followUp: FollowUpRecord, by: Omit<FollowUpCompletionRecord, 'completedAt' | 'late'>, actor: Actor): Promise<FollowUpRecord> {
    const now = this.clock.now();
    const customer = await this.customers.findById(followUp.customerId).lean<FollowUpCustomerRecord>().exec();
    const plan = nextByCadence(followUp, customer?.stage ?? null, now, this.cadence, this.timeZone);
    const next = plan
      ? await this.create({ customerId: followUp.customerId, departmentId: followUp.departmentId, staffId: customer?.ownerId ?? followUp.staffId, plan, originKind: 'CADENCE', originKey: `after:${followUp._id}`, previousId: String(followUp._id), actor: SYSTEM_ACTOR })
      : null;
    const completion: FollowUpCompletionRecord = { ...by, completedAt: now, late: followUp.dueAt.getTime() < now.getTime() };
    const event = createEvent(followUpCompletedV1, {
      subject: String(followUp._id),
      actor: { userId: actor.userId, roles: [...actor.roles] },
      time: now,
      data: { ...this.eventData(followUp), by: by.by, recordId: by.recordId, completedBy: by.completedBy, completedAt: now.toISOString(), nextFollowUpId: next ? String(next._id) : null },
    });
    return updateVersioned(this.followUps, followUp, { $set: { status: 'COMPLETED', completion, nextId: next ? String(next._id) : null } }, [event], { guard: { status: 'PLANNED' } });
  }

  /**
   * accounts' customer.created / customer.updated: a new prospect gets its first contact; a converted prospect's
   * contacts are cancelled and its buyer follow-ups planned; a removed customer's are cancelled. Idempotent: every
   * plan has its origin key, and the copy moves only forward in time.
   */
  async fromCustomer(event: Pick<CloudEvent<{ customer: CustomerSnapshot }>, 'time'> & { data: { customer: CustomerSnapshot } }): Promise<void> {
    const { customer } = event.data;
    const asOf = new Date(event.time);
    const known = await this.customers.findById(customer.id).lean<FollowUpCustomerRecord>().exec();
    if (known && known.asOf.getTime() > asOf.getTime()) return;
    const stage = customerStageOf(customer.lifecycle);
    const timeZone = this.timeZone;
    const owner = { customerId: customer.id, departmentId: customer.departmentId, staffId: customer.ownerConsultantId, actor: SYSTEM_ACTOR, previousId: null };
    if (stage === 'PROSPECT' && known?.stage !== 'PROSPECT') {
      await this.create({ ...owner, plan: prospectContact(asOf, this.cadence, timeZone), originKind: 'PROSPECT_START', originKey: `prospect-start:${customer.id}` });
    }
    if (hasConverted(known?.stage ?? null, stage)) {
      await this.cancelOpen(customer.id, 'CONVERTED', { stage: 'PROSPECT' });
      for (const plan of conversionFollowUps(asOf, this.cadence, timeZone)) await this.create({ ...owner, plan, originKind: 'CONVERSION', originKey: `conversion:${customer.id}:${plan.kind}` });
    }
    if (stage === 'GONE') await this.cancelOpen(customer.id, 'CUSTOMER_REMOVED', {});
    await upsertUnlessNewer(this.customers, customer.id, { lifecycle: customer.lifecycle, stage, ownerId: customer.ownerConsultantId, departmentId: customer.departmentId }, 'asOf', asOf);
  }

  private async cancelOpen(customerId: string, reason: FollowUpRecord['cancelledReason'] & string, filter: Record<string, unknown>): Promise<void> {
    const open = await this.followUps.find({ customerId, status: 'PLANNED', ...filter }).lean<FollowUpRecord[]>().exec();
    for (const followUp of open) {
      const event = createEvent(followUpCancelledV1, { subject: String(followUp._id), actor: SYSTEM_ACTOR, time: this.clock.now(), data: { ...this.eventData(followUp), reason } });
      await updateVersioned(this.followUps, followUp, { $set: { status: 'CANCELLED', cancelledReason: reason } }, [event], { guard: { status: 'PLANNED' } }).catch((error: unknown) => {
        if (!(error instanceof StaleRevisionError)) throw error;
      });
    }
  }

  /** The watch: raise every open follow-up past its due time, once each. */
  async raiseOverdue(now: Date = this.clock.now()): Promise<number> {
    const late = await this.followUps.find({ status: 'PLANNED', dueAt: { $lt: now }, overdueRaisedAt: null }).limit(1000).lean<FollowUpRecord[]>().exec();
    let raised = 0;
    for (const followUp of late) {
      const event = createEvent(followUpOverdueV1, { subject: String(followUp._id), actor: SYSTEM_ACTOR, time: now, data: this.eventData(followUp) });
      try {
        await updateVersioned(this.followUps, followUp, { $set: { overdueRaisedAt: now } }, [event], { guard: { status: 'PLANNED', overdueRaisedAt: null } });
        raised += 1;
      } catch (error) {
        // Completed (or raised by another replica) meanwhile.
        if (!(error instanceof StaleRevisionError)) throw error;
      }
    }
    return raised;
  }

  readonly records: ScopedRecordSource<FollowUpRecord> = {
    entity: 'FollowUp',
    fetch: (ids) => this.followUps.find({ _id: { $in: ids.filter((id) => isValidObjectId(id)) } }).lean<FollowUpRecord[]>().exec(),
    idOf: (f) => String(f._id),
    customerIdOf: (f) => f.customerId,
    departmentIdOf: (f) => f.departmentId,
  };

  private async staffList(caller: Caller, staffId: string | null, filter: Record<string, unknown>, limit: number): Promise<FollowUpRecord[]> {
    if (isPartner(caller)) throw new ForbiddenError('Partners see no follow-ups');
    const staff = staffId ?? caller.userId;
    if (!mayActForStaff(caller, staff)) throw new ForbiddenError(`You may not read the follow-ups of ${staff}`);
    const rows = await this.followUps.find({ staffId: staff, status: 'PLANNED', ...filter }).sort({ dueAt: 1, _id: 1 }).limit(limit).lean<FollowUpRecord[]>().exec();
    const visible = await this.scopes.visibleCustomerIds(caller, rows.map((f) => f.customerId), this.clock.now());
    return rows.filter((f) => visible.has(f.customerId));
  }

  /** A staff member's open follow-ups due in [from, to), earliest first, among the customers the caller may read. */
  due(caller: Caller, staffId: string | null, from: Date, to: Date, limit: number): Promise<FollowUpRecord[]> {
    if (to.getTime() <= from.getTime()) throw new BadUserInputError('to', 'must be after from');
    return this.staffList(caller, staffId, { dueAt: { $gte: from, $lt: to } }, limit);
  }

  /** A staff member's open follow-ups past their due time, oldest first. */
  overdue(caller: Caller, staffId: string | null, limit: number): Promise<FollowUpRecord[]> {
    return this.staffList(caller, staffId, { dueAt: { $lt: this.clock.now() } }, limit);
  }

  /** The follow-ups of each customer, the `limit` latest due, in one aggregation for the batch. */
  async forCustomers(customerIds: readonly string[], limit: number): Promise<FollowUpRecord[]> {
    const groups = await this.followUps.aggregate<{ _id: string; latest: FollowUpRecord[] }>([
      { $match: { customerId: { $in: [...customerIds] } } },
      { $sort: { customerId: 1, dueAt: -1, _id: -1 } },
      { $group: { _id: '$customerId', latest: { $push: '$$ROOT' } } },
      { $project: { latest: { $slice: ['$latest', limit] } } },
    ]);
    return groups.flatMap((group) => group.latest.reverse());
  }

  /** Board items: the staff member's open follow-ups, by due time (the kanban's FOLLOW_UP kind). */
  async openWork(staffId: string, from: Date | null, to: Date, limit: number): Promise<FollowUpBoardItem[]> {
    const open = await this.followUps.find({ staffId, status: 'PLANNED', dueAt: dueBetween(from, to) }).sort({ dueAt: 1, _id: 1 }).limit(limit).lean<FollowUpRecord[]>().exec();
    return open.map((f) => ({ kind: 'FOLLOW_UP', recordId: String(f._id), customerId: f.customerId, title: `Follow-up: ${f.goal}`, dueAt: f.dueAt, state: f.status, record: f }));
  }
}
