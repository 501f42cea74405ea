import { hasRole, isPartner, type Caller } from '@crm/auth';
import { ConflictError, type InputProblem } from '@crm/kernel';

/*
 * The relationship evaluation (客户关系评估表, docs/domain/engagement.md): a versioned template of weighted
 * indicators whose weights sum to 100, and thresholds that turn the weighted total into a recommendation.
 * Scores are whole numbers 0..100 per indicator; the total is the weighted sum, 0..100, kept exactly as hundredths.
 */

export const recommendations = ['IMPROVE', 'MAINTAIN', 'END'] as const;
export type Recommendation = (typeof recommendations)[number];
export const templateStatuses = ['DRAFT', 'PUBLISHED', 'RETIRED'] as const;
export type TemplateStatus = (typeof templateStatuses)[number];

export interface Indicator {
  /** Stable key within the template (`cooperation`), what scores name. */
  key: string;
  name: string;
  /** Whole percent; the template's weights sum to 100. */
  weight: number;
  description: string | null;
}

/** A total below `endBelow` recommends ending the relationship, below `improveBelow` improving it; else maintaining it. */
export interface Thresholds {
  endBelow: number;
  improveBelow: number;
}

export const MAX_INDICATORS = 20;
export const WEIGHT_TOTAL = 100;

/** Every problem of a template's indicators at once: at least one, unique keys, whole weights 1..100 summing to 100. */
export function indicatorProblems(indicators: readonly Pick<Indicator, 'key' | 'weight'>[], field = 'input.indicators'): InputProblem[] {
  const problems: InputProblem[] = [];
  if (indicators.length === 0) return [{ field, message: 'needs at least one indicator' }];
  if (indicators.length > MAX_INDICATORS) problems.push({ field, message: `at most ${MAX_INDICATORS} indicators` });
  const seen = new Set<string>();
  indicators.forEach((indicator, i) => {
    if (seen.has(indicator.key)) problems.push({ field: `${field}.${i}.key`, message: `the key ${JSON.stringify(indicator.key)} is used twice` });
    seen.add(indicator.key);
    if (!Number.isInteger(indicator.weight) || indicator.weight < 1 || indicator.weight > WEIGHT_TOTAL) problems.push({ field: `${field}.${i}.weight`, message: 'must be a whole number from 1 to 100' });
  });
  const sum = indicators.reduce((total, indicator) => total + indicator.weight, 0);
  if (sum !== WEIGHT_TOTAL) problems.push({ field, message: `the weights must sum to 100, not ${sum}` });
  return problems;
}

/** 0 <= endBelow <= improveBelow <= 100, whole numbers. */
export function thresholdProblems(thresholds: Thresholds, field = 'input.thresholds'): InputProblem[] {
  const problems: InputProblem[] = [];
  for (const name of ['endBelow', 'improveBelow'] as const) {
    const value = thresholds[name];
    if (!Number.isInteger(value) || value < 0 || value > 100) problems.push({ field: `${field}.${name}`, message: 'must be a whole number from 0 to 100' });
  }
  if (problems.length === 0 && thresholds.endBelow > thresholds.improveBelow) problems.push({ field: `${field}.endBelow`, message: 'must not be above improveBelow' });
  return problems;
}

/** Every problem of an evaluation's scores: each indicator of the template scored once, a whole number 0..100. */
export function scoreProblems(indicators: readonly Pick<Indicator, 'key'>[], scores: readonly { indicator: string; score: number }[], field = 'input.scores'): InputProblem[] {
  const problems: InputProblem[] = [];
  const keys = new Set(indicators.map((i) => i.key));
  const scored = new Set<string>();
  scores.forEach((s, i) => {
    if (!keys.has(s.indicator)) problems.push({ field: `${field}.${i}.indicator`, message: `the template has no indicator ${JSON.stringify(s.indicator)}` });
    else if (scored.has(s.indicator)) problems.push({ field: `${field}.${i}.indicator`, message: `${JSON.stringify(s.indicator)} is scored twice` });
    scored.add(s.indicator);
    if (!Number.isInteger(s.score) || s.score < 0 || s.score > 100) problems.push({ field: `${field}.${i}.score`, message: 'must be a whole number from 0 to 100' });
  });
  const missing = indicators.filter((i) => !scored.has(i.key)).map((i) => i.key);
  if (missing.length > 0) problems.push({ field, message: `every indicator must be scored; missing: ${missing.join(', ')}` });
  return problems;
}

/** Σ weight × score, in hundredths of a point (weights sum to 100, so 0..10000): exact, no float sums. */
export function weightedTotalHundredths(indicators: readonly Pick<Indicator, 'key' | 'weight'>[], scores: readonly { indicator: string; score: number }[]): number {
  const scoreOf = new Map(scores.map((s) => [s.indicator, s.score]));
  return indicators.reduce((sum, indicator) => sum + indicator.weight * (scoreOf.get(indicator.key) ?? 0), 0);
}

/** The recommendation for a total (in hundredths): below endBelow END, below improveBelow IMPROVE, otherwise MAINTAIN. */
export function recommendationFor(totalHundredths: number, thresholds: Thresholds): Recommendation {
  if (totalHundredths < thresholds.endBelow * 100) return 'END';
  if (totalHundredths < thresholds.improveBelow * 100) return 'IMPROVE';
  return 'MAINTAIN';
}

/** Only a draft is published; the published version it replaces retires. */
export function publishTransition(status: TemplateStatus): TemplateStatus {
  if (status !== 'DRAFT') throw new ConflictError(`Version is ${status.toLowerCase()}; only a draft is published`);
  return 'PUBLISHED';
}

/** The general manager keeps the template (one for the whole company). */
export function mayEditTemplate(caller: Caller): boolean {
  return !isPartner(caller) && hasRole(caller, 'general_manager');
}

/** The template the service seeds as version 1 when there is none: the policy's indicators and thresholds. */
export const DEFAULT_TEMPLATE: { indicators: Indicator[]; thresholds: Thresholds } = {
  indicators: [
    { key: 'sales-volume', name: 'Sales volume', weight: 25, description: 'Purchases against the target and the customer’s potential' },
    { key: 'payment', name: 'Payment record', weight: 20, description: 'Pays on time; no overdue or bad debts' },
    { key: 'cooperation', name: 'Cooperation attitude', weight: 15, description: 'Openness, shared plans, reaction to our proposals' },
    { key: 'growth', name: 'Growth potential', weight: 15, description: 'The customer’s own market and sales capability' },
    { key: 'loyalty', name: 'Loyalty', weight: 15, description: 'Buys our brand rather than switching' },
    { key: 'service-cost', name: 'Cost to serve', weight: 10, description: 'Complaints, special terms and visits needed (high score: low cost)' },
  ],
  thresholds: { endBelow: 40, improveBelow: 70 },
};
