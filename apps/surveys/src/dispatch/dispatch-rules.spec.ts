import type { Caller } from '@crm/auth';
import { assertPending, DAY_MS, dueDateOf, fatigueWindowStart, isPastDue, mayPlanMysteryChecks, RequestNotPendingError, templateOfSource, throttledByFatigue } from './dispatch-rules';

const caller = (...roles: Caller['roles']): Caller => ({ userId: 'u', roles, token: 't' });
const at = (iso: string) => new Date(iso);

describe('fatigue throttling at its edges', () => {
  const window = 30 * DAY_MS;
  const sent = at('2025-03-01T10:00:00Z');

  it('lets the first request through', () => {
    expect(throttledByFatigue(null, sent, window)).toBe(false);
  });

  it('throttles within the window, up to the last millisecond', () => {
    expect(throttledByFatigue(sent, sent, window)).toBe(true);
    expect(throttledByFatigue(sent, at('2025-03-31T09:59:59.999Z'), window)).toBe(true);
  });

  it('asks again exactly one window later', () => {
    expect(throttledByFatigue(sent, at('2025-03-31T10:00:00.000Z'), window)).toBe(false);
    expect(throttledByFatigue(sent, at('2025-04-15T10:00:00Z'), window)).toBe(false);
  });

  it('counts the window back from now', () => {
    expect(fatigueWindowStart(at('2025-03-31T10:00:00Z'), window)).toEqual(sent);
  });

  it('does not throttle with an empty window', () => {
    expect(throttledByFatigue(sent, sent, 0)).toBe(false);
  });
});

describe('request due dates', () => {
  it('falls due a number of days after creation, and passes due only after that instant', () => {
    const due = dueDateOf(at('2025-03-01T10:00:00Z'), 14);
    expect(due).toEqual(at('2025-03-15T10:00:00Z'));
    expect(isPastDue(due, due)).toBe(false);
    expect(isPastDue(due, new Date(due.getTime() + 1))).toBe(true);
  });

  it('answers or expires only a pending request', () => {
    expect(() => assertPending('PENDING', 'answer')).not.toThrow();
    for (const state of ['ANSWERED', 'EXPIRED', 'SKIPPED'] as const) {
      expect(() => assertPending(state, 'answer')).toThrow(RequestNotPendingError);
      expect(() => assertPending(state, 'answer')).toThrow(`Cannot answer a survey request that is ${state}`);
    }
  });
});

describe('dispatch sources and roles', () => {
  it('asks each source its questionnaire', () => {
    expect(templateOfSource).toEqual({ ORDER_DELIVERED: 'AFTER_SALE', MAINTENANCE_VISIT: 'VISIT', TICKET_RESOLVED: 'AFTER_SERVICE' });
  });

  it('lets marketing and managers plan mystery checks, nobody else', () => {
    for (const role of ['general_manager', 'marketing', 'department_manager'] as const) expect(mayPlanMysteryChecks(caller(role))).toBe(true);
    for (const role of ['consultant', 'service_agent', 'finance', 'partner', 'internal_app'] as const) expect(mayPlanMysteryChecks(caller(role))).toBe(false);
    expect(mayPlanMysteryChecks({ ...caller('marketing'), partnerId: 'P-1' })).toBe(false);
  });
});
