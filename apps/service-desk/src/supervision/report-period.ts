import { BadUserInputError } from '@crm/kernel';
import { isMonth, parseReportPeriod, type ReportPeriod } from '@crm/working-calendar';

export { isMonth, parseReportPeriod, type ReportPeriod };

/** A month `YYYY-MM` as a period; BAD_USER_INPUT on `field` otherwise. */
export function parseMonth(value: string, timeZone: string, field: string): ReportPeriod {
  if (!isMonth(value)) throw new BadUserInputError(field, 'must be a month, YYYY-MM');
  return parseReportPeriod(value, timeZone, field);
}

/** Every month label from one month to another, inclusive. */
export function monthsBetween(fromMonth: string, toMonth: string): string[] {
  const [fy, fm] = fromMonth.split('-').map(Number);
  const [ty, tm] = toMonth.split('-').map(Number);
  const months: string[] = [];
  for (let y = fy, m = fm; y < ty || (y === ty && m <= tm); m === 12 ? ((y += 1), (m = 1)) : (m += 1)) {
    months.push(`${y}-${String(m).padStart(2, '0')}`);
  }
  return months;
}
