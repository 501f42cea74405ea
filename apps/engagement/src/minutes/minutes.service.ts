import { countByStaffAndCustomer, type StaffCustomerCount } from '../common/staff-counts';
import { dueBetween, type BoardItem } from '../common/board-item';
import type { Caller } from '@crm/auth';
import type { CustomerScopeDirectory, ScopedRecordSource } from '@crm/customer-scope';
import { minutesConfirmedV1, minutesOverdueV1 } from '@crm/contracts';
import { isDuplicateKeyError } from '@crm/data';
import { createEvent, StaleRevisionError, updateVersioned, type CloudEvent } from '@crm/events';
import { actorOf, BadUserInputError, ConflictError, ForbiddenError, parseInput, type Clock } from '@crm/kernel';
import type { WorkingCalendarCopy } from '@crm/working-calendar';
import { isValidObjectId, Types, type Model, type UpdateQuery } from 'mongoose';
import { orConflict, readForChange } from '../common/record-access';
import { managesDepartment, mayActForStaff } from '../common/staff-rules';
import { approveMinutesInput, recordMinutesConfirmationInput, saveMinutesDraftInput, sendBackMinutesInput, submitMinutesInput } from './minutes-input';
import { minutesDueAt, minutesTransition, type MinutesCommand, minutesOverdueCondition } from './minutes-rules';
import type { MinutesRecord, MinutesSourceRecord } from './minutes.model';

/** A meeting that opens minutes. */
export interface MinutesOpening {
  source: MinutesSourceRecord;
  customerId: string;
  staffId: string;
  meetingAt: Date;
}

const SYSTEM_ACTOR = { userId: 'system:minutes-watch', roles: ['internal_app'] };

/** Meeting minutes: opened by a face-to-face meeting, written, reviewed, confirmed; overdue ones raised once. */
export class MinutesService {
  constructor(
    readonly minutes: Model<MinutesRecord>,
    private readonly clock: Clock,
    private readonly scopes: CustomerScopeDirectory,
    private readonly calendar: WorkingCalendarCopy,
  ) {}

