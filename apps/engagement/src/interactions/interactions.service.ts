import { countByStaffAndCustomer, type StaffCustomerCount } from '../common/staff-counts';
import type { Caller } from '@crm/auth';
import { interactionLoggedV1 } from '@crm/contracts';
import { createOnce, idempotencyKeyOf, type StoredIdempotencyKey } from '@crm/data';
import { createEvent } from '@crm/events';
import { actorOf, BadUserInputError, ForbiddenError, parseInput, type Clock, type InputProblem } from '@crm/kernel';
import { isValidObjectId, Types, type Model } from 'mongoose';
import { logInteractionInput, type LogInteractionInput } from './interaction-input';
import { mayLogInteractionFor, mayLogInteractions, occurredAtProblem } from './interaction-rules';
import type { InteractionRecord } from './interaction.model';
import type { CustomerScopeDirectory, ScopedRecordSource } from '@crm/customer-scope';

/** Checks an interaction's extra references before it is written (a return visit it records). */
export type InteractionLogCheck = (caller: Caller, input: LogInteractionInput) => Promise<InputProblem[]>;
/** What happens once an interaction is logged, in the same request; idempotent on the interaction id. */
export type InteractionLoggedHook = (interaction: InteractionRecord, caller: Caller) => Promise<void>;

/** Logging contacts with customers and reading them back. */
export class InteractionsService {
  private readonly checks: InteractionLogCheck[] = [];
  private readonly loggedHooks: InteractionLoggedHook[] = [];

  /** Another plugin checks an interaction's input before it is written. */
  checkLog(check: InteractionLogCheck): void {
    this.checks.push(check);
  }

  /** Another plugin acts on a logged interaction (a return visit it completes). */
  onLogged(hook: InteractionLoggedHook): void {
    this.loggedHooks.push(hook);
  }

  constructor(
    private readonly interactions: Model<InteractionRecord>,
    private readonly clock: Clock,
    private readonly scopes: CustomerScopeDirectory,
  ) {}

  async log(caller: Caller, rawInput: unknown): Promise<InteractionRecord> {
    if (!mayLogInteractions(caller)) throw new ForbiddenError('Partners cannot log interactions');
    const input = parseInput(logInteractionInput, rawInput);
    const idempotencyKey = idempotencyKeyOf(caller.userId, input.idempotencyKey);
    return createOnce(this.interactions, idempotencyKey, (stored) => this.logNew(caller, input, stored));
  }

  private async logNew(caller: Caller, input: LogInteractionInput, stored: StoredIdempotencyKey): Promise<InteractionRecord> {
    const staffId = input.staffId ?? caller.userId;
    if (!mayLogInteractionFor(caller, staffId)) throw new ForbiddenError('Only managers and the coordinator may log interactions for someone else');
    const now = this.clock.now();
    const problem = occurredAtProblem(input.occurredAt, now);
    if (problem) throw new BadUserInputError('input.occurredAt', problem);
    // A customer the caller may not read does not exist for them (no FORBIDDEN that would reveal it).
    if (!(await this.scopes.canSee(caller, input.customerId, now))) throw new BadUserInputError('input.customerId', 'no such customer');
    const problems: InputProblem[] = [];
    for (const check of this.checks) problems.push(...(await check(caller, input)));
    if (problems.length > 0) throw new BadUserInputError(problems[0].field, problems[0].message, problems);
    const record: Omit<InteractionRecord, 'pendingEvents'> = {
      _id: new Types.ObjectId(),
      customerId: input.customerId,
      channel: input.channel,
      occurredAt: input.occurredAt,
      staffId,
      summary: input.summary,
      outcome: input.outcome,
      nextStep: input.nextStep,
      returnVisitId: input.returnVisitId ?? null,
      loggedBy: caller.userId,
      loggedAt: now,
    };
    const event = createEvent(interactionLoggedV1, {
      subject: String(record._id),
      actor: actorOf(caller),
      time: now,
      data: {
        interactionId: String(record._id),
        customerId: record.customerId,
        channel: record.channel,
        staffId: record.staffId,
        occurredAt: record.occurredAt.toISOString(),
        nextStep: record.nextStep,
      },
    });
    // One single-document write: the interaction and its event commit together or not at all.
    const created = (await this.interactions.create({ ...record, pendingEvents: [event], ...stored })).toObject();
    for (const hook of this.loggedHooks) await hook(created, caller);
    return created;
  }

  /** Interactions as the read rule reads them (`interaction(id)` and entity references). */
  readonly records: ScopedRecordSource<InteractionRecord> = {
    entity: 'Interaction',
    fetch: (ids) => this.findByIds(ids),
    idOf: (i) => String(i._id),
    customerIdOf: (i) => i.customerId,
  };

  findByIds(ids: readonly string[]): Promise<InteractionRecord[]> {
    const valid = ids.filter((id) => isValidObjectId(id));
    return this.interactions.find({ _id: { $in: valid } }).lean<InteractionRecord[]>().exec();
  }

  /** The interactions these staff members had with a time in [from, to), in time order: one query for the batch (daily reports). */
  ofStaffBetween(staffIds: readonly string[], from: Date, to: Date): Promise<InteractionRecord[]> {
    return this.interactions.find({ staffId: { $in: [...staffIds] }, occurredAt: { $gte: from, $lt: to } }).sort({ occurredAt: 1, _id: 1 }).lean<InteractionRecord[]>().exec();
  }

  /** The newest `limit` interactions of each customer, newest first, in one aggregation for the whole batch. */
  async newestForCustomers(customerIds: readonly string[], limit: number): Promise<InteractionRecord[]> {
    const groups = await this.interactions.aggregate<{ _id: string; latest: InteractionRecord[] }>([
      { $match: { customerId: { $in: [...customerIds] } } },
      { $sort: { customerId: 1, occurredAt: -1, _id: -1 } },
      { $group: { _id: '$customerId', latest: { $push: '$$ROOT' } } },
      { $project: { latest: { $slice: ['$latest', limit] } } },
    ]);
    return groups.flatMap((group) => group.latest);
  }


  /** Interactions of these staff members with a time in [from, to), counted per customer: one aggregation for the batch (activity figures). */
  countsOfStaff(staffIds: readonly string[], from: Date, to: Date): Promise<StaffCustomerCount[]> {
    return countByStaffAndCustomer(this.interactions as never, { staffId: { $in: [...staffIds] }, occurredAt: { $gte: from, $lt: to } });
  }
}
