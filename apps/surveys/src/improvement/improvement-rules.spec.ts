import type { Caller } from '@crm/auth';
import { assertProposalStep, fallingScoreFinding, InvalidProposalTransitionError, isOverdue, lastCompleteMonths, mayProposeImprovement, mayWorkOnProposal } from './improvement-rules';

const s = (period: string, meanScore: number, answers = 10) => ({ period, meanScore, answers });
const caller = (roles: Caller['roles'], departmentId?: string): Caller => ({ userId: 'u', roles, token: 't', departmentId });

describe('a falling item score', () => {
  it('is a finding when it fell in each of the last three periods by at least the minimum drop', () => {
    const scores = [s('2025-01', 4.6), s('2025-02', 4.4), s('2025-03', 4.2), s('2025-04', 4.0)];
    expect(fallingScoreFinding(scores)).toEqual(scores.slice(1));
  });

  it('takes a drop of exactly the minimum, not one a hair short', () => {
    expect(fallingScoreFinding([s('a', 4.3), s('b', 4.1), s('c', 4.0)])).not.toBeNull();
    expect(fallingScoreFinding([s('a', 4.3), s('b', 4.1), s('c', 4.01)])).toBeNull();
  });

  it('is none when the score held still once, rose, or a period has too few answers', () => {
    expect(fallingScoreFinding([s('a', 4.5), s('b', 4.5), s('c', 4.0)])).toBeNull();
    expect(fallingScoreFinding([s('a', 4.5), s('b', 4.6), s('c', 4.0)])).toBeNull();
    expect(fallingScoreFinding([s('a', 4.5), s('b', 4.2, 4), s('c', 4.0)])).toBeNull();
    expect(fallingScoreFinding([s('a', 4.5), s('b', 4.2, 5), s('c', 4.0)])).not.toBeNull();
    expect(fallingScoreFinding([s('b', 4.2), s('c', 4.0)])).toBeNull();
  });

  it('looks at the whole months before now', () => {
    expect(lastCompleteMonths(new Date('2025-03-01T00:00:00Z'), 3)).toEqual(['2024-12', '2025-01', '2025-02']);
    expect(lastCompleteMonths(new Date('2025-03-31T23:59:59Z'), 1)).toEqual(['2025-02']);
  });
});

describe('improvement proposals', () => {
  it('go open → in progress → done, never back', () => {
    expect(() => assertProposalStep('OPEN', 'IN_PROGRESS')).not.toThrow();
    expect(() => assertProposalStep('IN_PROGRESS', 'DONE')).not.toThrow();
    expect(() => assertProposalStep('OPEN', 'DONE')).toThrow(InvalidProposalTransitionError);
    expect(() => assertProposalStep('DONE', 'IN_PROGRESS')).toThrow('An improvement proposal that is DONE cannot become IN_PROGRESS');
  });

  it('are overdue after their due instant unless done', () => {
    const due = new Date('2025-04-01T00:00:00Z');
    expect(isOverdue('OPEN', due, due)).toBe(false);
    expect(isOverdue('IN_PROGRESS', due, new Date(due.getTime() + 1))).toBe(true);
    expect(isOverdue('DONE', due, new Date('2026-01-01T00:00:00Z'))).toBe(false);
  });

  it('are raised by the general manager, marketing and the department’s own manager, and worked by the latter two', () => {
    expect(mayProposeImprovement(caller(['marketing']), 'D-EAST')).toBe(true);
    expect(mayProposeImprovement(caller(['department_manager'], 'D-EAST'), 'D-EAST')).toBe(true);
    expect(mayProposeImprovement(caller(['department_manager'], 'D-WEST'), 'D-EAST')).toBe(false);
    expect(mayProposeImprovement(caller(['consultant'], 'D-EAST'), 'D-EAST')).toBe(false);
    expect(mayWorkOnProposal(caller(['general_manager']), 'D-EAST')).toBe(true);
    expect(mayWorkOnProposal(caller(['marketing']), 'D-EAST')).toBe(false);
    expect(mayWorkOnProposal(caller(['department_manager'], 'D-EAST'), 'D-EAST')).toBe(true);
    expect(mayWorkOnProposal({ ...caller(['department_manager'], 'D-EAST'), partnerId: 'P' }, 'D-EAST')).toBe(false);
  });
});
