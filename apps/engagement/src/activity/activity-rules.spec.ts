import type { Caller } from '@crm/auth';
import { customersIn, mayReadStaffActivity, minutesOverdue, tallyActivity } from './activity-rules';

const at = (iso: string) => new Date(iso);
const caller = (userId: string, roles: Caller['roles'], extra: Partial<Caller> = {}): Caller => ({ userId, roles, departmentId: 'D-EAST', token: 't', ...extra });

describe('minutesOverdue', () => {
  const dueAt = at('2025-01-15T15:59:59.999Z');
  it.each([
    ['submitted before the due time', at('2025-01-15T10:00:00Z'), at('2025-01-20T00:00:00Z'), false],
    ['submitted at the due time exactly', dueAt, at('2025-01-20T00:00:00Z'), false],
    ['submitted a millisecond late', at('2025-01-15T16:00:00Z'), at('2025-01-20T00:00:00Z'), true],
    ['open, the due time not passed', null, at('2025-01-15T15:59:59.999Z'), false],
    ['open past the due time', null, at('2025-01-15T16:00:00Z'), true],
  ])('%s', (_, submittedAt, now, expected) => {
    expect(minutesOverdue({ dueAt, submittedAt }, now)).toBe(expected);
  });
});

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
  const now = at('2025-01-20T00:00:00Z');
  const sources = {
    visits: [
      { staffId: 'alice', customerId: 'c1' },
      { staffId: 'alice', customerId: 'c2' },
      { staffId: 'zed', customerId: 'c1' },
    ],
    interactions: [{ staffId: 'bob', customerId: 'c1' }],
    returnVisits: [{ staffId: 'alice', customerId: 'c1' }],
    minutes: [
      { staffId: 'alice', customerId: 'c1', dueAt: at('2025-01-10T00:00:00Z'), submittedAt: null },
      { staffId: 'alice', customerId: 'c1', dueAt: at('2025-01-10T00:00:00Z'), submittedAt: at('2025-01-09T00:00:00Z') },
      { staffId: 'bob', customerId: 'c2', dueAt: at('2025-01-10T00:00:00Z'), submittedAt: null },
    ],
  };

  it("counts each staff member's records about readable customers, and zeros for staff without any", () => {
    const figures = tallyActivity(['alice', 'bob', 'carl'], '2025-01', sources, (id) => id === 'c1', now);
    expect(figures.get('alice')).toEqual({ staffId: 'alice', period: '2025-01', visitsDone: 1, interactionsLogged: 0, returnVisitsMissed: 1, minutesDue: 2, minutesOverdue: 1 });
    expect(figures.get('bob')).toEqual({ staffId: 'bob', period: '2025-01', visitsDone: 0, interactionsLogged: 1, returnVisitsMissed: 0, minutesDue: 0, minutesOverdue: 0 });
    expect(figures.get('carl')).toMatchObject({ visitsDone: 0, minutesDue: 0 });
    // Records of staff not asked for are ignored.
    expect(figures.has('zed')).toBe(false);
  });

  it('counts everything when every customer is readable', () => {
    const figures = tallyActivity(['alice', 'bob'], '2025-01', sources, () => true, now);
    expect(figures.get('alice')).toMatchObject({ visitsDone: 2 });
    expect(figures.get('bob')).toMatchObject({ minutesDue: 1, minutesOverdue: 1 });
  });

  it('names every customer once for the visibility check', () => {
    expect(customersIn(sources).sort()).toEqual(['c1', 'c2']);
  });
});
