import { hasRole, type Caller } from '@crm/auth';
import { departmentIdSchema } from '@crm/contracts';
import { isDuplicateKeyError } from '@crm/data';
import { BadUserInputError, ConflictError, dateTimeInput, ForbiddenError, NotFoundError, parseInput, type Clock } from '@crm/kernel';
import { Types, type Model, type UpdateQuery } from 'mongoose';
import { z } from 'zod';
import type { SurveyResponseRecord } from '../survey-responses/survey-response.model';
import { surveyItems, surveyTemplateNames } from '../survey-responses/survey-templates';
import { levelPoints } from '../analysis/analysis-rules';
import { assertProposalStep, fallingScoreFinding, lastCompleteMonths, mayProposeImprovement, mayReadProposals, mayWorkOnProposal, type FallingScoreSettings, type PeriodScore } from './improvement-rules';
import type { ProposalRecord } from './proposal.model';

const text = (max: number) => z.string().trim().min(1, 'is required').max(max);
const idInput = z.string().regex(/^[0-9a-f]{24}$/, 'is not a valid id');

const proposeInput = z.object({
  title: text(200),
  description: text(4000),
  departmentId: departmentIdSchema,
  dueAt: dateTimeInput,
  template: z.enum(surveyTemplateNames).nullish(),
  item: z.enum(surveyItems).nullish(),
});
const startInput = z.object({ id: idInput });
const completeInput = z.object({ id: idInput, verificationNote: text(4000) });
const listInput = z.object({ state: z.enum(['OPEN', 'IN_PROGRESS', 'DONE']).nullish(), departmentId: departmentIdSchema.nullish(), overdueOnly: z.boolean().nullish() });

export const DETECTION_ACTOR = 'system:surveys-findings';

export interface ProposalSettings extends FallingScoreSettings {
  /** Days a detected proposal has until it is due. */
  dueDays: number;
}

/** Improvement proposals: raised by hand or from a falling item score, worked open → in progress → done with a verification note. */
export class ProposalsService {
  constructor(
    private readonly proposals: Model<ProposalRecord>,
    private readonly responses: Model<SurveyResponseRecord>,
    private readonly clock: Clock,
    private readonly settings: ProposalSettings,
  ) {}

  get model(): Model<ProposalRecord> {
    return this.proposals;
  }

  async propose(caller: Caller, rawInput: unknown): Promise<ProposalRecord> {
    const refused = () => new ForbiddenError('Improvement proposals are raised by the general manager, marketing and the department’s manager');
    if (!hasRole(caller, 'general_manager', 'marketing', 'department_manager')) throw refused();
    const input = parseInput(proposeInput, rawInput);
    if (!mayProposeImprovement(caller, input.departmentId)) throw refused();
    const now = this.clock.now();
    if (input.dueAt.getTime() <= now.getTime()) throw new BadUserInputError('input.dueAt', 'must be in the future');
    const created = await this.proposals.create({
      _id: new Types.ObjectId(),
      title: input.title,
      description: input.description,
      departmentId: input.departmentId,
      source: 'MANUAL',
      finding: input.item && input.template ? { template: input.template, item: input.item, scores: [] } : null,
      state: 'OPEN',
      dueAt: input.dueAt,
      verificationNote: null,
      createdBy: caller.userId,
      createdAt: now,
      startedBy: null,
      startedAt: null,
      completedBy: null,
      completedAt: null,
      revision: 0,
    });
    return created.toObject();
  }

  async start(caller: Caller, rawInput: unknown): Promise<ProposalRecord> {
    const { id } = parseInput(startInput, rawInput);
    const current = await this.workable(caller, id);
    assertProposalStep(current.state, 'IN_PROGRESS');
    return this.write(current, { $set: { state: 'IN_PROGRESS', startedBy: caller.userId, startedAt: this.clock.now() } });
  }

  async complete(caller: Caller, rawInput: unknown): Promise<ProposalRecord> {
    const input = parseInput(completeInput, rawInput);
    const current = await this.workable(caller, input.id);
    assertProposalStep(current.state, 'DONE');
    return this.write(current, { $set: { state: 'DONE', verificationNote: input.verificationNote, completedBy: caller.userId, completedAt: this.clock.now() } });
  }

  async list(caller: Caller, rawArgs: unknown): Promise<ProposalRecord[]> {
    const args = parseInput(listInput, rawArgs, 'args');
    const department = args.departmentId ?? (hasRole(caller, 'general_manager', 'marketing', 'coordinator') ? null : (caller.departmentId ?? null));
    if (!mayReadProposals(caller, department)) throw new ForbiddenError('Improvement proposals are read by their department, marketing and the general manager');
    const now = this.clock.now();
    return this.proposals
      .find({
        ...(department ? { departmentId: department } : {}),
        ...(args.state ? { state: args.state } : {}),
        ...(args.overdueOnly ? { state: args.state && args.state !== 'DONE' ? args.state : { $ne: 'DONE' }, dueAt: { $lt: now } } : {}),
      })
      .sort({ dueAt: 1, _id: 1 })
      .limit(200)
      .lean<ProposalRecord[]>()
      .exec();
  }

