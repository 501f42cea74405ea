import type { StaffFigureReach } from '@crm/auth';
import { isPartner, type Caller } from '@crm/auth';
import type { CustomerScopeDirectory } from '@crm/customer-scope';
import { dateTimeInput, ForbiddenError, parseInput, type Clock } from '@crm/kernel';
import type { Model, PipelineStage } from 'mongoose';
import { z } from 'zod';
import type { SurveyResponseRecord } from '../survey-responses/survey-response.model';
import { surveyItems, surveyTemplateNames, type SatisfactionLevel } from '../survey-responses/survey-templates';
import { analysisAxes, figuresOf, levelsBestFirst, periodExpression, periodGranularities, responseRate, type AnalysisAxis, type Distribution } from './analysis-rules';

const analysisInput = z
  .object({
    by: z.array(z.enum(analysisAxes)).max(analysisAxes.length),
    period: z.enum(periodGranularities).nullish(),
    from: dateTimeInput.nullish(),
    to: dateTimeInput.nullish(),
    template: z.enum(surveyTemplateNames).nullish(),
    templateVersion: z.number().int().positive().nullish(),
    item: z.enum(surveyItems).nullish(),
    departmentId: z.string().min(1).max(64).nullish(),
    consultantId: z.string().min(1).max(64).nullish(),
  })
  .superRefine((input, ctx) => {
    if (input.by.includes('PERIOD') && !input.period) ctx.addIssue({ code: 'custom', path: ['period'], message: 'is required when analysing by PERIOD' });
    if (new Set(input.by).size !== input.by.length) ctx.addIssue({ code: 'custom', path: ['by'], message: 'names an axis more than once' });
    if (input.from && input.to && input.from.getTime() >= input.to.getTime()) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
  });
export type AnalysisInput = z.infer<typeof analysisInput>;

/** The axes' values of one row; an axis not analysed by is null. */
export interface AnalysisKey {
  item: string | null;
  template: string | null;
  templateVersion: number | null;
  consultantId: string | null;
  departmentId: string | null;
  product: string | null;
  region: string | null;
  period: string | null;
}

export interface AnalysisRow {
  id: string;
  key: AnalysisKey;
  responses: number;
  answers: number;
  distribution: { level: SatisfactionLevel; count: number }[];
  meanScore: number | null;
  shareDissatisfied: number | null;
  requestsSent: number | null;
  requestsAnswered: number | null;
  responseRate: number | null;
}

export interface AnalysisResult {
  id: string;
  by: AnalysisAxis[];
  rows: AnalysisRow[];
}

/** Where each axis reads on a response (after `answers` and `attribution.products` are unwound when analysed by). */
const responsePath: Record<Exclude<AnalysisAxis, 'PERIOD'>, string> = {
  ITEM: '$answers.item',
  TEMPLATE: '$template',
  TEMPLATE_VERSION: '$templateVersion',
  CONSULTANT: '$attribution.consultantId',
  DEPARTMENT: '$attribution.departmentId',
  PRODUCT: '$attribution.products',
  REGION: '$attribution.region',
};
const keyField: Record<AnalysisAxis, keyof AnalysisKey> = {
  ITEM: 'item',
  TEMPLATE: 'template',
  TEMPLATE_VERSION: 'templateVersion',
  CONSULTANT: 'consultantId',
  DEPARTMENT: 'departmentId',
  PRODUCT: 'product',
  REGION: 'region',
  PERIOD: 'period',
};

const countOfLevel = (level: SatisfactionLevel, byItem: boolean) =>
  byItem ? { $sum: { $cond: [{ $eq: ['$answers.level', level] }, 1, 0] } } : { $sum: { $size: { $filter: { input: '$answers', as: 'a', cond: { $eq: ['$$a.level', level] } } } } };

/**
 * Satisfaction analysis: by any of item, template (and version), consultant, department, product, region and period,
 * the distribution over the five levels, the mean score, the share dissatisfied and the response rate of the
 * requests dispatched, in one aggregation (one round trip): the responses grouped in one facet, the requests
 * grouped through a $lookup in the other.
 */
export class AnalysisService {
  constructor(
    private readonly responses: Model<SurveyResponseRecord>,
    private readonly requestsCollection: string,
    private readonly scopes: CustomerScopeDirectory,
    private readonly clock: Clock,
    /** The working calendar's time zone: periods are its months, quarters and years. */
    private readonly timeZone: () => string,
  ) {}

