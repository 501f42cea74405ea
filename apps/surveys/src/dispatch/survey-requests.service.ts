import type { Caller } from '@crm/auth';
import { customerIdSchema } from '@crm/contracts';
import type { CustomerScopeDirectory, ScopedRecordSource } from '@crm/customer-scope';
import { isDuplicateKeyError } from '@crm/data';
import { BadUserInputError, dateTimeInput, ForbiddenError, parseInput, type Clock } from '@crm/kernel';
import { Types, type Model } from 'mongoose';
import { z } from 'zod';
import type { Attributions, SourceContext } from '../attribution/attribution';
import { surveyTemplateNames } from '../survey-responses/survey-templates';
import type { TemplatesService } from '../templates/templates.service';
import { DAY_MS, dueDateOf, fatigueWindowStart, mayPlanMysteryChecks, mayReadSurveyRequests, templateOfSource, type RequestSource, type RequestState, type SkipReason } from './dispatch-rules';
import type { SurveyRequestRecord } from './survey-request.model';

export interface DispatchSettings {
  /** At most one request per customer within this many days (0: no throttling). */
  fatigueWindowDays: number;
  /** Days a request waits for its answer before it expires. */
  dueDays: number;
}

/** A request to create from another service's event. */
export interface SourceEvent {
  eventId: string;
  source: Exclude<RequestSource, 'MYSTERY_CHECK'>;
  customerId: string;
  reference: string;
  context: SourceContext;
  actorId: string;
  sourceTicketFirstResponderId?: string | null;
  /** A reason to record the request as skipped whatever the window says (a follow-up ticket is not surveyed). */
  skip?: { reason: SkipReason; note: string } | null;
}

/** Requests that count towards fatigue: every request actually sent (not skipped), mystery checks apart. */
const COUNTING_STATES: RequestState[] = ['PENDING', 'ANSWERED', 'EXPIRED'];

const planMysteryCheckInput = z.object({
  customerId: customerIdSchema,
  template: z.enum(surveyTemplateNames),
  dueAt: dateTimeInput.nullish(),
  note: z
    .string()
    .trim()
    .max(2000)
    .nullish()
    .transform((v) => (v ? v : null)),
});

const listInput = z.object({
  state: z.enum(['PENDING', 'ANSWERED', 'EXPIRED', 'SKIPPED']).nullish(),
  first: z.number().int().min(1).max(200).nullish(),
});

/** Survey requests: dispatched from events with fatigue throttling, planned by hand, answered by a response, expired when due. */
export class SurveyRequestsService {
  constructor(
    private readonly requests: Model<SurveyRequestRecord>,
    private readonly templates: TemplatesService,
    private readonly attributions: Attributions,
    private readonly scopes: CustomerScopeDirectory,
    private readonly clock: Clock,
    private readonly settings: DispatchSettings,
  ) {}

  /**
   * One request per source event: a redelivered or replayed event answers the request it created. Throws while
   * the customer cannot be attributed yet (accounts' announcement not projected): the consumer retries.
   */
  async fromEvent(event: SourceEvent): Promise<SurveyRequestRecord> {
    const earlier = await this.requests.findOne({ sourceEventId: event.eventId }).lean<SurveyRequestRecord>();
    if (earlier) return earlier;
    const template = templateOfSource[event.source];
    const version = await this.templates.requireCurrent(template);
    const attribution = await this.attributions.of(event.customerId, event.context);
    if (!attribution) throw new Error(`customer ${event.customerId} is not known to surveys yet; retrying`);
    const now = this.clock.now();
    const skip: { reason: SkipReason; note: string; throttledBy?: Types.ObjectId } | null = event.skip ?? (await this.fatigueSkip(event.customerId, now));
    const record: SurveyRequestRecord = {
      _id: new Types.ObjectId(),
      customerId: event.customerId,
      template,
      templateVersion: version.version,
      source: event.source,
      sourceReference: event.reference,
      sourceEventId: event.eventId,
      sourceTicketFirstResponderId: event.sourceTicketFirstResponderId ?? null,
      attribution,
      state: skip ? 'SKIPPED' : 'PENDING',
      dueAt: dueDateOf(now, this.settings.dueDays),
      skipReason: skip?.reason ?? null,
      skipNote: skip?.note ?? null,
      throttledBy: skip?.throttledBy ?? null,
      responseId: null,
      answeredAt: null,
      expiredAt: null,
      requestedBy: event.actorId,
      createdAt: now,
      note: null,
    };
    try {
      return (await this.requests.create(record)).toObject();
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const winner = await this.requests.findOne({ sourceEventId: event.eventId }).lean<SurveyRequestRecord>();
      if (!winner) throw error;
      return winner;
    }
  }

