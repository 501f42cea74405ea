import { loadConfig, ConfigError } from '@crm/kernel';
import { isValidCalendarDay, isValidTimeOfDay, isValidTimeZone, WorkingCalendar, WorkingCalendarConfigError } from './working-calendar';
import {
  workingCalendarConfigFields,
  workingCalendarConfigFromEnv,
  workingCalendarConfigSchema,
  workingCalendarEnvProblems,
  workingCalendarFromEnv,
} from './working-calendar.config';

const HOUR = 3_600_000;

/** China 2024 National Day: 1–7 October off, Sunday 29 September and Saturday 12 October worked (调休). */
const nationalDay2024 = {
  timeZone: 'Asia/Shanghai',
  holidays: ['2024-10-01', '2024-10-02', '2024-10-03', '2024-10-04', '2024-10-05', '2024-10-06', '2024-10-07'],
  makeUpWorkdays: ['2024-09-29', '2024-10-12'],
};

/** An instant written as Shanghai wall-clock time (UTC+8, no DST). */
const cst = (wallClock: string) => new Date(`${wallClock}+08:00`);

describe('WorkingCalendar — working days', () => {
  const calendar = new WorkingCalendar(nationalDay2024);

  it('defaults to Asia/Shanghai with 09:00–18:00 working hours', () => {
    const plain = new WorkingCalendar();
    expect(plain.config).toEqual({ timeZone: 'Asia/Shanghai', holidays: [], makeUpWorkdays: [], workdayStart: '09:00', workdayEnd: '18:00' });
  });

  it('treats Monday to Friday as working days and the weekend as off', () => {
    expect(calendar.isWorkingDay('2024-09-23')).toBe(true); // Monday
    expect(calendar.isWorkingDay('2024-09-27')).toBe(true); // Friday
    expect(calendar.isWorkingDay('2024-09-28')).toBe(false); // Saturday
    expect(calendar.isWorkingDay('2024-10-13')).toBe(false); // Sunday
  });

  it('treats holidays as days off even on weekdays', () => {
    expect(calendar.isWorkingDay('2024-10-01')).toBe(false); // Tuesday
    expect(calendar.isWorkingDay('2024-10-07')).toBe(false); // Monday
  });

  it('treats make-up weekend days as working days', () => {
    expect(calendar.isWorkingDay('2024-09-29')).toBe(true); // Sunday
    expect(calendar.isWorkingDay('2024-10-12')).toBe(true); // Saturday
  });

  it('reads the calendar day of an instant in its own time zone, not UTC', () => {
    // 2024-09-27T17:30Z is already Saturday 01:30 in Shanghai.
    expect(calendar.calendarDay(new Date('2024-09-27T17:30:00Z'))).toBe('2024-09-28');
    expect(calendar.isWorkingDay(new Date('2024-09-27T17:30:00Z'))).toBe(false);
    expect(calendar.isWorkingDay(new Date('2024-09-27T15:59:59Z'))).toBe(true);
  });

  it('knows working time: start inclusive, end exclusive, never on a day off', () => {
    expect(calendar.isWorkingTime(cst('2024-09-27T09:00:00'))).toBe(true);
    expect(calendar.isWorkingTime(cst('2024-09-27T08:59:59'))).toBe(false);
    expect(calendar.isWorkingTime(cst('2024-09-27T18:00:00'))).toBe(false);
    expect(calendar.isWorkingTime(cst('2024-10-02T10:00:00'))).toBe(false);
    expect(calendar.isWorkingTime(cst('2024-10-12T10:00:00'))).toBe(true);
  });
});

