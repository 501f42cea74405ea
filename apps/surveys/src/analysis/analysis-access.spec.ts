import type { Caller } from '@crm/auth';
import { satisfactionReach } from './analysis-access';

const caller = (roles: Caller['roles'], extra: Partial<Caller> = {}): Caller => ({ userId: 'alice', roles, token: 't', ...extra });
const consultant = (id: string) => ({ kind: 'CONSULTANT' as const, id });
const department = (id: string) => ({ kind: 'DEPARTMENT' as const, id });

describe('who reads satisfaction KPIs', () => {
  it('shows a consultant their own figure, not a colleague’s', () => {
    expect(satisfactionReach(caller(['consultant']), consultant('alice'))).toBe('ALL');
    expect(satisfactionReach(caller(['consultant']), consultant('bob'))).toBeNull();
  });

  it('shows marketing, coordination and the general manager every consultant’s; a department manager the part counted for their department; partners none', () => {
    for (const role of ['general_manager', 'marketing', 'coordinator'] as const) expect(satisfactionReach(caller([role]), consultant('bob'))).toBe('ALL');
    expect(satisfactionReach(caller(['department_manager'], { departmentId: 'D-EAST' }), consultant('bob'))).toEqual({ departmentId: 'D-EAST' });
    expect(satisfactionReach(caller(['consultant'], { partnerId: 'P-1' }), consultant('alice'))).toBeNull();
    expect(satisfactionReach(caller(['finance']), consultant('bob'))).toBeNull();
  });

  it('shows a department manager their department’s figure, and the company-wide roles every department’s', () => {
    expect(satisfactionReach(caller(['department_manager'], { departmentId: 'D-EAST' }), department('D-EAST'))).toBe('ALL');
    expect(satisfactionReach(caller(['department_manager'], { departmentId: 'D-EAST' }), department('D-WEST'))).toBeNull();
    expect(satisfactionReach(caller(['consultant'], { departmentId: 'D-EAST' }), department('D-EAST'))).toBeNull();
    expect(satisfactionReach(caller(['marketing']), department('D-WEST'))).toBe('ALL');
    expect(satisfactionReach(caller(['partner'], { departmentId: 'D-EAST' }), department('D-EAST'))).toBeNull();
  });
});
