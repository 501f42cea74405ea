import { TZDate } from '@date-fns/tz';
import { addDays, differenceInCalendarDays, format, isWeekend } from 'date-fns';

/** A calendar day written as `YYYY-MM-DD`; always read in the calendar's time zone. */
export type CalendarDay = string;

/** Plain config a WorkingCalendar is built from (env, a database document, a test). */
export interface WorkingCalendarConfig {
  /** IANA time zone the working day is counted in. Default `Asia/Shanghai`. */
  timeZone?: string;
  /** Days off that would otherwise be working days (national holidays). */
  holidays?: readonly CalendarDay[];
  /** Weekend days that are working days (调休 make-up workdays). */
  makeUpWorkdays?: readonly CalendarDay[];
  /** Start of working hours, `HH:mm`. Default `09:00`. */
  workdayStart?: string;
  /** End of working hours, `HH:mm`, after the start on the same day. Default `18:00`. */
  workdayEnd?: string;
}

export const DEFAULT_WORKING_TIME_ZONE = 'Asia/Shanghai';
export const DEFAULT_WORKDAY_START = '09:00';
export const DEFAULT_WORKDAY_END = '18:00';

const CALENDAR_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;
const MS_PER_HOUR = 3_600_000;
/** A walk over days stops here: no sane deadline lies 50 years ahead, a longer walk means a broken input. */
const MAX_DAYS_WALKED = 366 * 50;

/** Thrown for a config that cannot describe a working calendar; the message names the bad value. */
export class WorkingCalendarConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkingCalendarConfigError';
  }
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

export function isValidCalendarDay(value: string): boolean {
  const match = CALENDAR_DAY.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}

export function isValidTimeOfDay(value: string): boolean {
  return TIME_OF_DAY.test(value);
}