  async analyse(caller: Caller, rawInput: unknown): Promise<AnalysisResult> {
    if (isPartner(caller)) throw new ForbiddenError('Partners have no access to surveys');
    const input = parseInput(analysisInput, rawInput);
    const visible = await this.scopes.filterFor(caller, this.clock.now());
    const customerFilter = visible.unrestricted ? {} : { customerId: { $in: visible.customerIds } };
    const [result] = await this.responses.aggregate<{ rows: GroupRow[]; requests: { groups: RequestGroup[] }[] }>(this.pipeline(input, customerFilter));
    return { id: analysisId(input), by: input.by, rows: assemble(input, result?.rows ?? [], result?.requests[0]?.groups ?? []) };
  }

  /** The pipeline (exposed for the benchmark). */
  pipeline(input: AnalysisInput, customerFilter: Record<string, unknown>): PipelineStage[] {
    const byItem = input.by.includes('ITEM');
    const byProduct = input.by.includes('PRODUCT');
    const granularity = input.period ?? 'MONTH';
    const common = {
      ...customerFilter,
      ...(input.template ? { template: input.template } : {}),
      ...(input.templateVersion ? { templateVersion: input.templateVersion } : {}),
      ...(input.departmentId ? { 'attribution.departmentId': input.departmentId } : {}),
      ...(input.consultantId ? { 'attribution.consultantId': input.consultantId } : {}),
    };
    const range = (path: string) => (input.from || input.to ? { [path]: { ...(input.from ? { $gte: input.from } : {}), ...(input.to ? { $lt: input.to } : {}) } } : {});
    const responseKey: Record<string, unknown> = {};
    const requestKey: Record<string, unknown> = {};
    for (const axis of input.by) {
      responseKey[keyField[axis]] = axis === 'PERIOD' ? periodExpression('$respondedAt', granularity, this.timeZone()) : responsePath[axis];
      if (axis !== 'ITEM') requestKey[keyField[axis]] = axis === 'PERIOD' ? periodExpression('$createdAt', granularity, this.timeZone()) : responsePath[axis];
    }
    const unwound = byItem || Boolean(input.item);
    const levels = Object.fromEntries(levelsBestFirst.map((level, i) => [`l${i}`, countOfLevel(level, unwound)]));
    const unwindProducts: PipelineStage[] = byProduct ? [{ $unwind: { path: '$attribution.products', preserveNullAndEmptyArrays: true } }] : [];
    return [
      { $match: { ...common, ...range('respondedAt'), ...(input.item ? { 'answers.item': input.item } : {}) } },
      {
        $facet: {
          rows: [
            ...unwindProducts,
            ...(unwound ? [{ $unwind: '$answers' }, ...(input.item ? [{ $match: { 'answers.item': input.item } }] : [])] : []),
            { $group: { _id: responseKey, responses: { $sum: 1 }, ...levels } },
          ],
          requests: [
            { $limit: 1 },
            {
              $lookup: {
                from: this.requestsCollection,
                pipeline: [
                  { $match: { ...common, ...range('createdAt') } },
                  ...unwindProducts,
                  {
                    $group: {
                      _id: requestKey,
                      sent: { $sum: { $cond: [{ $eq: ['$state', 'SKIPPED'] }, 0, 1] } },
                      answered: { $sum: { $cond: [{ $eq: ['$state', 'ANSWERED'] }, 1, 0] } },
                    },
                  },
                ],
                as: 'groups',
              },
            },
            { $project: { _id: 0, groups: 1 } },
          ],
        },
      },
    ] as PipelineStage[];
  }
}

/** A satisfaction KPI figure of one consultant or department over one period. */
export interface SatisfactionFigure {
  id: string;
  period: string;
  responses: number;
  answers: number;
  meanScore: number | null;
  shareDissatisfied: number | null;
  distribution: { level: SatisfactionLevel; count: number }[];
}

