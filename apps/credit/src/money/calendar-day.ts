
/**
 * Calendar days in the working calendar's time zone, as whole day numbers (days since 1970-01-01), so that
 * "days overdue" is a subtraction both here and inside a Mongo aggregation.
 */
export { calendarDayOf, startOfCalendarDay as startOfDay } from '@crm/working-calendar';

export function dayNumber(day: string): number {
  const [y, m, d] = day.split('-').map(Number);
  return Math.round(Date.UTC(y, m - 1, d) / 86_400_000);
}

export function dayOfNumber(n: number): string {
  return new Date(n * 86_400_000).toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return dayOfNumber(dayNumber(day) + days);
}

