import { TZDate } from '@date-fns/tz';
import { BadUserInputError } from '@crm/kernel';

/**
 * A half-open span of time [from, to) named by a month, a quarter or a year in the calendar's time zone: the
 * periods every service's figures are asked for (`period: "2025-03" | "2025-Q1" | "2025"`).
 */
export interface ReportPeriod {
  label: string;
  from: Date;
  to: Date;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const QUARTER = /^(\d{4})-Q([1-4])$/;
const YEAR = /^(\d{4})$/;

function span(year: number, month: number, months: number, timeZone: string): { from: Date; to: Date } {
  const from = new TZDate(year, month, 1, timeZone);
  const to = new TZDate(year, month + months, 1, timeZone);
  return { from: new Date(from.getTime()), to: new Date(to.getTime()) };
}

/** `2025-03` (month), `2025-Q1` (quarter) or `2025` (year); anything else is BAD_USER_INPUT on `field`. */
export function parseReportPeriod(value: string, timeZone: string, field = 'period'): ReportPeriod {
  const month = MONTH.exec(value);
  if (month) return { label: value, ...span(Number(month[1]), Number(month[2]) - 1, 1, timeZone) };
  const quarter = QUARTER.exec(value);
  if (quarter) return { label: value, ...span(Number(quarter[1]), (Number(quarter[2]) - 1) * 3, 3, timeZone) };
  const year = YEAR.exec(value);
  if (year) return { label: value, ...span(Number(year[1]), 0, 12, timeZone) };
  throw new BadUserInputError(field, 'must be a month (2025-03), a quarter (2025-Q1) or a year (2025)');
}

/** Whether a value is a month label, `YYYY-MM`. */
export function isMonth(value: string): boolean {
  return MONTH.test(value);
}
