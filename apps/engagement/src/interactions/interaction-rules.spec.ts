import type { Caller } from '@crm/auth';
import { fixedClock } from '@crm/kernel';
import { CLOCK_SKEW_MS, mayLogInteractionFor, mayLogInteractions, occurredAtProblem } from './interaction-rules';

const caller = (userId: string, ...roles: Caller['roles']): Caller => ({ userId, roles, token: 't' });

describe('interaction rules', () => {
  const clock = fixedClock('2025-03-10T09:00:00Z');

  it('lets any internal caller log their own interaction', () => {
    expect(mayLogInteractionFor(caller('alice', 'consultant'), 'alice')).toBe(true);
    expect(mayLogInteractionFor(caller('sam', 'service_agent'), 'sam')).toBe(true);
  });

  it('lets only managers and the coordinator log for someone else', () => {
    expect(mayLogInteractionFor(caller('alice', 'consultant'), 'bob')).toBe(false);
    expect(mayLogInteractionFor(caller('mgr', 'department_manager'), 'bob')).toBe(true);
    expect(mayLogInteractionFor(caller('gm', 'general_manager'), 'bob')).toBe(true);
    expect(mayLogInteractionFor(caller('co', 'coordinator'), 'bob')).toBe(true);
  });

  it('never lets a partner log an interaction, not even as themself', () => {
    expect(mayLogInteractionFor(caller('portal', 'partner'), 'portal')).toBe(false);
    expect(mayLogInteractionFor({ ...caller('portal', 'consultant'), partnerId: 'P-1' }, 'portal')).toBe(false);
  });

  it('accepts past interactions and a little clock skew, refuses the future', () => {
    const now = clock.now();
    expect(occurredAtProblem(new Date('2025-03-09T15:00:00Z'), now)).toBeNull();
    expect(occurredAtProblem(new Date(now.getTime() + CLOCK_SKEW_MS), now)).toBeNull();
    expect(occurredAtProblem(new Date(now.getTime() + CLOCK_SKEW_MS + 1), now)).toBe('cannot be in the future');
  });
});

describe('interaction rules at their edges', () => {
  it('allows five minutes of clock skew, not a millisecond more', () => {
    const now = new Date('2025-03-10T09:00:00Z');
    expect(CLOCK_SKEW_MS).toBe(300_000);
    expect(occurredAtProblem(new Date('2025-03-10T09:05:00Z'), now)).toBeNull();
    expect(occurredAtProblem(new Date('2025-03-10T09:05:00.001Z'), now)).toBe('cannot be in the future');
  });

  it('does not let a consultant log for someone else, nor a manager who is a partner', () => {
    expect(mayLogInteractionFor(caller('sam', 'service_agent', 'technical_staff'), 'bob')).toBe(false);
    expect(mayLogInteractionFor({ ...caller('mgr', 'department_manager'), partnerId: 'P-1' }, 'bob')).toBe(false);
  });
});

describe('who logs interactions at all', () => {
  it('lets anyone inside log, and no partner', () => {
    expect(mayLogInteractions(caller('c-1', 'consultant'))).toBe(true);
    expect(mayLogInteractions(caller('agent', 'service_agent'))).toBe(true);
    expect(mayLogInteractions(caller('portal', 'partner'))).toBe(false);
    expect(mayLogInteractions({ ...caller('portal-2', 'consultant'), partnerId: 'P-2' })).toBe(false);
  });
});
