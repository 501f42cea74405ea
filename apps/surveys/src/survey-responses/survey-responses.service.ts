import type { Caller } from '@crm/auth';
import { surveyResponseRecordedV1 } from '@crm/contracts';
import { createOnce, idempotencyKeyOf, type StoredIdempotencyKey } from '@crm/data';
import { createEvent } from '@crm/events';
import { actorOf, BadUserInputError, ForbiddenError, parseInput, type Clock } from '@crm/kernel';
import { isValidObjectId, Types, type Model } from 'mongoose';
import { recordSurveyResponseInput, type RecordSurveyResponseInput } from './survey-response-input';
import { dissatisfiedItems, mayRecordSurveyResponses, respondedAtProblem, scoreOf } from './survey-response-rules';
import type { SurveyResponseRecord } from './survey-response.model';
import { inTemplateOrder, surveyTemplates } from './survey-templates';
import type { CustomerScopeDirectory, ScopedRecordSource } from '@crm/customer-scope';

/** Recording customers' survey answers and reading them back with their scores. */
export class SurveyResponsesService {
  constructor(
    private readonly responses: Model<SurveyResponseRecord>,
    private readonly clock: Clock,
    private readonly scopes: CustomerScopeDirectory,
  ) {}

  async record(caller: Caller, rawInput: unknown): Promise<SurveyResponseRecord> {
    if (!mayRecordSurveyResponses(caller)) throw new ForbiddenError('Survey responses are recorded by service staff, marketing and managers');
    const input = parseInput(recordSurveyResponseInput, rawInput);
    const idempotencyKey = idempotencyKeyOf(caller.userId, input.idempotencyKey);
    return createOnce(this.responses, idempotencyKey, (stored) => this.recordNew(caller, input, stored));
  }

  private async recordNew(caller: Caller, input: RecordSurveyResponseInput, stored: StoredIdempotencyKey): Promise<SurveyResponseRecord> {
    const now = this.clock.now();
    const problem = respondedAtProblem(input.respondedAt, now);
    if (problem) throw new BadUserInputError('input.respondedAt', problem);
    // A customer the caller may not read does not exist for them (service roles see every customer).
    if (!(await this.scopes.canSee(caller, input.customerId, now))) throw new BadUserInputError('input.customerId', 'no such customer');
    const answers = inTemplateOrder(input.template, input.answers);
    const dissatisfied = dissatisfiedItems(answers);
    const record: Omit<SurveyResponseRecord, 'pendingEvents'> = {
      _id: new Types.ObjectId(),
      customerId: input.customerId,
      template: input.template,
      templateVersion: surveyTemplates[input.template].version,
      answers,
      consultantId: input.consultantId,
      respondedAt: input.respondedAt,
      score: scoreOf(answers),
      needsFollowUp: dissatisfied.length > 0,
      recordedBy: caller.userId,
      recordedAt: now,
    };
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
      },
    });
    // One single-document write: the response and its event commit together or not at all.
    const created = await this.responses.create({ ...record, pendingEvents: [event], ...stored });
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
}