  async byId(caller: Caller, id: string): Promise<ProposalRecord> {
    const found = Types.ObjectId.isValid(id) ? await this.proposals.findById(id).lean<ProposalRecord>() : null;
    if (!found || !mayReadProposals(caller, found.departmentId)) throw new NotFoundError('ImprovementProposal', id);
    return found;
  }

  /**
   * The findings job: every department's item scores over the last complete months (one aggregation); each item
   * whose score fell over them becomes one proposal for the department (idempotent on the finding's key).
   */
  async detectFallingScores(): Promise<ProposalRecord[]> {
    const now = this.clock.now();
    const months = lastCompleteMonths(now, this.settings.periods);
    const [first] = months;
    const start = new Date(`${first}-01T00:00:00Z`);
    const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const pointsOf = Object.entries(levelPoints).reduce<unknown>((acc, [level, p]) => ({ $cond: [{ $eq: ['$answers.level', level] }, p, acc] }), 0);
    const rows = await this.responses.aggregate<{ _id: { departmentId: string; template: string; item: string; month: string }; answers: number; points: number }>([
      { $match: { respondedAt: { $gte: start, $lt: end } } },
      { $unwind: '$answers' },
      {
        $group: {
          _id: { departmentId: '$attribution.departmentId', template: '$template', item: '$answers.item', month: { $dateToString: { format: '%Y-%m', date: '$respondedAt' } } },
          answers: { $sum: 1 },
          points: { $sum: pointsOf },
        },
      },
    ]);
    const series = new Map<string, { departmentId: string; template: string; item: string; scores: Map<string, PeriodScore> }>();
    for (const row of rows) {
      const key = `${row._id.departmentId}:${row._id.template}:${row._id.item}`;
      const entry = series.get(key) ?? { departmentId: row._id.departmentId, template: row._id.template, item: row._id.item, scores: new Map() };
      entry.scores.set(row._id.month, { period: row._id.month, meanScore: row.points / row.answers, answers: row.answers });
      series.set(key, entry);
    }
    const created: ProposalRecord[] = [];
    for (const [key, entry] of series) {
      const scores = months.map((m) => entry.scores.get(m)).filter((s): s is PeriodScore => s !== undefined);
      if (scores.length !== months.length) continue;
      const finding = fallingScoreFinding(scores, this.settings);
      if (!finding) continue;
      const findingKey = `${key}:${months.at(-1)}`;
      const fmt = (s: PeriodScore) => `${s.period} ${s.meanScore.toFixed(2)}`;
      try {
        const doc = await this.proposals.create({
          _id: new Types.ObjectId(),
          title: `${entry.item} of ${entry.template} is falling`,
          description: `The mean score of ${entry.item} in the ${entry.template} questionnaire fell over ${finding.length} months: ${finding.map(fmt).join(', ')}.`,
          departmentId: entry.departmentId,
          source: 'FALLING_SCORE',
          finding: { template: entry.template, item: entry.item, scores: finding },
          findingKey,
          state: 'OPEN',
          dueAt: new Date(now.getTime() + this.settings.dueDays * 86_400_000),
          verificationNote: null,
          createdBy: DETECTION_ACTOR,
          createdAt: now,
          startedBy: null,
          startedAt: null,
          completedBy: null,
          completedAt: null,
          revision: 0,
        });
        created.push(doc.toObject());
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
    }
    return created;
  }

  private async workable(caller: Caller, id: string): Promise<ProposalRecord> {
    const found = await this.proposals.findById(id).lean<ProposalRecord>();
    if (!found) throw new NotFoundError('ImprovementProposal', id);
    if (!mayWorkOnProposal(caller, found.departmentId)) throw new ForbiddenError('Improvement proposals are worked by the responsible department’s manager and the general manager');
    return found;
  }

  private async write(current: ProposalRecord, update: UpdateQuery<ProposalRecord>): Promise<ProposalRecord> {
    const saved = await this.proposals.findOneAndUpdate({ _id: current._id, revision: current.revision }, { ...update, $inc: { revision: 1 } }, { returnDocument: 'after' }).lean<ProposalRecord>();
    if (!saved) throw new ConflictError('The proposal was changed by someone else meanwhile; reload and try again');
    return saved;
  }
}