  /** The earlier request within the fatigue window, as a skip; null when the customer may be asked. */
  private async fatigueSkip(customerId: string, now: Date): Promise<{ reason: SkipReason; note: string; throttledBy: Types.ObjectId } | null> {
    const windowMs = this.settings.fatigueWindowDays * DAY_MS;
    if (windowMs === 0) return null;
    const latest = await this.requests
      .findOne({ customerId, state: { $in: COUNTING_STATES }, source: { $ne: 'MYSTERY_CHECK' }, createdAt: { $gt: fatigueWindowStart(now, windowMs) } })
      .sort({ createdAt: -1 })
      .lean<SurveyRequestRecord>();
    if (!latest) return null;
    return {
      reason: 'FATIGUE',
      note: `The customer was asked on ${latest.createdAt.toISOString()} (request ${String(latest._id)}); at most one survey per ${this.settings.fatigueWindowDays} days`,
      throttledBy: latest._id,
    };
  }

  /** A mystery check planned by hand: never throttled (the planner chose the customer), attributed like any request. */
  async planMysteryCheck(caller: Caller, rawInput: unknown): Promise<SurveyRequestRecord> {
    if (!mayPlanMysteryChecks(caller)) throw new ForbiddenError('Mystery checks are planned by marketing, the general manager and department managers');
    const input = parseInput(planMysteryCheckInput, rawInput);
    const now = this.clock.now();
    const problems: { field: string; message: string }[] = [];
    if (input.dueAt && input.dueAt.getTime() <= now.getTime()) problems.push({ field: 'input.dueAt', message: 'must be in the future' });
    const attribution = (await this.scopes.canSee(caller, input.customerId, now)) ? await this.attributions.of(input.customerId) : null;
    if (!attribution) problems.push({ field: 'input.customerId', message: 'no such customer' });
    const version = await this.templates.requireCurrent(input.template);
    if (problems.length > 0 || !attribution) throw new BadUserInputError(problems[0].field, problems[0].message, problems);
    const created = await this.requests.create({
      _id: new Types.ObjectId(),
      customerId: input.customerId,
      template: input.template,
      templateVersion: version.version,
      source: 'MYSTERY_CHECK',
      sourceReference: null,
      sourceTicketFirstResponderId: null,
      attribution,
      state: 'PENDING',
      dueAt: input.dueAt ?? dueDateOf(now, this.settings.dueDays),
      skipReason: null,
      skipNote: null,
      throttledBy: null,
      responseId: null,
      answeredAt: null,
      expiredAt: null,
      requestedBy: caller.userId,
      createdAt: now,
      note: input.note,
    } satisfies SurveyRequestRecord);
    return created.toObject();
  }

  async byId(id: string): Promise<SurveyRequestRecord | null> {
    return Types.ObjectId.isValid(id) ? this.requests.findById(id).lean<SurveyRequestRecord>() : null;
  }

  /** The request is answered by this response; an answer wins over an expiry that raced it. */
  async markAnswered(requestId: Types.ObjectId, responseId: Types.ObjectId, at: Date): Promise<void> {
    await this.requests.updateOne({ _id: requestId, responseId: null }, { $set: { state: 'ANSWERED', responseId, answeredAt: at } });
  }

  /** Pending requests past their due date expire (the job); returns how many. */
  async expireDue(): Promise<number> {
    const now = this.clock.now();
    const result = await this.requests.updateMany({ state: 'PENDING', dueAt: { $lt: now } }, { $set: { state: 'EXPIRED', expiredAt: now } });
    return result.modifiedCount;
  }

  /** Requests as the read rule reads them (`surveyRequest(id)`). */
  readonly records: ScopedRecordSource<SurveyRequestRecord> = {
    entity: 'SurveyRequest',
    fetch: (ids) => this.requests.find({ _id: { $in: ids.filter((id) => Types.ObjectId.isValid(id)) } }).lean<SurveyRequestRecord[]>(),
    idOf: (r) => String(r._id),
    customerIdOf: (r) => r.customerId,
  };

  /** Every request of a batch of customers, newest first, in one query. */
  ofCustomers(customerIds: readonly string[]): Promise<SurveyRequestRecord[]> {
    return this.requests
      .find({ customerId: { $in: [...customerIds] } })
      .sort({ customerId: 1, createdAt: -1 })
      .lean<SurveyRequestRecord[]>();
  }

  /** The requests the caller may read, soonest due first. */
  async list(caller: Caller, rawArgs: unknown): Promise<SurveyRequestRecord[]> {
    if (!mayReadSurveyRequests(caller)) throw new ForbiddenError('Partners have no access to surveys');
    const args = parseInput(listInput, rawArgs, 'args');
    const visible = await this.scopes.filterFor(caller, this.clock.now());
    return this.requests
      .find({ ...(args.state ? { state: args.state } : {}), ...(visible.unrestricted ? {} : { customerId: { $in: visible.customerIds } }) })
      .sort({ dueAt: 1, _id: 1 })
      .limit(args.first ?? 50)
      .lean<SurveyRequestRecord[]>()
      .exec();
  }
}
