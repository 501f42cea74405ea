import { WorkingCalendar } from '@crm/working-calendar';
import { InvalidMinutesTransitionError, isOverdue, minutesDueAt, minutesTransition, submittedLate } from './minutes-rules';

// Times in China Standard Time (UTC+8), the calendar's default zone.
const cst = (local: string) => new Date(`${local}+08:00`);

describe('minutes are due 2 working days after the meeting, on the working calendar', () => {
  const plain = new WorkingCalendar();
  const withHoliday = new WorkingCalendar({ holidays: ['2025-06-09'] });
  const withMakeUpDay = new WorkingCalendar({ makeUpWorkdays: ['2025-06-07'] });

  it.each([
    ['a Tuesday meeting: Thursday', plain, '2025-06-03T10:00:00', '2025-06-05T23:59:59.999'],
    ['a Thursday meeting: Monday, across the weekend', plain, '2025-06-05T15:00:00', '2025-06-09T23:59:59.999'],
    ['a Friday meeting: Tuesday, across the weekend', plain, '2025-06-06T10:00:00', '2025-06-10T23:59:59.999'],
    ['a Friday meeting late in the evening: still Friday’s day', plain, '2025-06-06T23:30:00', '2025-06-10T23:59:59.999'],
    ['a Saturday meeting: Tuesday (the weekend day itself does not count)', plain, '2025-06-07T10:00:00', '2025-06-10T23:59:59.999'],
    ['a Friday meeting with a holiday on Monday: Wednesday', withHoliday, '2025-06-06T10:00:00', '2025-06-11T23:59:59.999'],
    ['a Thursday meeting with a holiday on Monday: Tuesday', withHoliday, '2025-06-05T10:00:00', '2025-06-10T23:59:59.999'],
    ['a Friday meeting with a make-up workday on Saturday: Monday', withMakeUpDay, '2025-06-06T10:00:00', '2025-06-09T23:59:59.999'],
  ])('%s', (_, calendar, meeting, due) => {
    expect(minutesDueAt(calendar, cst(meeting)).toISOString()).toBe(cst(due).toISOString());
  });

  it('is overdue only while still a draft after the due time', () => {
    const dueAt = cst('2025-06-10T23:59:59.999');
    expect(isOverdue({ status: 'DRAFT', dueAt }, cst('2025-06-10T23:59:59.999'))).toBe(false);
    expect(isOverdue({ status: 'DRAFT', dueAt }, cst('2025-06-11T00:00:00'))).toBe(true);
    expect(isOverdue({ status: 'SUBMITTED', dueAt }, cst('2025-06-12T00:00:00'))).toBe(false);
    expect(submittedLate({ submittedAt: cst('2025-06-11T00:00:00'), dueAt })).toBe(true);
    expect(submittedLate({ submittedAt: cst('2025-06-10T18:00:00'), dueAt })).toBe(false);
    expect(submittedLate({ submittedAt: null, dueAt })).toBe(false);
  });
});

describe('the minutes state machine', () => {
  it.each([
    ['DRAFT', 'SAVE_DRAFT', 'DRAFT'],
    ['DRAFT', 'SUBMIT', 'SUBMITTED'],
    ['SUBMITTED', 'APPROVE', 'APPROVED'],
    ['SUBMITTED', 'SEND_BACK', 'DRAFT'],
    ['APPROVED', 'CONFIRM', 'CONFIRMED'],
  ] as const)('%s minutes may be %s (→ %s)', (from, command, to) => {
    expect(minutesTransition(from, command)).toBe(to);
  });

  it.each([
    ['SUBMITTED', 'SAVE_DRAFT'],
    ['DRAFT', 'APPROVE'],
    ['DRAFT', 'CONFIRM'],
    ['APPROVED', 'SEND_BACK'],
    ['CONFIRMED', 'CONFIRM'],
    ['CONFIRMED', 'SUBMIT'],
  ] as const)('%s minutes may not be %s', (from, command) => {
    expect(() => minutesTransition(from, command)).toThrow(InvalidMinutesTransitionError);
  });
});