/** `Consultant.satisfaction(period)` / `Department.satisfaction(period)` for a batch: one aggregation, a facet per period. */
export async function satisfactionFigures(
  responses: Model<SurveyResponseRecord>,
  path: 'attribution.consultantId' | 'attribution.departmentId',
  keys: readonly { id: string; period: { label: string; start: Date; end: Date }; reach: StaffFigureReach }[],
): Promise<(SatisfactionFigure | null)[]> {
  // One facet per (period, reach): a department manager reads of another department's consultant only the
  // responses counted for their own department.
  const facetOf = (k: (typeof keys)[number]) => JSON.stringify([k.period.label, k.reach === 'ALL' ? null : k.reach?.departmentId]);
  const readable = keys.filter((k) => k.reach !== null);
  const groups = new Map(readable.map((k) => [facetOf(k), { period: k.period, reach: k.reach, ids: new Set<string>() }]));
  for (const k of readable) groups.get(facetOf(k))!.ids.add(k.id);
  const names = new Map([...groups.keys()].map((name, i) => [name, `p${i}`]));
  const facets = Object.fromEntries(
    [...groups].map(([name, { period, reach, ids }]) => [
      names.get(name)!,
      [
        { $match: { [path]: { $in: [...ids] }, respondedAt: { $gte: period.start, $lt: period.end }, ...(reach === 'ALL' || reach === null ? {} : { 'attribution.departmentId': reach.departmentId }) } },
        { $group: { _id: `$${path}`, responses: { $sum: 1 }, ...Object.fromEntries(levelsBestFirst.map((level, l) => [`l${l}`, countOfLevel(level, false)])) } },
      ],
    ]),
  );
  const [result] = readable.length === 0 ? [{}] : await responses.aggregate<Record<string, GroupRow[]>>([{ $match: { [path]: { $in: [...new Set(readable.map((k) => k.id))] } } }, { $facet: facets }]);
  const found = new Map<string, GroupRow>();
  for (const [name, facet] of names) (result?.[facet] ?? []).forEach((row) => found.set(`${String(row._id)}|${name}`, row));
  return keys.map((k) => {
    if (k.reach === null) return null;
    const row = found.get(`${k.id}|${facetOf(k)}`);
    const distribution: Distribution = row ? [row.l0, row.l1, row.l2, row.l3, row.l4] : [0, 0, 0, 0, 0];
    const figures = figuresOf(distribution);
    return {
      id: `${k.id}:satisfaction:${k.period.label}`,
      period: k.period.label,
      responses: (row?.responses as number | undefined) ?? 0,
      answers: figures.answers,
      meanScore: figures.meanScore,
      shareDissatisfied: figures.shareDissatisfied,
      distribution: levelsBestFirst.map((level, i) => ({ level, count: distribution[i] })),
    };
  });
}

interface GroupRow {
  _id: Partial<AnalysisKey>;
  responses: number;
  l0: number;
  l1: number;
  l2: number;
  l3: number;
  l4: number;
}

interface RequestGroup {
  _id: Partial<AnalysisKey>;
  sent: number;
  answered: number;
}

const emptyKey = (): AnalysisKey => ({ item: null, template: null, templateVersion: null, consultantId: null, departmentId: null, product: null, region: null, period: null });
const keyOf = (raw: Partial<AnalysisKey>): AnalysisKey => ({ ...emptyKey(), ...Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v ?? null])) });
const requestKeyString = (key: AnalysisKey) => JSON.stringify({ ...key, item: null });

function analysisId(input: AnalysisInput): string {
  return `analysis:${Buffer.from(JSON.stringify(input)).toString('base64url')}`;
}

function assemble(input: AnalysisInput, rows: GroupRow[], requestGroups: RequestGroup[]): AnalysisRow[] {
  const byRequestKey = new Map(requestGroups.map((g) => [requestKeyString(keyOf(g._id)), g]));
  const id = analysisId(input);
  return rows
    .map((row) => {
      const key = keyOf(row._id);
      const distribution: Distribution = [row.l0, row.l1, row.l2, row.l3, row.l4];
      const figures = figuresOf(distribution);
      const requests = byRequestKey.get(requestKeyString(key));
      return {
        id: `${id}:${JSON.stringify(key)}`,
        key,
        responses: row.responses,
        answers: figures.answers,
        distribution: levelsBestFirst.map((level, i) => ({ level, count: distribution[i] })),
        meanScore: figures.meanScore,
        shareDissatisfied: figures.shareDissatisfied,
        requestsSent: requests?.sent ?? null,
        requestsAnswered: requests?.answered ?? null,
        responseRate: requests ? responseRate(requests.sent, requests.answered) : null,
      };
    })
    .sort((a, b) => JSON.stringify(a.key).localeCompare(JSON.stringify(b.key)));
}