describe('WorkingCalendar — addWorkingDays / workingDaysBetween', () => {
  const calendar = new WorkingCalendar(nationalDay2024);

  it('returns the end of the n-th working day after the start day, skipping the weekend', () => {
    // Thursday 19 September + 5 working days: Fri 20, Mon 23, Tue 24, Wed 25, Thu 26.
    expect(calendar.addWorkingDays(cst('2024-09-19T15:00:00'), 5)).toEqual(cst('2024-09-26T23:59:59.999'));
  });

  it('counts from the calendar day whatever the time of day, even late at night', () => {
    expect(calendar.addWorkingDays(cst('2024-09-19T23:30:00'), 1)).toEqual(cst('2024-09-20T23:59:59.999'));
    expect(calendar.addWorkingDays(cst('2024-09-20T00:10:00'), 1)).toEqual(cst('2024-09-23T23:59:59.999'));
  });

  it('gives the end of the same day for n = 0', () => {
    expect(calendar.addWorkingDays(cst('2024-09-19T10:00:00'), 0)).toEqual(cst('2024-09-19T23:59:59.999'));
  });

  it('skips the national holiday and counts the make-up days', () => {
    // Friday 27 Sept + 5: Sun 29 (make-up), Mon 30, [1–7 Oct off], Tue 8, Wed 9, Thu 10.
    expect(calendar.addWorkingDays(cst('2024-09-27T16:00:00'), 5)).toEqual(cst('2024-10-10T23:59:59.999'));
    // From inside the holiday: Sat 12 (make-up) is the 5th working day after Thursday 3 October.
    expect(calendar.addWorkingDays(cst('2024-10-03T12:00:00'), 5)).toEqual(cst('2024-10-12T23:59:59.999'));
  });

  it('starting from a weekend day counts the first working day after it as day 1', () => {
    expect(calendar.addWorkingDays(cst('2024-09-21T11:00:00'), 1)).toEqual(cst('2024-09-23T23:59:59.999'));
  });

  it('rejects a negative or fractional n', () => {
    expect(() => calendar.addWorkingDays(cst('2024-09-19T10:00:00'), -1)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays(cst('2024-09-19T10:00:00'), 1.5)).toThrow(RangeError);
  });

  it('counts working days after the start day up to and including the end day', () => {
    expect(calendar.workingDaysBetween(cst('2024-09-19T10:00:00'), cst('2024-09-19T17:00:00'))).toBe(0);
    expect(calendar.workingDaysBetween(cst('2024-09-19T10:00:00'), cst('2024-09-23T08:00:00'))).toBe(2);
    expect(calendar.workingDaysBetween(cst('2024-09-27T10:00:00'), cst('2024-10-08T08:00:00'))).toBe(3);
    expect(calendar.workingDaysBetween(cst('2024-10-08T08:00:00'), cst('2024-09-27T10:00:00'))).toBe(-3);
  });

  it('is the inverse of addWorkingDays', () => {
    const from = cst('2024-09-25T14:00:00');
    for (let n = 0; n <= 20; n += 1) {
      expect(calendar.workingDaysBetween(from, calendar.addWorkingDays(from, n))).toBe(n);
    }
  });
});

