import { countByStaffAndCustomer, type StaffCustomerCount } from '../common/staff-counts';
import { dueBetween, type BoardItem } from '../common/board-item';
import type { Caller } from '@crm/auth';
import type { CustomerScopeDirectory, ScopedRecordSource } from '@crm/customer-scope';
import { returnVisitMissedV1, type EventData, type orderDeliveredV1 } from '@crm/contracts';
import { isDuplicateKeyError } from '@crm/data';
import { createEvent, StaleRevisionError, updateVersioned, type CloudEvent } from '@crm/events';
import { ConflictError, type Clock, type InputProblem } from '@crm/kernel';
import type { WorkingCalendarCopy } from '@crm/working-calendar';
import { isValidObjectId, Types, type Model } from 'mongoose';
import { dueWithinHorizon, lastSequence, missedAfter, type ReturnVisitPolicy } from './return-visit-rules';
import type { ReturnVisitCompletionRecord, ReturnVisitRecord, ReturnVisitScheduleRecord } from './return-visit.model';

const SYSTEM_ACTOR = { userId: 'system:return-visit-watch', roles: ['internal_app'] };
const OBJECT_ID = /^[0-9a-f]{24}$/i;

/** Return-visit schedules from credit's deliveries, their rolling horizon, completion and missed visits. */
export class ReturnVisitsService {
  constructor(
    readonly schedules: Model<ReturnVisitScheduleRecord>,
    readonly visits: Model<ReturnVisitRecord>,
    private readonly clock: Clock,
    private readonly scopes: CustomerScopeDirectory,
    private readonly calendar: WorkingCalendarCopy,
    readonly policy: ReturnVisitPolicy,
  ) {}

  /** crm.credit.order.delivered: the delivery's schedule, once per delivery event (a redelivery finds the first). */
  async fromDelivery(event: CloudEvent<EventData<typeof orderDeliveredV1>>): Promise<ReturnVisitScheduleRecord> {
    const { orderId, customerId, consultantId, departmentId, deliveredAt } = event.data;
    let schedule = await this.schedules.findOne({ deliveryEventId: event.id }).lean<ReturnVisitScheduleRecord>();
    if (!schedule) {
      const fresh: ReturnVisitScheduleRecord = { _id: new Types.ObjectId(), deliveryEventId: event.id, orderId, customerId, staffId: consultantId, departmentId, deliveredAt: new Date(deliveredAt), generatedThrough: 0, complete: false, createdAt: this.clock.now() };
      try {
        schedule = (await this.schedules.create(fresh)).toObject();
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        schedule = (await this.schedules.findOne({ deliveryEventId: event.id }).lean<ReturnVisitScheduleRecord>())!;
      }
    }
    await this.extend(schedule, this.clock.now());
    return schedule;
  }

  /** Generate the schedule's return visits due within the horizon; returns how many were new. Safe to repeat. */
  async extend(schedule: ReturnVisitScheduleRecord, now: Date): Promise<number> {
    const due = dueWithinHorizon(schedule.deliveredAt, schedule.generatedThrough, now, this.policy, this.calendar.current().timeZone);
    let created = 0;
    for (const { sequence, dueAt } of due) {
      const fresh = { _id: new Types.ObjectId(), orderId: schedule.orderId, customerId: schedule.customerId, staffId: schedule.staffId, departmentId: schedule.departmentId, deliveredAt: schedule.deliveredAt, dueAt, status: 'DUE', completion: null, missedAt: null, revision: 0, pendingEvents: [] };
      try {
        const result = await this.visits.updateOne({ scheduleId: String(schedule._id), sequence }, { $setOnInsert: fresh }, { upsert: true });
        created += result.upsertedCount;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
    }
    const through = due.length > 0 ? due[due.length - 1].sequence : schedule.generatedThrough;
    // The pointer moves after the visits exist: a crash in between only repeats the (idempotent) inserts.
    if (through !== schedule.generatedThrough) {
      await this.schedules.updateOne({ _id: schedule._id, generatedThrough: { $lt: through } }, { $set: { generatedThrough: through, complete: through >= lastSequence(this.policy.years) } });
    }
    return created;
  }

  /** The watch: extend every open schedule to the horizon at `now`. */
  async extendAll(now: Date = this.clock.now()): Promise<number> {
    let created = 0;
    for await (const schedule of this.schedules.find({ complete: false }).lean<ReturnVisitScheduleRecord[]>().cursor()) {
      created += await this.extend(schedule as unknown as ReturnVisitScheduleRecord, now);
    }
    return created;
  }

  /** The watch: mark every return visit undone past its grace as missed and raise it, once each. */
  async raiseMissed(now: Date = this.clock.now()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.policy.graceDays * 24 * 3600_000);
    const late = await this.visits.find({ status: 'DUE', dueAt: { $lt: cutoff } }).limit(1000).lean<ReturnVisitRecord[]>();
    let raised = 0;
    for (const visit of late) {
      const event = createEvent(returnVisitMissedV1, {
        subject: String(visit._id),
        actor: SYSTEM_ACTOR,
        time: now,
        data: { returnVisitId: String(visit._id), customerId: visit.customerId, orderId: visit.orderId, staffId: visit.staffId, sequence: visit.sequence, dueAt: visit.dueAt.toISOString() },
      });
      try {
        await updateVersioned(this.visits, visit, { $set: { status: 'MISSED', missedAt: now } }, [event], { guard: { status: 'DUE' } });
        raised += 1;
      } catch (error) {
        // Completed (or raised by another replica) meanwhile.
        if (!(error instanceof StaleRevisionError)) throw error;
      }
    }
    return raised;
  }

