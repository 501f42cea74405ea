import { BadUserInputError } from '@crm/kernel';
import type { SatisfactionLevel } from '../survey-responses/survey-templates';

export const analysisAxes = ['ITEM', 'TEMPLATE', 'TEMPLATE_VERSION', 'CONSULTANT', 'DEPARTMENT', 'PRODUCT', 'REGION', 'PERIOD'] as const;
export type AnalysisAxis = (typeof analysisAxes)[number];
export const periodGranularities = ['MONTH', 'QUARTER', 'YEAR'] as const;
export type PeriodGranularity = (typeof periodGranularities)[number];

/** Points of each level, best first (the scale of docs/domain/surveys.md). */
export const levelPoints: Record<SatisfactionLevel, number> = { SATISFIED: 5, FAIRLY_SATISFIED: 4, BASICALLY_SATISFIED: 3, NOT_VERY_SATISFIED: 2, DISSATISFIED: 1 };
export const levelsBestFirst = Object.keys(levelPoints) as SatisfactionLevel[];

/** Answers per level, best first. */
export type Distribution = [number, number, number, number, number];

export interface Figures {
  answers: number;
  meanScore: number | null;
  shareDissatisfied: number | null;
}

/** Mean on 5..1 and the share of the two lowest levels, from a distribution; null without answers. */
export function figuresOf(distribution: Distribution): Figures {
  const answers = distribution.reduce((a, b) => a + b, 0);
  if (answers === 0) return { answers, meanScore: null, shareDissatisfied: null };
  const points = distribution.reduce((sum, count, i) => sum + count * (5 - i), 0);
  return { answers, meanScore: points / answers, shareDissatisfied: (distribution[3] + distribution[4]) / answers };
}

/** Answered requests over requests sent (skipped ones were never sent); null when none was sent. */
export function responseRate(sent: number, answered: number): number | null {
  return sent === 0 ? null : answered / sent;
}

/** A period as clients name it: `2025` (year), `2025-Q2` (quarter) or `2025-06` (month), in UTC. */
export interface Period {
  label: string;
  granularity: PeriodGranularity;
  start: Date;
  end: Date;
}

const PERIOD = /^(\d{4})(?:-(?:Q([1-4])|(0[1-9]|1[0-2])))?$/;

export function parsePeriod(label: string, field = 'period'): Period {
  const match = PERIOD.exec(label);
  if (!match) throw new BadUserInputError(field, 'must read YYYY, YYYY-Qn or YYYY-MM');
  const year = Number(match[1]);
  if (match[2]) {
    const q = Number(match[2]);
    return { label, granularity: 'QUARTER', start: new Date(Date.UTC(year, (q - 1) * 3, 1)), end: new Date(Date.UTC(year, q * 3, 1)) };
  }
  if (match[3]) {
    const m = Number(match[3]);
    return { label, granularity: 'MONTH', start: new Date(Date.UTC(year, m - 1, 1)), end: new Date(Date.UTC(year, m, 1)) };
  }
  return { label, granularity: 'YEAR', start: new Date(Date.UTC(year, 0, 1)), end: new Date(Date.UTC(year + 1, 0, 1)) };
}

/** The label of the period an instant falls in (UTC), as the aggregation computes it. */
export function periodLabelOf(at: Date, granularity: PeriodGranularity): string {
  const year = at.getUTCFullYear();
  if (granularity === 'YEAR') return String(year);
  if (granularity === 'QUARTER') return `${year}-Q${Math.floor(at.getUTCMonth() / 3) + 1}`;
  return `${year}-${String(at.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The aggregation expression of `periodLabelOf` over a date path (no $switch or $dateTrunc: the dev server lacks them). */
export function periodExpression(path: string, granularity: PeriodGranularity): unknown {
  if (granularity === 'YEAR') return { $dateToString: { format: '%Y', date: path } };
  if (granularity === 'MONTH') return { $dateToString: { format: '%Y-%m', date: path } };
  return { $concat: [{ $dateToString: { format: '%Y', date: path } }, '-Q', { $toString: { $toInt: { $ceil: { $divide: [{ $month: path }, 3] } } } }] };
}
