import { buildCalendar } from './calendar.service';

describe('the service desk calendar', () => {
  const base = { timeZone: 'Asia/Shanghai', holidays: ['2026-10-01', '2026-10-02'], makeUpWorkdays: ['2026-10-10'] };

  it('adds the stored holidays and make-up workdays to the configured ones', () => {
    const calendar = buildCalendar(base, [
      { _id: '2026-10-05', kind: 'HOLIDAY' },
      { _id: '2026-09-20', kind: 'MAKE_UP_WORKDAY' },
    ]);
    expect(calendar.isWorkingDay('2026-10-01')).toBe(false);
    expect(calendar.isWorkingDay('2026-10-05')).toBe(false);
    expect(calendar.isWorkingDay('2026-09-20')).toBe(true);
    expect(calendar.isWorkingDay('2026-10-10')).toBe(true);
  });

  it('lets a stored day override what the environment says about the same date', () => {
    const calendar = buildCalendar(base, [
      { _id: '2026-10-02', kind: 'MAKE_UP_WORKDAY' },
      { _id: '2026-10-10', kind: 'HOLIDAY' },
    ]);
    expect(calendar.isWorkingDay('2026-10-02')).toBe(true);
    expect(calendar.isWorkingDay('2026-10-10')).toBe(false);
  });
});