  /**
   * What is wrong with recording return visit `id` for `customerId` (a visit report's or an interaction's input at
   * `field`); an already completed one is a CONFLICT. Checked before the recording is written.
   */
  async completionProblems(caller: Caller, id: string, customerId: string, field: string): Promise<InputProblem[]> {
    if (!OBJECT_ID.test(id)) return [{ field, message: 'is not a valid id' }];
    const visit = await this.visits.findById(id).lean<ReturnVisitRecord>();
    if (!visit || !(await this.scopes.canSee(caller, visit.customerId, this.clock.now()))) return [{ field, message: 'no such return visit' }];
    if (visit.customerId !== customerId) return [{ field, message: 'is a return visit of another customer' }];
    if (visit.status === 'COMPLETED') throw new ConflictError('The return visit has already been completed', { completedBy: visit.completion });
    return [];
  }

  /** Complete a return visit from what recorded it (after the recording was written). */
  async complete(id: string, by: Pick<ReturnVisitCompletionRecord, 'kind' | 'id' | 'completedBy'>): Promise<void> {
    const visit = await this.visits.findById(id).lean<ReturnVisitRecord>();
    if (!visit || visit.status === 'COMPLETED') return;
    const completion: ReturnVisitCompletionRecord = { ...by, completedAt: this.clock.now(), late: visit.status === 'MISSED' };
    await updateVersioned(this.visits, visit, { $set: { status: 'COMPLETED', completion } }, [], { guard: { status: visit.status } }).catch((error: unknown) => {
      // Completed by another recording at the same moment: the first one stands.
      if (!(error instanceof StaleRevisionError)) throw error;
    });
  }

  readonly records: ScopedRecordSource<ReturnVisitRecord> = {
    entity: 'ReturnVisit',
    fetch: (ids) => this.visits.find({ _id: { $in: ids.filter((id) => isValidObjectId(id)) } }).lean<ReturnVisitRecord[]>().exec(),
    idOf: (v) => String(v._id),
    customerIdOf: (v) => v.customerId,
    departmentIdOf: (v) => v.departmentId,
  };

  /** Every generated return visit of these customers, by due time: one query per batch. */
  forCustomers(customerIds: readonly string[]): Promise<ReturnVisitRecord[]> {
    return this.visits.find({ customerId: { $in: [...customerIds] } }).sort({ dueAt: 1, sequence: 1 }).lean<ReturnVisitRecord[]>().exec();
  }

  /** Missed return visits the caller may read (optionally one staff member's), oldest due first. */
  async missed(caller: Caller, now: Date, limit: number, staffId: string | null): Promise<ReturnVisitRecord[]> {
    const visible = await this.scopes.filterFor(caller, now);
    const filter: Record<string, unknown> = { status: 'MISSED' };
    if (!visible.unrestricted) filter.customerId = { $in: visible.customerIds };
    if (staffId) filter.staffId = staffId;
    return this.visits.find(filter).sort({ dueAt: 1, _id: 1 }).limit(limit).lean<ReturnVisitRecord[]>().exec();
  }

  /** Missed return visits of these staff members due in [from, to): one query for the batch. */
  missedOfStaff(staffIds: readonly string[], from: Date, to: Date): Promise<StaffCustomerCount[]> {
    return countByStaffAndCustomer(this.visits as never, { staffId: { $in: [...staffIds] }, status: 'MISSED', dueAt: { $gte: from, $lt: to } });
  }

  /** Board items: the staff member's return visits not done yet (due or missed), by due time. */
  async openWork(staffId: string, from: Date | null, to: Date, limit: number): Promise<BoardItem[]> {
    const open = await this.visits.find({ staffId, status: { $in: ['DUE', 'MISSED'] }, dueAt: dueBetween(from, to) }).sort({ dueAt: 1, _id: 1 }).limit(limit).lean<ReturnVisitRecord[]>().exec();
    return open.map((v) => ({ kind: 'RETURN_VISIT', recordId: String(v._id), customerId: v.customerId, title: `Return visit ${v.sequence} after order ${v.orderId}`, dueAt: v.dueAt, state: v.status, record: v }));
  }

  missedAfter(visit: Pick<ReturnVisitRecord, 'dueAt'>): Date {
    return missedAfter(visit.dueAt, this.policy);
  }
}
