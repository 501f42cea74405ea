import { isPartner, type Caller } from '@crm/auth';
import type { CustomerScopeDirectory } from '@crm/customer-scope';
import { relationshipEvaluationRecordedV1 } from '@crm/contracts';
import { createOnce, idempotencyKeyOf, isDuplicateKeyError, type StoredIdempotencyKey } from '@crm/data';
import { createEvent } from '@crm/events';
import { actorOf, BadUserInputError, ConflictError, ForbiddenError, NotFoundError, parseInput, type Clock, type InputProblem } from '@crm/kernel';
import { Types } from 'mongoose';
import { draftTemplateInput, evaluateRelationshipInput, publishTemplateInput, type EvaluateRelationshipInput } from './relationship-evaluation-input';
import { DEFAULT_TEMPLATE, indicatorProblems, mayEditTemplate, publishTransition, recommendationFor, scoreProblems, thresholdProblems, weightedTotalHundredths } from './relationship-evaluation-rules';
import type { RelationshipEvaluationModels, RelationshipEvaluationRecord, RelationshipTemplateRecord } from './relationship-evaluation.model';

const SYSTEM = 'system:relationship-evaluation';
/** Two drafts made at once race for the next version; the loser takes the one after. */
const VERSION_ATTEMPTS = 5;

/** The versioned evaluation template and the evaluations scored against its published version. */
export class RelationshipEvaluationService {
  constructor(
    readonly models: RelationshipEvaluationModels,
    private readonly clock: Clock,
    private readonly scopes: CustomerScopeDirectory,
  ) {}

  /** At start: version 1 is the default template, published, unless a version 1 exists (idempotent, on every replica). */
  async seedDefaultTemplate(): Promise<void> {
    const seeded = { _id: new Types.ObjectId(), status: 'PUBLISHED', ...DEFAULT_TEMPLATE, createdBy: SYSTEM, createdAt: this.clock.now(), publishedBy: SYSTEM, publishedAt: this.clock.now() };
    await this.models.templates.updateOne({ version: 1 }, { $setOnInsert: seeded }, { upsert: true }).catch((error: unknown) => {
      if (!isDuplicateKeyError(error)) throw error;
    });
  }

  /** The published version: the newest one published (a publication in flight may briefly leave two). */
  async published(): Promise<RelationshipTemplateRecord | null> {
    return this.models.templates.findOne({ status: 'PUBLISHED' }).sort({ version: -1 }).lean<RelationshipTemplateRecord>();
  }

  async template(caller: Caller, version: number | null): Promise<RelationshipTemplateRecord | null> {
    if (isPartner(caller)) return null;
    return version === null ? this.published() : this.models.templates.findOne({ version }).lean<RelationshipTemplateRecord>();
  }

  async templates(caller: Caller): Promise<RelationshipTemplateRecord[]> {
    if (isPartner(caller)) return [];
    return this.models.templates.find().sort({ version: -1 }).limit(100).lean<RelationshipTemplateRecord[]>();
  }

  /** A new version as a draft: weights summing to 100, thresholds in order. The general manager only. */
  async draft(caller: Caller, rawInput: unknown): Promise<RelationshipTemplateRecord> {
    if (!mayEditTemplate(caller)) throw new ForbiddenError('Only the general manager keeps the relationship evaluation template');
    const input = parseInput(draftTemplateInput, rawInput);
    const problems = [...indicatorProblems(input.indicators), ...thresholdProblems(input.thresholds)];
    if (problems.length > 0) throw new BadUserInputError(problems[0].field, problems[0].message, problems);
    for (let attempt = 1; ; attempt += 1) {
      const [last] = await this.models.templates.find({}, { version: 1 }).sort({ version: -1 }).limit(1).lean<Pick<RelationshipTemplateRecord, 'version'>[]>();
      const record: RelationshipTemplateRecord = {
        _id: new Types.ObjectId(),
        version: (last?.version ?? 0) + 1,
        status: 'DRAFT',
        indicators: input.indicators.map((i) => ({ key: i.key, name: i.name, weight: i.weight, description: i.description })),
        thresholds: input.thresholds,
        createdBy: caller.userId,
        createdAt: this.clock.now(),
        publishedBy: null,
        publishedAt: null,
      };
      try {
        return (await this.models.templates.create(record)).toObject();
      } catch (error) {
        if (!isDuplicateKeyError(error) || attempt >= VERSION_ATTEMPTS) throw error;
      }
    }
  }

