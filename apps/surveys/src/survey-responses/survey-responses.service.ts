import type { Caller } from '@crm/auth';
import { surveyResponseRecordedV1 } from '@crm/contracts';
import { createOnce, idempotencyKeyOf, type StoredIdempotencyKey } from '@crm/data';
import { createEvent } from '@crm/events';
import { actorOf, BadUserInputError, ConflictError, ForbiddenError, parseInput, type Clock, type InputProblem } from '@crm/kernel';
import { isValidObjectId, Types, type Model } from 'mongoose';
import type { CustomerScopeDirectory, ScopedRecordSource } from '@crm/customer-scope';
import type { Attributions, AttributionRecord } from '../attribution/attribution';
import { assertPending } from '../dispatch/dispatch-rules';
import type { SurveyRequestRecord } from '../dispatch/survey-request.model';
import type { SurveyRequestsService } from '../dispatch/survey-requests.service';
import type { TemplateVersionRecord } from '../templates/template.model';
import type { TemplatesService } from '../templates/templates.service';
import { recordSurveyResponseInput, type RecordSurveyResponseInput } from './survey-response-input';
import { dissatisfiedItems, mayRecordSurveyResponses, respondedAtProblem, scoreOf } from './survey-response-rules';
import type { SurveyResponseRecord } from './survey-response.model';
import { answerCoverageProblems, inTemplateOrder } from './survey-templates';

export interface ResponseSettings {
  /** Hours after recording within which a needed follow-up's ticket should be closed. */
  followUpSlaHours: number;
}

/** What a response is recorded against: its customer, questionnaire version, attribution and request. */
interface ResponseTarget {
  customerId: string;
  version: TemplateVersionRecord;
  attribution: AttributionRecord;
  request: SurveyRequestRecord | null;
}

/** Recording customers' survey answers and reading them back with their scores. */
export class SurveyResponsesService {
  constructor(
    private readonly responses: Model<SurveyResponseRecord>,
    private readonly clock: Clock,
    private readonly scopes: CustomerScopeDirectory,
    private readonly templates: TemplatesService,
    private readonly requests: SurveyRequestsService,
    private readonly attributions: Attributions,
    private readonly settings: ResponseSettings,
  ) {}

  get model(): Model<SurveyResponseRecord> {
    return this.responses;
  }

  async record(caller: Caller, rawInput: unknown): Promise<SurveyResponseRecord> {
    if (!mayRecordSurveyResponses(caller)) throw new ForbiddenError('Survey responses are recorded by service staff, marketing and managers');
    const input = parseInput(recordSurveyResponseInput, rawInput);
    const idempotencyKey = idempotencyKeyOf(caller.userId, input.idempotencyKey);
    return createOnce(this.responses, idempotencyKey, (stored) => this.recordNew(caller, input, stored));
  }

  /**
   * Every problem of the input at once (the date, the customer or request, the answers against the version asked);
   * then the request must still be pending. Nothing is written before all of it holds.
   */
  private async target(caller: Caller, input: RecordSurveyResponseInput, now: Date): Promise<ResponseTarget> {
    const problems: InputProblem[] = [];
    const dateProblem = respondedAtProblem(input.respondedAt, now);
    if (dateProblem) problems.push({ field: 'input.respondedAt', message: dateProblem });
    let request: SurveyRequestRecord | null = null;
    let customerId: string | null = null;
    let version: TemplateVersionRecord | null = null;
    let attribution: AttributionRecord | null = null;
    if (input.requestId) {
      request = await this.requests.byId(input.requestId);
      // A request of a customer the caller may not read does not exist for them.
      if (request && !(await this.scopes.canSee(caller, request.customerId, now))) request = null;
      if (!request) problems.push({ field: 'input.requestId', message: 'no such survey request' });
      else {
        if (input.customerId && input.customerId !== request.customerId) problems.push({ field: 'input.customerId', message: 'is not the customer the request asked' });
        if (input.template && input.template !== request.template) problems.push({ field: 'input.template', message: `the request asks the ${request.template} questionnaire` });
        customerId = request.customerId;
        attribution = request.attribution;
        [version] = await this.templates.byTemplateVersions([`${request.template}:${request.templateVersion}`]);
      }
    } else {
      customerId = input.customerId!;
      // A customer the caller may not read does not exist for them (service roles see every customer).
      if (!(await this.scopes.canSee(caller, customerId, now))) problems.push({ field: 'input.customerId', message: 'no such customer' });
      else {
        attribution = await this.attributions.of(customerId);
        if (!attribution) problems.push({ field: 'input.customerId', message: 'no such customer known to surveys yet: accounts has not announced it, so nobody can say whose KPI the answers count for' });
      }
      version = await this.templates.current(input.template!);
      if (!version) throw new ConflictError(`The ${input.template} questionnaire has no published version`, { template: input.template });
    }
    if (version) {
      const label = `${version.template} v${version.version}`;
      const items = version.items.map((q) => q.item);
      for (const p of answerCoverageProblems(label, items, input.answers)) problems.push({ field: ['input', ...p.path.map(String)].join('.'), message: p.message });
    }
    if (problems.length > 0) throw new BadUserInputError(problems[0].field, problems[0].message, problems);
    if (request) assertPending(request.state, 'answer');
    return { customerId: customerId!, version: version!, attribution: attribution!, request };
  }

