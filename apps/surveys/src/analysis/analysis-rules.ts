import { TZDate } from '@date-fns/tz';
import { BadUserInputError } from '@crm/kernel';
import { parseReportPeriod } from '@crm/working-calendar';
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

/** A year, quarter or month label as the span [start, end) it names in the working calendar's time zone. */
export function parsePeriod(label: string, timeZone: string, field = 'period'): Period {
  const match = PERIOD.exec(label);
  if (!match) throw new BadUserInputError(field, 'must read YYYY, YYYY-Qn or YYYY-MM');
  const { from, to } = parseReportPeriod(label, timeZone, field);
  const granularity: PeriodGranularity = match[2] ? 'QUARTER' : match[3] ? 'MONTH' : 'YEAR';
  return { label, granularity, start: from, end: to };
}

/** The label of the period an instant falls in, in the time zone, as the aggregation computes it. */
export function periodLabelOf(at: Date, granularity: PeriodGranularity, timeZone: string): string {
  const local = new TZDate(at.getTime(), timeZone);
  const year = local.getFullYear();
  if (granularity === 'YEAR') return String(year);
  if (granularity === 'QUARTER') return `${year}-Q${Math.floor(local.getMonth() / 3) + 1}`;
  return `${year}-${String(local.getMonth() + 1).padStart(2, '0')}`;
}

/** The aggregation expression of `periodLabelOf` over a date path (no $switch or $dateTrunc: the dev server lacks them). */
export function periodExpression(path: string, granularity: PeriodGranularity, timeZone: string): unknown {
  const formatted = (format: string) => ({ $dateToString: { format, date: path, timezone: timeZone } });
  if (granularity === 'YEAR') return formatted('%Y');
  if (granularity === 'MONTH') return formatted('%Y-%m');
  return { $concat: [formatted('%Y'), '-Q', { $toString: { $toInt: { $ceil: { $divide: [{ $month: { date: path, timezone: timeZone } }, 3] } } } }] };
}
