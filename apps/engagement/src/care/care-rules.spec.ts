import { ConflictError } from '@crm/kernel';
import type { Caller } from '@crm/auth';
import {
  addDays,
  birthdayGreetingDays,
  birthdayIn,
  careTaskKey,
  careTasksDue,
  careTaskTitle,
  careTaskTransition,
  decemberYear,
  endOfDayIn,
  expenseDecision,
  expenseRefusal,
  giftBudget,
  holidayGreetingDays,
  mayDecideExpense,
  mayGenerateCareTasks,
  parseBudgets,
  receivesCare,
  statusOnRecord,
  type CareWindow,
} from './care-rules';

const budgets = { KEY: 200_000, TARGET: 100_000, GENERAL: 50_000, POTENTIAL: 30_000 };

describe('care rules', () => {
  it.each([
    ['PROSPECT', true],
    ['QUALIFYING', true],
    ['ACTIVE', true],
    ['DORMANT', true],
    ['BAD', false],
    ['REMOVED', false],
    ['LOST', false],
  ])('gives a %s customer care: %s', (lifecycle, expected) => {
    expect(receivesCare(lifecycle)).toBe(expected);
  });

  it('counts calendar days across months and years', () => {
    expect(addDays('2025-12-30', 3)).toBe('2026-01-02');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(() => addDays('2025-13-01x', 1)).toThrow(RangeError);
  });

  it.each([
    ['1990-06-15', 2025, '2025-06-15'],
    // 29 February is greeted on 28 February in a year without one, and on the day itself in a leap year.
    ['1992-02-29', 2025, '2025-02-28'],
    ['1992-02-29', 2028, '2028-02-29'],
    ['1992-02-29', 2100, '2100-02-28'],
    ['1992-02-28', 2025, '2025-02-28'],
  ])('greets a birthday of %s in %i on %s', (birthday, year, day) => {
    expect(birthdayIn(birthday, year)).toBe(day);
  });

  it('finds the birthdays within the horizon, across the new year, and never before the birth', () => {
    expect(birthdayGreetingDays('1985-06-15', '2025-06-10', '2025-06-17')).toEqual(['2025-06-15']);
    expect(birthdayGreetingDays('1985-06-15', '2025-06-16', '2025-06-23')).toEqual([]);
    expect(birthdayGreetingDays('1985-01-02', '2025-12-28', '2026-01-04')).toEqual(['2026-01-02']);
    expect(birthdayGreetingDays('1992-02-29', '2025-02-25', '2025-03-04')).toEqual(['2025-02-28']);
    expect(birthdayGreetingDays('2025-06-15', '2025-06-10', '2025-06-17')).toEqual([]);
  });

  it('greets a holiday period once, on its first day, even with a weekend inside it', () => {
    // National Day 2025: 1-3 and 6-8 October are holidays, 4-5 October a weekend between them.
    const holidays = ['2025-10-01', '2025-10-02', '2025-10-03', '2025-10-06', '2025-10-07', '2025-10-08', '2026-01-01'];
    const weekend = new Set(['2025-09-27', '2025-09-28', '2025-10-04', '2025-10-05', '2025-10-11', '2025-10-12', '2025-12-27', '2025-12-28', '2026-01-03', '2026-01-04']);
    const isWorkingDay = (day: string) => !holidays.includes(day) && !weekend.has(day);
    expect(holidayGreetingDays(holidays, isWorkingDay, '2025-09-26', '2025-10-10')).toEqual(['2025-10-01']);
    // A window that starts inside the period does not greet it again.
    expect(holidayGreetingDays(holidays, isWorkingDay, '2025-10-02', '2025-10-09')).toEqual([]);
    expect(holidayGreetingDays(holidays, isWorkingDay, '2025-12-26', '2026-01-02')).toEqual(['2026-01-01']);
    expect(holidayGreetingDays(holidays, isWorkingDay, '2025-10-09', '2025-12-31')).toEqual([]);
  });

  it.each([
    ['2025-11-23', '2025-11-30', null],
    ['2025-11-24', '2025-12-01', 2025],
    ['2025-12-01', '2025-12-08', 2025],
    ['2025-12-31', '2026-01-07', 2025],
    ['2026-01-01', '2026-01-08', null],
  ])('looking at %s to %s, generates the December tasks of %s', (today, horizonEnd, year) => {
    expect(decemberYear(today, horizonEnd)).toBe(year);
  });

  it('keys a task by customer, kind and day or year', () => {
    expect(careTaskKey('c1', 'BIRTHDAY_GREETING', '2025-06-15')).toBe('c1:BIRTHDAY_GREETING:2025-06-15');
    expect(careTaskKey('c1', 'NEW_YEAR_GIFT', 2025)).not.toBe(careTaskKey('c1', 'DEMAND_PLAN_REQUEST', 2025));
  });

  it('closes an open task once, as done or skipped', () => {
    expect(careTaskTransition('OPEN', 'COMPLETE')).toBe('DONE');
    expect(careTaskTransition('OPEN', 'SKIP')).toBe('SKIPPED');
    expect(() => careTaskTransition('DONE', 'SKIP')).toThrow(ConflictError);
    expect(() => careTaskTransition('SKIPPED', 'COMPLETE')).toThrow(ConflictError);
  });

  it.each([
    [null, 'CUSTOMER_NOT_FOUND'],
    [{ lifecycle: 'REMOVED', filed: true }, 'CUSTOMER_REMOVED'],
    [{ lifecycle: 'ACTIVE', filed: false }, 'CUSTOMER_NOT_FILED'],
    [{ lifecycle: 'ACTIVE' }, 'CUSTOMER_NOT_FILED'],
    [{ lifecycle: 'ACTIVE', filed: null }, 'CUSTOMER_NOT_FILED'],
    [{ lifecycle: 'ACTIVE', filed: true }, null],
    [{ lifecycle: 'BAD', filed: true }, null],
  ])('refuses an expense for %j with %s', (customer, reason) => {
    expect(expenseRefusal(customer)?.reason ?? null).toBe(reason);
  });

  it('takes the budget of the customer category, POTENTIAL when it is unknown', () => {
    expect(giftBudget(budgets, 'CNY', 'KEY')).toEqual({ amountMinor: 200_000, currency: 'CNY' });
    expect(giftBudget(budgets, 'CNY', undefined)).toEqual({ amountMinor: 30_000, currency: 'CNY' });
    expect(giftBudget(budgets, 'CNY', 'SOMETHING')).toEqual({ amountMinor: 30_000, currency: 'CNY' });
  });

  it.each([
    ['GIFT', 49_999, 'CNY', 'APPROVED'],
    ['GIFT', 50_000, 'CNY', 'APPROVED'],
    ['GIFT', 50_001, 'CNY', 'PENDING_APPROVAL'],
    ['GIFT', 100, 'USD', 'PENDING_APPROVAL'],
    ['ENTERTAINMENT', 5_000_000, 'CNY', 'APPROVED'],
  ] as const)('records a %s of %i %s against a budget of 500.00 CNY as %s', (kind, amountMinor, currency, status) => {
    expect(statusOnRecord(kind, { amountMinor, currency }, { amountMinor: 50_000, currency: 'CNY' })).toBe(status);
  });

  it('decides only an expense waiting for approval', () => {
    expect(expenseDecision('PENDING_APPROVAL', true)).toBe('APPROVED');
    expect(expenseDecision('PENDING_APPROVAL', false)).toBe('REJECTED');
    expect(() => expenseDecision('APPROVED', false)).toThrow(ConflictError);
    expect(() => expenseDecision('REJECTED', true)).toThrow(ConflictError);
  });

  it('reads the budgets setting, every category required', () => {
    expect(parseBudgets('KEY=200000, TARGET=100000,GENERAL=50000,POTENTIAL=30000')).toEqual({ budgets });
    expect(parseBudgets('KEY=200000,TARGET=100000,GENERAL=50000')).toEqual({ problem: 'no budget for POTENTIAL' });
    expect(parseBudgets('KEY=2.5,TARGET=1,GENERAL=1,POTENTIAL=1')).toEqual({ problem: 'KEY: the budget must be a whole number of minor units' });
    expect(parseBudgets('VIP=1')).toMatchObject({ problem: expect.stringContaining('unknown category "VIP"') });
  });

  describe('the tasks a customer is due in a window', () => {
    const quiet: CareWindow = { today: '2025-06-10', horizonEnd: '2025-06-17', holidayStarts: [], decemberYear: null };
    const person = (birthday: string | null, lifecycle = 'ACTIVE') => ({ kind: 'INDIVIDUAL', lifecycle, birthday });
    const company = (lifecycle = 'ACTIVE') => ({ kind: 'ORGANISATION', lifecycle, birthday: null });

    it('greets a birthday inside the window, keyed by its day', () => {
      expect(careTasksDue(person('1985-06-15'), quiet)).toEqual([{ kind: 'BIRTHDAY_GREETING', dueOn: '2025-06-15', keyedBy: '2025-06-15' }]);
      expect(careTasksDue(person('1985-06-20'), quiet)).toEqual([]);
    });

    it('greets a birthday on 29 February on 28 February in a year without one', () => {
      const window = { ...quiet, today: '2025-02-24', horizonEnd: '2025-03-03' };
      expect(careTasksDue(person('1992-02-29'), window)).toEqual([{ kind: 'BIRTHDAY_GREETING', dueOn: '2025-02-28', keyedBy: '2025-02-28' }]);
      expect(careTasksDue(person('1992-02-29'), { ...quiet, today: '2028-02-24', horizonEnd: '2028-03-02' })).toEqual([{ kind: 'BIRTHDAY_GREETING', dueOn: '2028-02-29', keyedBy: '2028-02-29' }]);
    });

    it('gives an organisation no birthday, and everyone the holiday periods starting in the window', () => {
      const holidays = { ...quiet, holidayStarts: ['2025-06-14'] };
      expect(careTasksDue(company(), holidays)).toEqual([{ kind: 'HOLIDAY_GREETING', dueOn: '2025-06-14', keyedBy: '2025-06-14' }]);
      expect(careTasksDue(person(null, 'PROSPECT'), holidays)).toEqual([{ kind: 'HOLIDAY_GREETING', dueOn: '2025-06-14', keyedBy: '2025-06-14' }]);
    });

    it('in December, asks for the New-Year gift and the demand plan of every active customer, keyed by the year', () => {
      const december: CareWindow = { today: '2025-12-01', horizonEnd: '2025-12-08', holidayStarts: [], decemberYear: 2025 };
      expect(careTasksDue(company(), december)).toEqual([
        { kind: 'NEW_YEAR_GIFT', dueOn: '2025-12-31', keyedBy: 2025 },
        { kind: 'DEMAND_PLAN_REQUEST', dueOn: '2025-12-31', keyedBy: 2025 },
      ]);
      // A prospect or a dormant customer has no demand plan to ask for and gets no gift task.
      expect(careTasksDue(company('PROSPECT'), december)).toEqual([]);
      expect(careTasksDue(company('DORMANT'), december)).toEqual([]);
    });

    it('gives a bad or removed customer nothing at all', () => {
      const busy: CareWindow = { today: '2025-12-10', horizonEnd: '2025-12-17', holidayStarts: ['2025-12-12'], decemberYear: 2025 };
      expect(careTasksDue({ kind: 'INDIVIDUAL', lifecycle: 'BAD', birthday: '1980-12-15' }, busy)).toEqual([]);
      expect(careTasksDue(company('REMOVED'), busy)).toEqual([]);
    });
  });

  it('words each kind of task', () => {
    expect(careTaskTitle('DEMAND_PLAN_REQUEST', 'Acme', '2025-12-31')).toBe('Ask Acme for the demand plan of 2026');
    expect(careTaskTitle('HOLIDAY_GREETING', 'Acme', '2025-10-01', 'National Day')).toBe('Holiday greeting for Acme (National Day)');
    expect(careTaskTitle('HOLIDAY_GREETING', 'Acme', '2025-10-01')).toBe('Holiday greeting for Acme (2025-10-01)');
  });

  it('ends a day at its last millisecond in the time zone', () => {
    expect(endOfDayIn('2025-12-31', 'Asia/Shanghai').toISOString()).toBe('2025-12-31T15:59:59.999Z');
    expect(endOfDayIn('2025-03-30', 'Europe/Berlin').toISOString()).toBe('2025-03-30T21:59:59.999Z');
  });

  const caller = (userId: string, roles: string[], departmentId?: string) => ({ userId, roles, departmentId }) as unknown as Caller;
  it.each([
    ['the department manager', caller('m', ['department_manager'], 'D-EAST'), true],
    ['the general manager', caller('g', ['general_manager']), true],
    ["another department's manager", caller('w', ['department_manager'], 'D-WEST'), false],
    ['a consultant', caller('c', ['consultant'], 'D-EAST'), false],
    ['the manager who recorded it', caller('alice', ['department_manager'], 'D-EAST'), false],
    ['a partner', caller('p', ['partner']), false],
  ])('lets %s decide a gift above the budget: %s', (_, who, expected) => {
    expect(mayDecideExpense(who, { departmentId: 'D-EAST', recordedBy: 'alice' })).toBe(expected);
  });

  it('lets the coordinator, the general manager and internal apps run the generation, nobody else', () => {
    expect(['coordinator', 'general_manager', 'internal_app'].map((role) => mayGenerateCareTasks(caller('x', [role])))).toEqual([true, true, true]);
    expect(['consultant', 'department_manager', 'partner'].map((role) => mayGenerateCareTasks(caller('x', [role])))).toEqual([false, false, false]);
  });
});