function minutesOfDay(value: string, name: string): number {
  const match = TIME_OF_DAY.exec(value);
  if (!match) throw new WorkingCalendarConfigError(`${name} must be HH:mm (00:00–23:59), got ${JSON.stringify(value)}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

function daySet(days: readonly string[], name: string): ReadonlySet<string> {
  for (const day of days) {
    if (!isValidCalendarDay(day)) throw new WorkingCalendarConfigError(`${name}: ${JSON.stringify(day)} is not a YYYY-MM-DD date`);
  }
  return new Set(days);
}

/**
 * Working days and working hours in one time zone, with national holidays and make-up workdays.
 *
 * Pure: every answer depends only on the config and the arguments (no clock, no I/O). Instants are plain
 * `Date`s; calendar days are read in `timeZone`, so a deadline is the same whatever zone the process runs in,
 * and days with a DST change keep their wall-clock working hours (09:00–18:00 stays 9 hours of work).
 *
 * A day is a working day when it is a make-up workday, or a Monday–Friday that is not a holiday.
 */
export class WorkingCalendar {
  readonly timeZone: string;
  readonly workdayStart: string;
  readonly workdayEnd: string;
  private readonly holidays: ReadonlySet<string>;
  private readonly makeUpWorkdays: ReadonlySet<string>;
  private readonly startMinutes: number;
  private readonly endMinutes: number;

  constructor(config: WorkingCalendarConfig = {}) {
    this.timeZone = config.timeZone ?? DEFAULT_WORKING_TIME_ZONE;
    if (!isValidTimeZone(this.timeZone)) throw new WorkingCalendarConfigError(`timeZone: unknown time zone ${JSON.stringify(this.timeZone)}`);
    this.workdayStart = config.workdayStart ?? DEFAULT_WORKDAY_START;
    this.workdayEnd = config.workdayEnd ?? DEFAULT_WORKDAY_END;
    this.startMinutes = minutesOfDay(this.workdayStart, 'workdayStart');
    this.endMinutes = minutesOfDay(this.workdayEnd, 'workdayEnd');
    if (this.endMinutes <= this.startMinutes) {
      throw new WorkingCalendarConfigError(`workdayEnd (${this.workdayEnd}) must be after workdayStart (${this.workdayStart})`);
    }
    this.holidays = daySet(config.holidays ?? [], 'holidays');
    this.makeUpWorkdays = daySet(config.makeUpWorkdays ?? [], 'makeUpWorkdays');
    const both = [...this.holidays].filter((day) => this.makeUpWorkdays.has(day));
    if (both.length > 0) throw new WorkingCalendarConfigError(`a day cannot be both a holiday and a make-up workday: ${both.join(', ')}`);
  }

  /** The config this calendar was built from, e.g. to add days to it: `new WorkingCalendar({ ...cal.config, holidays })`. */
  get config(): Required<WorkingCalendarConfig> {
    return {
      timeZone: this.timeZone,
      holidays: [...this.holidays].sort(),
      makeUpWorkdays: [...this.makeUpWorkdays].sort(),
      workdayStart: this.workdayStart,
      workdayEnd: this.workdayEnd,
    };
  }

  /** The calendar day (`YYYY-MM-DD`) an instant falls on in the calendar's time zone. */
  calendarDay(at: Date): CalendarDay {
    return format(this.zoned(at), 'yyyy-MM-dd');
  }

  /** Whether the calendar day of `date` (an instant, or a `YYYY-MM-DD` day) is a working day. */
  isWorkingDay(date: Date | CalendarDay): boolean {
    const day = this.toZonedDay(date);
    const key = format(day, 'yyyy-MM-dd');
    if (this.makeUpWorkdays.has(key)) return true;
    if (this.holidays.has(key)) return false;
    return !isWeekend(day);
  }

  /** Whether `at` lies inside working hours (start inclusive, end exclusive) of a working day. */
  isWorkingTime(at: Date): boolean {
    if (!this.isWorkingDay(at)) return false;
    const { start, end } = this.workingWindow(this.zoned(at));
    return at.getTime() >= start.getTime() && at.getTime() < end.getTime();
  }

  /**
   * The end (23:59:59.999 in the time zone) of the `n`-th working day after the calendar day of `from`.
   * `n = 0` gives the end of `from`'s own day. Filing "within 5 working days" of a contact on Friday
   * is due at the end of the following Friday (or later when a holiday falls in between).
   */
  addWorkingDays(from: Date, n: number): Date {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`addWorkingDays: n must be a non-negative integer, got ${n}`);
    let day = this.startOfZonedDay(this.zoned(from));
    for (let counted = 0, walked = 0; counted < n; walked += 1) {
      if (walked > MAX_DAYS_WALKED) throw new RangeError('addWorkingDays: no working day found within 50 years');
      day = this.nextZonedDay(day);
      if (this.isWorkingDay(day)) counted += 1;
    }
    return new Date(this.nextZonedDay(day).getTime() - 1);
  }

  /**
   * Working days after `from`'s calendar day up to and including `to`'s calendar day; negative when `to`
   * is before `from`. The inverse of addWorkingDays: `workingDaysBetween(d, addWorkingDays(d, n)) === n`.
   */
  workingDaysBetween(from: Date, to: Date): number {
    const fromDay = this.startOfZonedDay(this.zoned(from));
    const toDay = this.startOfZonedDay(this.zoned(to));
    const span = differenceInCalendarDays(toDay, fromDay);
    if (span < 0) return -this.workingDaysBetween(to, from);
    let count = 0;
    let day = fromDay;
    for (let i = 0; i < span; i += 1) {
      day = this.nextZonedDay(day);
      if (this.isWorkingDay(day)) count += 1;
    }
    return count;
  }

  /** The instant that lies `hours` working hours after `from` (see addWorkingMillis). */
  addWorkingHours(from: Date, hours: number): Date {
    return this.addWorkingMillis(from, hours * MS_PER_HOUR);
  }

  /**
   * The instant that lies `ms` milliseconds of working time after `from`. Time outside working hours does
   * not count: from Friday 17:00 with 2 hours (09:00–18:00) the answer is Monday 10:00. A target that ends
   * exactly at the end of working hours is that end (18:00), not the next morning. `ms = 0` returns `from`.
   */
  addWorkingMillis(from: Date, ms: number): Date {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`addWorkingMillis: ms must be a finite non-negative number, got ${ms}`);
    if (ms === 0) return new Date(from);
    let remaining = ms;
    let cursor = from.getTime();
    let day = this.startOfZonedDay(this.zoned(from));
    for (let walked = 0; ; walked += 1) {
      if (walked > MAX_DAYS_WALKED) throw new RangeError('addWorkingMillis: target lies more than 50 years ahead');
      if (this.isWorkingDay(day)) {
        const { start, end } = this.workingWindow(day);
        const begin = Math.max(cursor, start.getTime());
        const available = end.getTime() - begin;
        if (available > 0) {
          if (remaining <= available) return new Date(begin + remaining);
          remaining -= available;
        }
      }
      day = this.nextZonedDay(day);
      cursor = day.getTime();
    }
  }

  /** Working time between two instants in milliseconds; negative when `to` is before `from`. */
  workingMillisBetween(from: Date, to: Date): number {
    if (to.getTime() < from.getTime()) return -this.workingMillisBetween(to, from);
    let total = 0;
    const stop = to.getTime();
    let day = this.startOfZonedDay(this.zoned(from));
    while (day.getTime() < stop) {
      if (this.isWorkingDay(day)) {
        const { start, end } = this.workingWindow(day);
        const overlap = Math.min(end.getTime(), stop) - Math.max(start.getTime(), from.getTime());
        if (overlap > 0) total += overlap;
      }
      day = this.nextZonedDay(day);
    }
    return total;
  }

  /** Working hours between two instants (fractional). */
  workingHoursBetween(from: Date, to: Date): number {
    return this.workingMillisBetween(from, to) / MS_PER_HOUR;
  }

  /** The working window (start, end) of a calendar day, whether or not that day is a working day. */
  workingHoursOn(date: Date | CalendarDay): { start: Date; end: Date } {
    const { start, end } = this.workingWindow(this.toZonedDay(date));
    return { start: new Date(start.getTime()), end: new Date(end.getTime()) };
  }

  private zoned(at: Date): TZDate {
    return new TZDate(at.getTime(), this.timeZone);
  }

  private toZonedDay(date: Date | CalendarDay): TZDate {
    if (typeof date !== 'string') return this.startOfZonedDay(this.zoned(date));
    if (!isValidCalendarDay(date)) throw new RangeError(`not a YYYY-MM-DD day: ${JSON.stringify(date)}`);
    const [year, month, day] = date.split('-').map(Number);
    return new TZDate(year, month - 1, day, this.timeZone);
  }

  private startOfZonedDay(day: TZDate): TZDate {
    return new TZDate(day.getFullYear(), day.getMonth(), day.getDate(), this.timeZone);
  }

  /** Midnight of the next calendar day; built from wall-clock fields so a 23- or 25-hour day is still one day. */
  private nextZonedDay(day: TZDate): TZDate {
    return this.startOfZonedDay(addDays(day, 1));
  }

  private workingWindow(day: TZDate): { start: TZDate; end: TZDate } {
    const at = (minutes: number) =>
      new TZDate(day.getFullYear(), day.getMonth(), day.getDate(), Math.floor(minutes / 60), minutes % 60, 0, 0, this.timeZone);
    return { start: at(this.startMinutes), end: at(this.endMinutes) };
  }
}