describe('WorkingCalendar — working hours', () => {
  const calendar = new WorkingCalendar(nationalDay2024);

  it('adds hours inside one working day', () => {
    expect(calendar.addWorkingHours(cst('2024-09-23T10:00:00'), 4)).toEqual(cst('2024-09-23T14:00:00'));
  });

  it('ends exactly at closing time rather than the next morning', () => {
    expect(calendar.addWorkingHours(cst('2024-09-23T10:00:00'), 8)).toEqual(cst('2024-09-23T18:00:00'));
  });

  it('starts the clock at opening time when started before it or at night', () => {
    expect(calendar.addWorkingHours(cst('2024-09-23T06:30:00'), 2)).toEqual(cst('2024-09-23T11:00:00'));
    expect(calendar.addWorkingHours(cst('2024-09-23T22:00:00'), 2)).toEqual(cst('2024-09-24T11:00:00'));
  });

  it('crosses midnight into the next working day', () => {
    expect(calendar.addWorkingHours(cst('2024-09-23T16:00:00'), 4)).toEqual(cst('2024-09-24T11:00:00'));
  });

  it('crosses the weekend: Friday 17:00 + 2 h is Monday 10:00', () => {
    expect(calendar.addWorkingHours(cst('2024-09-20T17:00:00'), 2)).toEqual(cst('2024-09-23T10:00:00'));
  });

  it('crosses a national holiday and works on the make-up Saturday', () => {
    // Monday 30 Sept 17:00 + 2 h → Tuesday 8 October 10:00 (1–7 October off).
    expect(calendar.addWorkingHours(cst('2024-09-30T17:00:00'), 2)).toEqual(cst('2024-10-08T10:00:00'));
    // Friday 11 October 17:00 + 2 h → make-up Saturday 12 October 10:00.
    expect(calendar.addWorkingHours(cst('2024-10-11T17:00:00'), 2)).toEqual(cst('2024-10-12T10:00:00'));
  });

  it('spans several working days (27 h = 3 full days)', () => {
    expect(calendar.addWorkingHours(cst('2024-09-23T09:00:00'), 27)).toEqual(cst('2024-09-25T18:00:00'));
  });

  it('handles fractional hours and milliseconds', () => {
    expect(calendar.addWorkingHours(cst('2024-09-23T17:30:00'), 1.5)).toEqual(cst('2024-09-24T10:00:00'));
    expect(calendar.addWorkingMillis(cst('2024-09-23T17:59:59'), 2_000)).toEqual(cst('2024-09-24T09:00:01'));
  });

  it('returns the start itself for zero and rejects negative durations', () => {
    const at = cst('2024-09-21T03:00:00');
    expect(calendar.addWorkingMillis(at, 0)).toEqual(at);
    expect(() => calendar.addWorkingMillis(at, -1)).toThrow(RangeError);
    expect(() => calendar.addWorkingHours(at, Number.NaN)).toThrow(RangeError);
  });

  it('measures working time between instants, ignoring nights, weekends and holidays', () => {
    expect(calendar.workingMillisBetween(cst('2024-09-23T10:00:00'), cst('2024-09-23T12:30:00'))).toBe(2.5 * HOUR);
    expect(calendar.workingMillisBetween(cst('2024-09-20T17:00:00'), cst('2024-09-23T10:00:00'))).toBe(2 * HOUR);
    expect(calendar.workingMillisBetween(cst('2024-09-30T17:00:00'), cst('2024-10-08T10:00:00'))).toBe(2 * HOUR);
    expect(calendar.workingMillisBetween(cst('2024-09-28T00:00:00'), cst('2024-09-28T23:00:00'))).toBe(0);
    expect(calendar.workingHoursBetween(cst('2024-09-23T09:00:00'), cst('2024-09-25T18:00:00'))).toBe(27);
  });

  it('measures negative working time when the end is before the start', () => {
    expect(calendar.workingMillisBetween(cst('2024-09-23T12:30:00'), cst('2024-09-23T10:00:00'))).toBe(-2.5 * HOUR);
  });

  it('agrees with addWorkingMillis for many starts and durations', () => {
    const starts = ['2024-09-20T17:00:00', '2024-09-27T23:00:00', '2024-10-01T12:00:00', '2024-10-11T08:00:00'].map(cst);
    for (const start of starts) {
      for (const hours of [0.25, 1, 7, 9, 13, 40]) {
        const due = calendar.addWorkingHours(start, hours);
        expect(calendar.workingMillisBetween(start, due)).toBe(hours * HOUR);
      }
    }
  });

  it('honours custom working hours', () => {
    const shortDays = new WorkingCalendar({ ...nationalDay2024, workdayStart: '08:30', workdayEnd: '12:00' });
    expect(shortDays.addWorkingHours(cst('2024-09-23T11:00:00'), 2)).toEqual(cst('2024-09-24T09:30:00'));
    expect(shortDays.workingHoursOn('2024-09-23')).toEqual({ start: cst('2024-09-23T08:30:00'), end: cst('2024-09-23T12:00:00') });
  });
});

