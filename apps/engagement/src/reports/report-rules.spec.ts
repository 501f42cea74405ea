import type { Caller } from '@crm/auth';
import { dayBounds, dayOf, mayReadUrgentReport, receivesUrgentReport, reportDayProblem, rollUpDepartment, urgentReportDepartment } from './report-rules';

const caller = (roles: string[], departmentId?: string, userId = 'u-1'): Caller => ({ userId, roles, departmentId }) as Caller;

describe('daily report days in the calendar time zone', () => {
  it.each([
    ['a Shanghai day starts at 16:00 UTC the day before', '2025-01-15', 'Asia/Shanghai', '2025-01-14T16:00:00.000Z', '2025-01-15T16:00:00.000Z'],
    ['the last day of a year runs into the next UTC year', '2024-12-31', 'Asia/Shanghai', '2024-12-30T16:00:00.000Z', '2024-12-31T16:00:00.000Z'],
    ['a leap day', '2024-02-29', 'UTC', '2024-02-29T00:00:00.000Z', '2024-03-01T00:00:00.000Z'],
    ['a spring-forward day is 23 hours long', '2025-03-30', 'Europe/Berlin', '2025-03-29T23:00:00.000Z', '2025-03-30T22:00:00.000Z'],
    ['a fall-back day is 25 hours long', '2025-10-26', 'Europe/Berlin', '2025-10-25T22:00:00.000Z', '2025-10-26T23:00:00.000Z'],
  ])('%s', (_, day, timeZone, from, to) => {
    const bounds = dayBounds(day, timeZone);
    expect([bounds.from.toISOString(), bounds.to.toISOString()]).toEqual([from, to]);
  });

  it.each([
    ['23:59:59.999 local is still the day', '2025-01-15T15:59:59.999Z', 'Asia/Shanghai', '2025-01-15'],
    ['local midnight opens the next day', '2025-01-15T16:00:00.000Z', 'Asia/Shanghai', '2025-01-16'],
    ['a UTC evening is the next morning in Shanghai', '2025-01-15T20:00:00.000Z', 'Asia/Shanghai', '2025-01-16'],
    ['a UTC morning is the evening before in Los Angeles', '2025-01-15T06:00:00.000Z', 'America/Los_Angeles', '2025-01-14'],
  ])('%s', (_, at, timeZone, day) => {
    expect(dayOf(new Date(at), timeZone)).toBe(day);
  });

  it.each([
    ['today', '2025-01-15', '2025-01-15T02:00:00Z', null],
    ['a past day', '2025-01-01', '2025-01-15T02:00:00Z', null],
    ['tomorrow, local, though still today in UTC', '2025-01-16', '2025-01-15T15:00:00Z', 'cannot be a day that has not begun yet'],
    ['tomorrow once local midnight passed', '2025-01-16', '2025-01-15T16:00:00Z', null],
    ['not a day', '2025-02-30', '2025-03-15T02:00:00Z', 'must be a calendar day, YYYY-MM-DD'],
    ['not a format', '15.01.2025', '2025-03-15T02:00:00Z', 'must be a calendar day, YYYY-MM-DD'],
  ])('a report of %s', (_, day, now, problem) => {
    expect(reportDayProblem(day, new Date(now), 'Asia/Shanghai')).toBe(problem);
  });
});

describe('who reads what', () => {
  it.each([
    ['a department manager reads their own department', caller(['department_manager'], 'D-EAST'), null, { departmentId: 'D-EAST' }],
    ['a department manager may name their own department', caller(['department_manager'], 'D-EAST'), 'D-EAST', { departmentId: 'D-EAST' }],
    ['a department manager may not read another', caller(['department_manager'], 'D-EAST'), 'D-WEST', 'refused'],
    ['the general manager reads the one named', caller(['general_manager']), 'D-WEST', { departmentId: 'D-WEST' }],
    ['the general manager must name one', caller(['general_manager']), null, 'refused'],
    ['a consultant reads no roll-up', caller(['consultant'], 'D-EAST'), null, 'refused'],
    ['a partner reads no roll-up', caller(['partner']), null, 'refused'],
  ])('%s', (_, who, asked, expected) => {
    const answer = rollUpDepartment(who, asked);
    expect('refused' in answer ? 'refused' : answer).toEqual(expected);
  });

  const report = { departmentId: 'D-EAST', filedBy: 'c-1' };
  it.each([
    ['the department manager receives it', caller(['department_manager'], 'D-EAST'), true, true],
    ['another department manager does not', caller(['department_manager'], 'D-WEST'), false, false],
    ['the general manager receives every one', caller(['general_manager']), true, true],
    ['the filer reads it, but it is not in their inbox', caller(['consultant'], 'D-EAST', 'c-1'), false, true],
    ['a colleague does not read it', caller(['consultant'], 'D-EAST', 'c-2'), false, false],
    ['a partner never', caller(['partner'], undefined, 'c-1'), false, false],
  ])('%s', (_, who, receives, reads) => {
    expect([receivesUrgentReport(who, report), mayReadUrgentReport(who, report)]).toEqual([receives, reads]);
  });

  it.each([
    ["the filer's department", 'D-EAST', 'D-WEST', 'D-EAST'],
    ["the customer's when the filer has none", undefined, 'D-WEST', 'D-WEST'],
    ['none when neither is known', undefined, undefined, null],
  ])('an urgent report goes to %s', (_, mine, customers, expected) => {
    expect(urgentReportDepartment(mine, customers)).toBe(expected);
  });
});