  private async recordNew(caller: Caller, input: RecordSurveyResponseInput, stored: StoredIdempotencyKey): Promise<SurveyResponseRecord> {
    const now = this.clock.now();
    const { customerId, version, attribution, request } = await this.target(caller, input, now);
    const items = version.items.map((q) => q.item);
    const answers = inTemplateOrder(items, input.answers);
    const dissatisfied = dissatisfiedItems(answers);
    const needsFollowUp = dissatisfied.length > 0;
    const sourceTicketId = request?.source === 'TICKET_RESOLVED' ? request.sourceReference : null;
    const record: Omit<SurveyResponseRecord, 'pendingEvents'> = {
      _id: new Types.ObjectId(),
      customerId,
      template: version.template,
      templateVersion: version.version,
      answers,
      consultantId: attribution.consultantId,
      attribution,
      ...(request ? { requestId: request._id } : {}),
      sourceTicketId,
      sourceTicketFirstResponderId: request?.sourceTicketFirstResponderId ?? null,
      followUpDueAt: needsFollowUp ? new Date(now.getTime() + this.settings.followUpSlaHours * 3600_000) : null,
      followUpClosedAt: null,
      respondedAt: input.respondedAt,
      score: scoreOf(answers),
      needsFollowUp,
      recordedBy: caller.userId,
      recordedAt: now,
    };
    const questionOf = new Map(version.items.map((q) => [q.item, q.question]));
    const event = createEvent(surveyResponseRecordedV1, {
      subject: String(record._id),
      actor: actorOf(caller),
      time: now,
      data: {
        responseId: String(record._id),
        customerId: record.customerId,
        template: record.template,
        consultantId: record.consultantId,
        score: record.score,
        dissatisfiedItems: dissatisfied,
        respondedAt: record.respondedAt.toISOString(),
        templateVersion: record.templateVersion,
        requestId: record.requestId ? String(record.requestId) : null,
        departmentId: attribution.departmentId,
        answers: answers.map((a) => ({ item: a.item, question: questionOf.get(a.item) ?? a.item, level: a.level, comment: a.comment })),
        followUp: needsFollowUp ? { sourceTicketId, assigneeId: record.sourceTicketFirstResponderId, dueAt: record.followUpDueAt!.toISOString() } : null,
      },
    });
    // One single-document write: the response and its event commit together or not at all. The request's
    // state follows (an answer wins over an expiry that raced it; the response is the record of truth).
    const created = await this.responses.create({ ...record, pendingEvents: [event], ...stored });
    if (request) await this.requests.markAnswered(request._id, record._id, now);
    return created.toObject();
  }

  /** Responses as the read rule reads them (`surveyResponse(id)` and entity references). */
  readonly records: ScopedRecordSource<SurveyResponseRecord> = {
    entity: 'SurveyResponse',
    fetch: (ids) => this.findByIds(ids),
    idOf: (r) => String(r._id),
    customerIdOf: (r) => r.customerId,
  };

  findByIds(ids: readonly string[]): Promise<SurveyResponseRecord[]> {
    const valid = ids.filter((id) => isValidObjectId(id));
    return this.responses.find({ _id: { $in: valid } }).lean<SurveyResponseRecord[]>().exec();
  }

  /** Every response of a batch of customers, newest first, in one query. */
  ofCustomers(customerIds: readonly string[]): Promise<SurveyResponseRecord[]> {
    return this.responses
      .find({ customerId: { $in: [...customerIds] } })
      .sort({ customerId: 1, respondedAt: -1, _id: -1 })
      .lean<SurveyResponseRecord[]>();
  }

  /** The mean response score of each customer in a batch, in one aggregation; customers without responses are absent. */
  scoresOfCustomers(customerIds: readonly string[]): Promise<{ _id: string; score: number }[]> {
    return this.responses.aggregate<{ _id: string; score: number }>([
      { $match: { customerId: { $in: [...customerIds] } } },
      { $group: { _id: '$customerId', score: { $avg: '$score' } } },
    ]);
  }

  /** The follow-up ticket of a response was closed: the loop is closed (idempotent). */
  async followUpClosed(responseId: string, closedAt: Date): Promise<void> {
    if (!isValidObjectId(responseId)) return;
    await this.responses.updateOne({ _id: responseId, followUpClosedAt: null }, { $set: { followUpClosedAt: closedAt } });
  }

  /** Dissatisfied responses whose follow-up is not closed and past its SLA, oldest due first, within the caller's customers. */
  async overdueFollowUps(caller: Caller, first: number): Promise<SurveyResponseRecord[]> {
    const now = this.clock.now();
    const visible = await this.scopes.filterFor(caller, now);
    return this.responses
      .find({ needsFollowUp: true, followUpClosedAt: null, followUpDueAt: { $lt: now }, ...(visible.unrestricted ? {} : { customerId: { $in: visible.customerIds } }) })
      .sort({ followUpDueAt: 1, _id: 1 })
      .limit(first)
      .lean<SurveyResponseRecord[]>()
      .exec();
  }
}