describe('WorkingCalendar — a time zone with daylight saving (Europe/Berlin)', () => {
  const berlin = new WorkingCalendar({ timeZone: 'Europe/Berlin' });

  it('keeps 09:00–18:00 wall-clock hours on both sides of the spring change', () => {
    // Friday 29 March 2024 is CET (UTC+1); Monday 1 April is CEST (UTC+2).
    expect(berlin.workingHoursOn('2024-03-29')).toEqual({ start: new Date('2024-03-29T08:00:00Z'), end: new Date('2024-03-29T17:00:00Z') });
    expect(berlin.workingHoursOn('2024-04-01')).toEqual({ start: new Date('2024-04-01T07:00:00Z'), end: new Date('2024-04-01T16:00:00Z') });
  });

  it('crosses the spring-forward weekend: Friday 17:00 CET + 2 h = Monday 10:00 CEST', () => {
    expect(berlin.addWorkingHours(new Date('2024-03-29T16:00:00Z'), 2)).toEqual(new Date('2024-04-01T08:00:00Z'));
  });

  it('crosses the fall-back weekend: Friday 17:00 CEST + 2 h = Monday 10:00 CET', () => {
    expect(berlin.addWorkingHours(new Date('2024-10-25T15:00:00Z'), 2)).toEqual(new Date('2024-10-28T09:00:00Z'));
    expect(berlin.workingMillisBetween(new Date('2024-10-25T15:00:00Z'), new Date('2024-10-28T09:00:00Z'))).toBe(2 * HOUR);
  });

  it('counts days across a 23-hour and a 25-hour day as whole days', () => {
    // Thursday 28 March + 2 working days = end of Monday 1 April (CEST).
    expect(berlin.addWorkingDays(new Date('2024-03-28T12:00:00Z'), 2)).toEqual(new Date('2024-04-01T21:59:59.999Z'));
    expect(berlin.workingDaysBetween(new Date('2024-03-28T12:00:00Z'), new Date('2024-04-01T21:59:59.999Z'))).toBe(2);
    // Friday 25 October + 1 working day = end of Monday 28 October (CET).
    expect(berlin.addWorkingDays(new Date('2024-10-25T12:00:00Z'), 1)).toEqual(new Date('2024-10-28T22:59:59.999Z'));
  });

  it('counts only the hours that exist on a worked day whose clock jumps forward', () => {
    // Sunday 31 March 2024, made a working day 01:00–05:00: 02:00–03:00 does not exist, so 3 hours of work.
    const night = new WorkingCalendar({ timeZone: 'Europe/Berlin', makeUpWorkdays: ['2024-03-31'], workdayStart: '01:00', workdayEnd: '05:00' });
    const { start, end } = night.workingHoursOn('2024-03-31');
    expect(night.workingMillisBetween(start, end)).toBe(3 * HOUR);
    expect(night.addWorkingHours(start, 3)).toEqual(end);
  });

  it('reads the calendar day in Berlin time', () => {
    expect(berlin.calendarDay(new Date('2024-03-29T23:30:00Z'))).toBe('2024-03-30');
    expect(berlin.isWorkingDay(new Date('2024-03-29T23:30:00Z'))).toBe(false);
  });
});

describe('WorkingCalendar — config validation', () => {
  it.each([
    [{ timeZone: 'Mars/Olympus' }, /timeZone/],
    [{ workdayStart: '9:00' }, /workdayStart/],
    [{ workdayEnd: '24:00' }, /workdayEnd/],
    [{ workdayStart: '18:00', workdayEnd: '09:00' }, /must be after/],
    [{ holidays: ['2024-02-30'] }, /holidays/],
    [{ makeUpWorkdays: ['20241012'] }, /makeUpWorkdays/],
    [{ holidays: ['2024-10-12'], makeUpWorkdays: ['2024-10-12'] }, /both a holiday and a make-up/],
  ])('rejects %j', (config, message) => {
    expect(() => new WorkingCalendar(config)).toThrow(WorkingCalendarConfigError);
    expect(() => new WorkingCalendar(config)).toThrow(message);
  });

  it('rejects a malformed day given to isWorkingDay', () => {
    expect(() => new WorkingCalendar().isWorkingDay('2024-13-01')).toThrow(RangeError);
  });
});