  /** Publish a draft: evaluations from now on use it; the version it replaces retires. */
  async publish(caller: Caller, rawInput: unknown): Promise<RelationshipTemplateRecord> {
    if (!mayEditTemplate(caller)) throw new ForbiddenError('Only the general manager keeps the relationship evaluation template');
    const { version } = parseInput(publishTemplateInput, rawInput);
    const current = await this.models.templates.findOne({ version }).lean<RelationshipTemplateRecord>();
    if (!current) throw new NotFoundError('RelationshipEvaluationTemplate', String(version));
    const status = publishTransition(current.status);
    const now = this.clock.now();
    const saved = await this.models.templates.findOneAndUpdate({ _id: current._id, status: 'DRAFT' }, { $set: { status, publishedBy: caller.userId, publishedAt: now } }, { returnDocument: 'after' }).lean<RelationshipTemplateRecord>();
    if (!saved) throw new ConflictError('The draft was published meanwhile; reload it');
    // The newest published version is the one in force, so retiring the older ones after is safe to repeat.
    await this.models.templates.updateMany({ status: 'PUBLISHED', version: { $lt: version } }, { $set: { status: 'RETIRED' } });
    return saved;
  }

  /** Score a customer against the published version: the weighted total and the recommendation its thresholds give. */
  async evaluate(caller: Caller, rawInput: unknown): Promise<RelationshipEvaluationRecord> {
    if (isPartner(caller)) throw new ForbiddenError('Partners cannot evaluate relationships');
    const input = parseInput(evaluateRelationshipInput, rawInput);
    return createOnce(this.models.evaluations, idempotencyKeyOf(caller.userId, input.idempotencyKey), (stored) => this.evaluateNew(caller, input, stored));
  }

  private async evaluateNew(caller: Caller, input: EvaluateRelationshipInput, stored: StoredIdempotencyKey): Promise<RelationshipEvaluationRecord> {
    const now = this.clock.now();
    const template = await this.published();
    if (!template) throw new ConflictError('No relationship evaluation template is published');
    const problems: InputProblem[] = scoreProblems(template.indicators, input.scores);
    const departmentId = (await this.scopes.canSee(caller, input.customerId, now)) ? (await this.scopes.departmentsOf([input.customerId])).get(input.customerId) : undefined;
    if (!departmentId) problems.unshift({ field: 'input.customerId', message: 'no such customer (or accounts has not announced it yet)' });
    if (problems.length > 0) throw new BadUserInputError(problems[0].field, problems[0].message, problems);
    const scoreOf = new Map(input.scores.map((s) => [s.indicator, s.score]));
    const scores = template.indicators.map((i) => ({ indicator: i.key, name: i.name, weight: i.weight, score: scoreOf.get(i.key)! }));
    const totalHundredths = weightedTotalHundredths(template.indicators, input.scores);
    const recommendation = recommendationFor(totalHundredths, template.thresholds);
    const _id = new Types.ObjectId();
    const event = createEvent(relationshipEvaluationRecordedV1, {
      subject: String(_id),
      actor: actorOf(caller),
      time: now,
      data: {
        evaluationId: String(_id),
        customerId: input.customerId,
        templateVersion: template.version,
        scores: scores.map(({ indicator, weight, score }) => ({ indicator, weight, score })),
        total: totalHundredths / 100,
        recommendation,
        evaluatedBy: caller.userId,
        evaluatedAt: now.toISOString(),
      },
    });
    const record = { _id, customerId: input.customerId, departmentId, templateVersion: template.version, scores, totalHundredths, recommendation, note: input.note, evaluatedBy: caller.userId, evaluatedAt: now };
    const created = await this.models.evaluations.create({ ...record, pendingEvents: [event], ...stored });
    return created.toObject();
  }

  /** The latest evaluation of each customer: one aggregation per batch. */
  async latestFor(customerIds: readonly string[]): Promise<RelationshipEvaluationRecord[]> {
    const groups = await this.models.evaluations.aggregate<{ _id: string; latest: RelationshipEvaluationRecord }>([
      { $match: { customerId: { $in: [...customerIds] } } },
      { $sort: { customerId: 1, evaluatedAt: -1, _id: -1 } },
      { $group: { _id: '$customerId', latest: { $first: '$$ROOT' } } },
    ]);
    return groups.map((group) => group.latest);
  }
}