  /** Open the minutes of a meeting, once per meeting (a repeat finds the first and changes nothing). */
  async open(opening: MinutesOpening): Promise<void> {
    const now = this.clock.now();
    const departmentId = (await this.scopes.departmentsOf([opening.customerId])).get(opening.customerId) ?? null;
    const fresh = {
      _id: new Types.ObjectId(),
      customerId: opening.customerId,
      departmentId,
      staffId: opening.staffId,
      meetingAt: opening.meetingAt,
      dueAt: minutesDueAt(this.calendar.current(), opening.meetingAt),
      openedAt: now,
      status: 'DRAFT',
      text: null,
      attendees: [],
      submittedAt: null,
      submittedBy: null,
      reviews: [],
      confirmation: null,
      overdueNotifiedAt: null,
      revision: 0,
      pendingEvents: [],
    };
    try {
      await this.minutes.updateOne({ 'source.kind': opening.source.kind, 'source.id': opening.source.id }, { $setOnInsert: { ...fresh, source: opening.source } }, { upsert: true });
    } catch (error) {
      // A concurrent opening of the same meeting won the insert: the minutes exist, which is all that is asked.
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  saveDraft(caller: Caller, rawInput: unknown): Promise<MinutesRecord> {
    const input = parseInput(saveMinutesDraftInput, rawInput);
    return this.change(caller, input.id, 'SAVE_DRAFT', () => ({ $set: { text: input.text, attendees: input.attendees } }));
  }

  submit(caller: Caller, rawInput: unknown): Promise<MinutesRecord> {
    const input = parseInput(submitMinutesInput, rawInput);
    return this.change(caller, input.id, 'SUBMIT', (m, now) => {
      if (!m.text) throw new ConflictError('The minutes have no text yet: save a draft first');
      return { $set: { submittedAt: now, submittedBy: caller.userId } };
    });
  }

  approve(caller: Caller, rawInput: unknown): Promise<MinutesRecord> {
    const input = parseInput(approveMinutesInput, rawInput);
    return this.change(caller, input.id, 'APPROVE', (_, now) => ({ $push: { reviews: { approved: true, remark: input.remark, reviewedBy: caller.userId, reviewedAt: now } } }));
  }

  sendBack(caller: Caller, rawInput: unknown): Promise<MinutesRecord> {
    const input = parseInput(sendBackMinutesInput, rawInput);
    return this.change(caller, input.id, 'SEND_BACK', (_, now) => ({ $push: { reviews: { approved: false, remark: input.remark, reviewedBy: caller.userId, reviewedAt: now } } }));
  }

  recordConfirmation(caller: Caller, rawInput: unknown): Promise<MinutesRecord> {
    const input = parseInput(recordMinutesConfirmationInput, rawInput);
    return this.change(caller, input.id, 'CONFIRM', (m, now) => {
      if (input.confirmedAt.getTime() > now.getTime() + 5 * 60_000) throw new BadUserInputError('input.confirmedAt', 'cannot be in the future');
      const lastApproval = [...m.reviews].reverse().find((r) => r.approved);
      if (lastApproval && input.confirmedAt.getTime() < lastApproval.reviewedAt.getTime()) throw new BadUserInputError('input.confirmedAt', 'cannot be before the minutes were approved');
      return { $set: { confirmation: { confirmedByName: input.confirmedByName, confirmedAt: input.confirmedAt, recordedBy: caller.userId, recordedAt: now } } };
    }, (m, now) => [
      createEvent(minutesConfirmedV1, {
        subject: String(m._id),
        actor: actorOf(caller),
        time: now,
        data: { minutesId: String(m._id), customerId: m.customerId, staffId: m.staffId, confirmedByName: input.confirmedByName, confirmedAt: input.confirmedAt.toISOString(), recordedBy: caller.userId },
      }),
    ]);
  }

  private async change(
    caller: Caller,
    id: string,
    command: MinutesCommand,
    update: (m: MinutesRecord, now: Date) => UpdateQuery<MinutesRecord>,
    events: (m: MinutesRecord, now: Date) => CloudEvent[] = () => [],
  ): Promise<MinutesRecord> {
    const now = this.clock.now();
    const m = await readForChange(caller, id, this.records, this.scopes, now);
    const reviewing = command === 'APPROVE' || command === 'SEND_BACK';
    if (reviewing ? !managesDepartment(caller, m.departmentId) : !mayActForStaff(caller, m.staffId)) {
      throw new ForbiddenError(reviewing ? "Only the customer's department manager (or the general manager) reviews minutes" : 'Only the staff member who had the meeting, their manager or the coordinator writes its minutes');
    }
    const status = minutesTransition(m.status, command);
    const change = update(m, now);
    const set = { ...((change.$set ?? {}) as Record<string, unknown>), status };
    return orConflict(updateVersioned(this.minutes, m, { ...change, $set: set }, events(m, now), { guard: { status: m.status } }), 'The minutes');
  }

  /** Raise the overdue event of every draft past its due time, once each; returns how many were raised. */
  async raiseOverdue(now: Date = this.clock.now()): Promise<number> {
    const late = await this.minutes.find({ status: 'DRAFT', dueAt: { $lt: now }, overdueNotifiedAt: null }).limit(1000).lean<MinutesRecord[]>();
    let raised = 0;
    for (const m of late) {
      const event = createEvent(minutesOverdueV1, {
        subject: String(m._id),
        actor: SYSTEM_ACTOR,
        time: now,
        data: { minutesId: String(m._id), customerId: m.customerId, staffId: m.staffId, departmentId: m.departmentId, source: m.source, dueAt: m.dueAt.toISOString() },
      });
      try {
        await updateVersioned(this.minutes, m, { $set: { overdueNotifiedAt: now } }, [event], { guard: { overdueNotifiedAt: null, status: 'DRAFT' } });
        raised += 1;
      } catch (error) {
        // Submitted (or raised by another replica) meanwhile: nothing to raise.
        if (!(error instanceof StaleRevisionError)) throw error;
      }
    }
    return raised;
  }

  /** Overdue minutes the caller may read, the longest overdue first. */
  async overdue(caller: Caller, now: Date, limit: number, staffId: string | null): Promise<MinutesRecord[]> {
    const visible = await this.scopes.filterFor(caller, now);
    const filter: Record<string, unknown> = { status: 'DRAFT', dueAt: { $lt: now } };
    if (!visible.unrestricted) filter.customerId = { $in: visible.customerIds };
    if (staffId) filter.staffId = staffId;
    return this.minutes.find(filter).sort({ dueAt: 1, _id: 1 }).limit(limit).lean<MinutesRecord[]>().exec();
  }

  readonly records: ScopedRecordSource<MinutesRecord> = {
    entity: 'Minutes',
    fetch: (ids) => this.minutes.find({ _id: { $in: ids.filter((id) => isValidObjectId(id)) } }).lean<MinutesRecord[]>().exec(),
    idOf: (m) => String(m._id),
    customerIdOf: (m) => m.customerId,
  };

  /** The latest `limit` minutes of each customer (by meeting time, newest first): one aggregation per batch. */
  async newestForCustomers(customerIds: readonly string[], limit: number): Promise<MinutesRecord[]> {
    const groups = await this.minutes.aggregate<{ _id: string; latest: MinutesRecord[] }>([
      { $match: { customerId: { $in: [...customerIds] } } },
      { $sort: { customerId: 1, meetingAt: -1, _id: -1 } },
      { $group: { _id: '$customerId', latest: { $push: '$$ROOT' } } },
      { $project: { latest: { $slice: ['$latest', limit] } } },
    ]);
    return groups.flatMap((group) => group.latest);
  }

  /** Board items: minutes the staff member still has to write and submit, by due time. */
  async openWork(staffId: string, from: Date | null, to: Date, limit: number): Promise<BoardItem[]> {
    const open = await this.minutes.find({ staffId, status: 'DRAFT', dueAt: dueBetween(from, to) }).sort({ dueAt: 1, _id: 1 }).limit(limit).lean<MinutesRecord[]>().exec();
    return open.map((m) => ({ kind: 'MINUTES', recordId: String(m._id), customerId: m.customerId, title: 'Minutes to submit', dueAt: m.dueAt, state: m.status, record: m }));
  }

  /** Minutes of these staff members due in [from, to), counted, with those overdue at `now` (minutesOverdueCondition): one aggregation for the batch. */
  dueOfStaff(staffIds: readonly string[], from: Date, to: Date, now: Date): Promise<StaffCustomerCount[]> {
    return countByStaffAndCustomer(this.minutes as never, { staffId: { $in: [...staffIds] }, dueAt: { $gte: from, $lt: to } }, minutesOverdueCondition(now));
  }
}