describe('workingCalendarConfigSchema (env)', () => {
  it('applies the defaults when nothing is set', () => {
    expect(loadConfig(workingCalendarConfigSchema, {})).toEqual({
      WORKING_CALENDAR_TZ: 'Asia/Shanghai',
      WORKING_CALENDAR_HOLIDAYS: [],
      WORKING_CALENDAR_MAKEUP_DAYS: [],
      WORKDAY_START: '09:00',
      WORKDAY_END: '18:00',
    });
  });

  it('parses comma-separated days and builds the calendar', () => {
    const config = loadConfig(workingCalendarConfigSchema, {
      WORKING_CALENDAR_TZ: 'Europe/Berlin',
      WORKING_CALENDAR_HOLIDAYS: '2024-12-25, 2024-12-26,',
      WORKING_CALENDAR_MAKEUP_DAYS: '2024-12-28',
      WORKDAY_START: '08:00',
      WORKDAY_END: '16:30',
    });
    const calendar = workingCalendarFromEnv(config);
    expect(calendar.config).toEqual({
      timeZone: 'Europe/Berlin',
      holidays: ['2024-12-25', '2024-12-26'],
      makeUpWorkdays: ['2024-12-28'],
      workdayStart: '08:00',
      workdayEnd: '16:30',
    });
    expect(calendar.isWorkingDay('2024-12-25')).toBe(false);
    expect(calendar.isWorkingDay('2024-12-28')).toBe(true);
  });

  it.each([
    [{ WORKING_CALENDAR_TZ: 'Nowhere/Town' }, 'WORKING_CALENDAR_TZ'],
    [{ WORKING_CALENDAR_HOLIDAYS: '2024-10-01,tomorrow' }, 'WORKING_CALENDAR_HOLIDAYS'],
    [{ WORKING_CALENDAR_MAKEUP_DAYS: '2024/10/12' }, 'WORKING_CALENDAR_MAKEUP_DAYS'],
    [{ WORKDAY_START: '25:00' }, 'WORKDAY_START'],
    [{ WORKDAY_START: '10:00', WORKDAY_END: '09:00' }, 'WORKDAY_END'],
    [{ WORKING_CALENDAR_HOLIDAYS: '2024-10-12', WORKING_CALENDAR_MAKEUP_DAYS: '2024-10-12' }, 'WORKING_CALENDAR_MAKEUP_DAYS'],
  ])('names the bad variable for %j', (env, variable) => {
    expect(() => loadConfig(workingCalendarConfigSchema, env)).toThrow(ConfigError);
    expect(() => loadConfig(workingCalendarConfigSchema, env)).toThrow(variable);
  });
});

