import { TZDate } from '@date-fns/tz';
import type { CalendarDay } from './working-calendar';

/*
 * Calendar-day arithmetic in a time zone, shared by every rule that turns instants into days and back (due at the end
 * of a day, a report's day, days overdue). A day is `YYYY-MM-DD`; adding days is pure calendar arithmetic.
 */

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function parts(day: CalendarDay): [number, number, number] {
  const match = DAY.exec(day);
  if (!match) throw new RangeError(`not a YYYY-MM-DD day: ${JSON.stringify(day)}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** The calendar day an instant falls on in `timeZone`. */
export function calendarDayOf(at: Date, timeZone: string): CalendarDay {
  const local = new TZDate(at.getTime(), timeZone);
  return `${local.getFullYear()}-${String(local.getMonth() + 1).padStart(2, '0')}-${String(local.getDate()).padStart(2, '0')}`;
}

/** The calendar day `n` days after `day` (no time zone involved); RangeError for anything but `YYYY-MM-DD`. */
export function addCalendarDays(day: CalendarDay, n: number): CalendarDay {
  const [y, m, d] = parts(day);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** The first instant of a calendar day in `timeZone`. */
export function startOfCalendarDay(day: CalendarDay, timeZone: string): Date {
  const [y, m, d] = parts(day);
  return new Date(new TZDate(y, m - 1, d, timeZone).getTime());
}

/** The instants [from, to) of a calendar day in `timeZone` (23 or 25 hours long on a daylight-saving change). */
export function calendarDayBounds(day: CalendarDay, timeZone: string): { from: Date; to: Date } {
  return { from: startOfCalendarDay(day, timeZone), to: startOfCalendarDay(addCalendarDays(day, 1), timeZone) };
}

/** The last instant (…59.999) of a calendar day in `timeZone`: when work due that day becomes overdue. */
export function endOfCalendarDay(day: CalendarDay, timeZone: string): Date {
  return new Date(calendarDayBounds(day, timeZone).to.getTime() - 1);
}
