import type { Caller } from '@crm/auth';
import { customersIn, mayReadStaffActivity, tallyActivity } from './activity-rules';

const caller = (userId: string, roles: Caller['roles'], extra: Partial<Caller> = {}): Caller => ({ userId, roles, departmentId: 'D-EAST', token: 't', ...extra });

describe('mayReadStaffActivity', () => {
  it.each([
    ['a consultant, their own', caller('alice', ['consultant']), 'alice', true],
    ["a consultant, a colleague's", caller('alice', ['consultant']), 'bob', false],
    ['a department manager', caller('m', ['department_manager']), 'bob', true],
    ['the general manager', caller('g', ['general_manager']), 'bob', true],
    ['the coordinator', caller('c', ['coordinator']), 'bob', true],
    ['marketing', caller('k', ['marketing']), 'bob', true],
    ['a platform job', caller('svc', ['internal_app']), 'bob', true],
    ['a partner, even under a staff id', caller('alice', ['partner'], { partnerId: 'P-1' }), 'alice', false],
    ['finance', caller('f', ['finance']), 'bob', false],
  ])('%s', (_, who, staffId, expected) => {
    expect(mayReadStaffActivity(who, staffId)).toBe(expected);
  });
});

describe('tallyActivity', () => {
  const count = (staffId: string, customerId: string, n: number, late = 0) => ({ staffId, customerId, count: n, late });
  const sources = {
    visits: [count('alice', 'c1', 2), count('alice', 'c2', 3), count('zed', 'c1', 1)],
    interactions: [count('bob', 'c1', 4)],
    returnVisits: [count('alice', 'c1', 1)],
    minutes: [count('alice', 'c1', 2, 1), count('bob', 'c2', 1, 1)],
  };

  it("adds up each staff member's counts about readable customers, and zeros for staff without any", () => {
    const figures = tallyActivity(['alice', 'bob', 'carl'], '2025-01', sources, (id) => id === 'c1');
    expect(figures.get('alice')).toEqual({ staffId: 'alice', period: '2025-01', visitsDone: 2, interactionsLogged: 0, returnVisitsMissed: 1, minutesDue: 2, minutesOverdue: 1 });
    expect(figures.get('bob')).toEqual({ staffId: 'bob', period: '2025-01', visitsDone: 0, interactionsLogged: 4, returnVisitsMissed: 0, minutesDue: 0, minutesOverdue: 0 });
    expect(figures.get('carl')).toMatchObject({ visitsDone: 0, minutesDue: 0 });
    // Counts of staff not asked for are ignored.
    expect(figures.has('zed')).toBe(false);
  });

  it('adds everything when every customer is readable', () => {
    const figures = tallyActivity(['alice', 'bob'], '2025-01', sources, () => true);
    expect(figures.get('alice')).toMatchObject({ visitsDone: 5 });
    expect(figures.get('bob')).toMatchObject({ minutesDue: 1, minutesOverdue: 1 });
  });

  it('names every customer once for the visibility check', () => {
    expect(customersIn(sources).sort()).toEqual(['c1', 'c2']);
  });
});
