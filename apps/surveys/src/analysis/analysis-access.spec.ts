import type { Caller } from '@crm/auth';
import { mayReadConsultantSatisfaction, mayReadDepartmentSatisfaction } from './analysis-access';

const caller = (roles: Caller['roles'], extra: Partial<Caller> = {}): Caller => ({ userId: 'alice', roles, token: 't', ...extra });

describe('who reads satisfaction KPIs', () => {
  it('shows a consultant their own figure, not a colleague’s', () => {
    expect(mayReadConsultantSatisfaction(caller(['consultant']), 'alice')).toBe(true);
    expect(mayReadConsultantSatisfaction(caller(['consultant']), 'bob')).toBe(false);
  });

  it('shows managers, marketing and coordination every consultant’s, partners none', () => {
    for (const role of ['department_manager', 'general_manager', 'marketing', 'coordinator'] as const) expect(mayReadConsultantSatisfaction(caller([role]), 'bob')).toBe(true);
    expect(mayReadConsultantSatisfaction(caller(['consultant'], { partnerId: 'P-1' }), 'alice')).toBe(false);
    expect(mayReadConsultantSatisfaction(caller(['finance']), 'bob')).toBe(false);
  });

  it('shows a department its own figure, and the company-wide roles every department’s', () => {
    expect(mayReadDepartmentSatisfaction(caller(['department_manager'], { departmentId: 'D-EAST' }), 'D-EAST')).toBe(true);
    expect(mayReadDepartmentSatisfaction(caller(['department_manager'], { departmentId: 'D-EAST' }), 'D-WEST')).toBe(false);
    expect(mayReadDepartmentSatisfaction(caller(['marketing']), 'D-WEST')).toBe(true);
    expect(mayReadDepartmentSatisfaction(caller(['partner'], { departmentId: 'D-EAST' }), 'D-EAST')).toBe(false);
  });
});
