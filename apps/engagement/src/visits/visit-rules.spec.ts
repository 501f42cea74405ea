import type { Caller } from '@crm/auth';
import { mayDecideVisit, mayPlanVisitFor, mayReportVisit, plannedAtProblem, visitedAtProblem, visitTransition, InvalidVisitTransitionError } from './visit-rules';

const caller = (userId: string, roles: Caller['roles'], departmentId?: string): Caller => ({ userId, roles, departmentId, token: 't' });

describe('visit rules', () => {
  it.each([
    ['PLANNED', 'APPROVE', 'APPROVED'],
    ['PLANNED', 'REJECT', 'REJECTED'],
    ['APPROVED', 'REPORT', 'REPORTED'],
  ] as const)('lets a %s visit %s (→ %s)', (from, command, to) => {
    expect(visitTransition(from, command)).toBe(to);
  });

  it.each([
    ['PLANNED', 'REPORT'],
    ['APPROVED', 'APPROVE'],
    ['APPROVED', 'REJECT'],
    ['REJECTED', 'APPROVE'],
    ['REJECTED', 'REPORT'],
    ['REPORTED', 'REPORT'],
    ['REPORTED', 'REJECT'],
  ] as const)('refuses a %s visit %s with a conflict', (from, command) => {
    expect(() => visitTransition(from, command)).toThrow(InvalidVisitTransitionError);
  });

  it('says a plan cannot be reported before approval', () => {
    expect(() => visitTransition('PLANNED', 'REPORT')).toThrow('has not been approved yet');
  });

  it('lets the department manager of the customer, or the general manager, decide; never the visitor themself', () => {
    const visit = { departmentId: 'D-EAST', staffId: 'alice' };
    expect(mayDecideVisit(caller('mgr', ['department_manager'], 'D-EAST'), visit)).toBe(true);
    expect(mayDecideVisit(caller('mgr-w', ['department_manager'], 'D-WEST'), visit)).toBe(false);
    expect(mayDecideVisit(caller('gm', ['general_manager']), visit)).toBe(true);
    expect(mayDecideVisit(caller('alice', ['consultant'], 'D-EAST'), visit)).toBe(false);
    expect(mayDecideVisit(caller('co', ['coordinator'], 'D-EAST'), visit)).toBe(false);
    expect(mayDecideVisit(caller('mgr', ['department_manager'], 'D-EAST'), { departmentId: 'D-EAST', staffId: 'mgr' })).toBe(false);
    expect(mayDecideVisit(caller('gm', ['general_manager']), { departmentId: 'D-EAST', staffId: 'gm' })).toBe(true);
    expect(mayDecideVisit({ ...caller('mgr', ['department_manager'], 'D-EAST'), partnerId: 'P-1' }, visit)).toBe(false);
  });

  it('lets staff plan and report their own visits, managers and the coordinator anyone’s, partners none', () => {
    expect(mayPlanVisitFor(caller('alice', ['consultant']), 'alice')).toBe(true);
    expect(mayPlanVisitFor(caller('alice', ['consultant']), 'bob')).toBe(false);
    expect(mayPlanVisitFor(caller('co', ['coordinator']), 'bob')).toBe(true);
    expect(mayReportVisit(caller('mgr', ['department_manager']), { staffId: 'bob' })).toBe(true);
    expect(mayReportVisit(caller('p', ['partner']), { staffId: 'p' })).toBe(false);
  });

  it('refuses a plan more than an hour in the past, and a report of a visit in the future', () => {
    const now = new Date('2025-03-10T09:00:00Z');
    expect(plannedAtProblem(new Date('2025-03-10T08:00:00Z'), now)).toBeNull();
    expect(plannedAtProblem(new Date('2025-03-10T07:59:59.999Z'), now)).toMatch(/past/);
    expect(visitedAtProblem(new Date('2025-03-10T09:05:00Z'), now)).toBeNull();
    expect(visitedAtProblem(new Date('2025-03-10T09:05:00.001Z'), now)).toBe('cannot be in the future');
  });
});