describe('WorkingCalendar — edges', () => {
  const calendar = new WorkingCalendar(nationalDay2024);

  it('measures no working time between an instant and itself', () => {
    expect(calendar.workingMillisBetween(cst('2024-09-23T10:00:00'), cst('2024-09-23T10:00:00'))).toBe(0);
    expect(calendar.workingMillisBetween(cst('2024-09-21T10:00:00'), cst('2024-09-21T10:00:00'))).toBe(0);
  });

  it('counts working time up to an end that falls at the start of a working day as none of that day', () => {
    expect(calendar.workingMillisBetween(cst('2024-09-20T17:00:00'), cst('2024-09-23T09:00:00'))).toBe(HOUR);
    expect(calendar.workingMillisBetween(cst('2024-09-23T00:00:00'), cst('2024-09-23T09:30:00'))).toBe(HOUR / 2);
    expect(calendar.workingHoursBetween(cst('2024-09-23T09:00:00'), cst('2024-09-23T10:30:00'))).toBe(1.5);
  });

  it('gives no working days between two instants of the same day, and counts backwards as negative', () => {
    expect(calendar.workingDaysBetween(cst('2024-09-23T09:00:00'), cst('2024-09-23T23:00:00'))).toBe(0);
    expect(calendar.workingDaysBetween(cst('2024-09-27T09:00:00'), cst('2024-09-23T09:00:00'))).toBe(-4);
  });

  it('reads a day given as YYYY-MM-DD in its own time zone', () => {
    expect(calendar.isWorkingDay('2024-10-12')).toBe(true);
    expect(calendar.isWorkingDay('2024-10-13')).toBe(false);
    expect(calendar.isWorkingDay('2024-10-04')).toBe(false);
    expect(calendar.calendarDay(new Date('2024-09-22T16:00:00Z'))).toBe('2024-09-23');
  });

  it('gives the working window of any day, a day off too, as fresh instants', () => {
    expect(calendar.workingHoursOn('2024-10-05')).toEqual({ start: cst('2024-10-05T09:00:00'), end: cst('2024-10-05T18:00:00') });
    const window = calendar.workingHoursOn(cst('2024-09-23T23:30:00'));
    expect(window).toEqual({ start: cst('2024-09-23T09:00:00'), end: cst('2024-09-23T18:00:00') });
    window.start.setTime(0);
    expect(calendar.workingHoursOn(cst('2024-09-23T23:30:00')).start).toEqual(cst('2024-09-23T09:00:00'));
    expect(() => calendar.workingHoursOn('2024-9-23')).toThrow('not a YYYY-MM-DD day: "2024-9-23"');
  });

  it('adds working hours as hours', () => {
    expect(calendar.addWorkingHours(cst('2024-09-23T09:00:00'), 1.5)).toEqual(cst('2024-09-23T10:30:00'));
  });

  it('returns a fresh instant for zero working time', () => {
    const from = cst('2024-09-23T10:00:00');
    const result = calendar.addWorkingMillis(from, 0);
    expect(result).toEqual(from);
    expect(result).not.toBe(from);
  });

  it('starts counting at the instant given when it lies inside working hours, not at the opening', () => {
    expect(calendar.addWorkingMillis(cst('2024-09-23T17:30:00'), HOUR / 2)).toEqual(cst('2024-09-23T18:00:00'));
    expect(calendar.addWorkingMillis(cst('2024-09-23T17:30:00'), HOUR / 2 + 1)).toEqual(new Date(cst('2024-09-24T09:00:00').getTime() + 1));
    expect(calendar.addWorkingMillis(cst('2024-09-23T18:00:00'), 1)).toEqual(new Date(cst('2024-09-24T09:00:00').getTime() + 1));
  });

  it('names the bad argument of each calculation', () => {
    expect(() => calendar.addWorkingDays(cst('2024-09-23T10:00:00'), -1)).toThrow('addWorkingDays: n must be a non-negative integer, got -1');
    expect(() => calendar.addWorkingDays(cst('2024-09-23T10:00:00'), 1.5)).toThrow('addWorkingDays: n must be a non-negative integer, got 1.5');
    expect(() => calendar.addWorkingMillis(cst('2024-09-23T10:00:00'), -1)).toThrow('addWorkingMillis: ms must be a finite non-negative number, got -1');
    expect(() => calendar.addWorkingMillis(cst('2024-09-23T10:00:00'), Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => calendar.addWorkingMillis(cst('2024-09-23T10:00:00'), Number.NaN)).toThrow(RangeError);
  });

  it('gives back its config with the days sorted', () => {
    expect(new WorkingCalendar({ holidays: ['2024-10-02', '2024-10-01'], makeUpWorkdays: ['2024-10-12', '2024-09-29'] }).config).toEqual({
      timeZone: 'Asia/Shanghai',
      holidays: ['2024-10-01', '2024-10-02'],
      makeUpWorkdays: ['2024-09-29', '2024-10-12'],
      workdayStart: '09:00',
      workdayEnd: '18:00',
    });
  });

  it('accepts every time of day from 00:00 to 23:59 and nothing else', () => {
    for (const ok of ['00:00', '09:59', '19:30', '23:59']) expect(isValidTimeOfDay(ok)).toBe(true);
    for (const bad of ['24:00', '9:00', '09:60', '0900', ' 09:00', '09:00 ', 'a9:00']) expect(isValidTimeOfDay(bad)).toBe(false);
  });

  it('accepts only real YYYY-MM-DD days', () => {
    for (const ok of ['2024-02-29', '2025-12-31', '2025-01-01']) expect(isValidCalendarDay(ok)).toBe(true);
    for (const bad of ['2025-02-29', '2025-13-01', '2025-00-10', '2025-04-31', '2025-1-01', ' 2025-01-01', '2025-01-01 ', 'x2025-01-01']) expect(isValidCalendarDay(bad)).toBe(false);
  });

  it('knows real time zones only', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });

  it('says which value breaks the config', () => {
    expect(() => new WorkingCalendar({ timeZone: 'Mars/Olympus' })).toThrow('timeZone: unknown time zone "Mars/Olympus"');
    expect(() => new WorkingCalendar({ workdayStart: '9:00' })).toThrow('workdayStart must be HH:mm (00:00–23:59), got "9:00"');
    expect(() => new WorkingCalendar({ workdayEnd: '9:00' })).toThrow('workdayEnd must be HH:mm (00:00–23:59), got "9:00"');
    expect(() => new WorkingCalendar({ workdayStart: '10:00', workdayEnd: '10:00' })).toThrow('workdayEnd (10:00) must be after workdayStart (10:00)');
    expect(() => new WorkingCalendar({ holidays: ['2024-02-30'] })).toThrow('holidays: "2024-02-30" is not a YYYY-MM-DD date');
    expect(() => new WorkingCalendar({ makeUpWorkdays: ['2024-02-30'] })).toThrow('makeUpWorkdays: "2024-02-30" is not a YYYY-MM-DD date');
    expect(() => new WorkingCalendar({ holidays: ['2024-10-12', '2024-10-13'], makeUpWorkdays: ['2024-10-13', '2024-10-12'] })).toThrow(
      'a day cannot be both a holiday and a make-up workday: 2024-10-12, 2024-10-13',
    );
    const error = (() => {
      try {
        new WorkingCalendar({ timeZone: 'x' });
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error?.name).toBe('WorkingCalendarConfigError');
  });

  it('counts minutes in custom hours: 08:30–12:15 is 3 h 45 min', () => {
    const morning = new WorkingCalendar({ workdayStart: '08:30', workdayEnd: '12:15' });
    expect(morning.workingMillisBetween(cst('2024-09-23T00:00:00'), cst('2024-09-23T23:00:00'))).toBe(3.75 * HOUR);
  });
});

describe('working calendar env', () => {
  const env = { WORKING_CALENDAR_TZ: 'Asia/Shanghai', WORKING_CALENDAR_HOLIDAYS: [], WORKING_CALENDAR_MAKEUP_DAYS: [], WORKDAY_START: '09:00', WORKDAY_END: '18:00' };

  it('reports each problem on the variable to fix', () => {
    expect(workingCalendarEnvProblems(env)).toEqual([]);
    expect(workingCalendarEnvProblems({ ...env, WORKDAY_START: '18:00' })).toEqual([{ variable: 'WORKDAY_END', message: 'must be after WORKDAY_START (18:00)' }]);
    expect(workingCalendarEnvProblems({ ...env, WORKDAY_START: '17:59' })).toEqual([]);
    expect(workingCalendarEnvProblems({ ...env, WORKING_CALENDAR_HOLIDAYS: ['2024-10-12', '2024-10-01'], WORKING_CALENDAR_MAKEUP_DAYS: ['2024-10-12'] })).toEqual([
      { variable: 'WORKING_CALENDAR_MAKEUP_DAYS', message: 'days listed both as holiday and make-up workday: 2024-10-12' },
    ]);
  });

  it('keeps the messages of the schema', () => {
    const messageFor = (raw: Record<string, string>) => {
      try {
        loadConfig(workingCalendarConfigSchema, raw);
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(messageFor({ WORKING_CALENDAR_TZ: 'Nowhere/Town' })).toContain('must be an IANA time zone');
    expect(messageFor({ WORKING_CALENDAR_HOLIDAYS: 'tomorrow' })).toContain('must be comma-separated YYYY-MM-DD dates');
    expect(messageFor({ WORKDAY_END: '7pm' })).toContain('must be HH:mm (00:00–23:59)');
    expect(messageFor({ WORKDAY_START: '10:00', WORKDAY_END: '09:00' })).toContain('must be after WORKDAY_START (10:00)');
  });

  it('ignores blanks and spaces in day lists', () => {
    expect(loadConfig(workingCalendarConfigSchema, { WORKING_CALENDAR_HOLIDAYS: ' 2024-10-01 ,, 2024-10-02 ' }).WORKING_CALENDAR_HOLIDAYS).toEqual(['2024-10-01', '2024-10-02']);
  });

  it('maps the env onto the calendar config', () => {
    expect(workingCalendarConfigFromEnv({ ...env, WORKING_CALENDAR_HOLIDAYS: ['2024-10-01'], WORKING_CALENDAR_MAKEUP_DAYS: ['2024-10-12'], WORKDAY_START: '08:00', WORKDAY_END: '17:00' })).toEqual({
      timeZone: 'Asia/Shanghai',
      holidays: ['2024-10-01'],
      makeUpWorkdays: ['2024-10-12'],
      workdayStart: '08:00',
      workdayEnd: '17:00',
    });
  });

  it('spreads into a bigger config object', () => {
    expect(Object.keys(workingCalendarConfigFields)).toEqual(['WORKING_CALENDAR_TZ', 'WORKING_CALENDAR_HOLIDAYS', 'WORKING_CALENDAR_MAKEUP_DAYS', 'WORKDAY_START', 'WORKDAY_END']);
  });
});
