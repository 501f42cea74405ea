import { hasRole, isPartner, type Caller, type Role } from './caller';

/** A figure about one consultant or one department: the KPIs each subgraph contributes to Consultant and Department. */
export interface StaffFigureSubject {
  kind: 'CONSULTANT' | 'DEPARTMENT';
  id: string;
}

/**
 * How much of a figure a caller may read: every record behind it (`ALL`), only the records booked in one department
 * (`{ departmentId }`, a department manager looking at a consultant of any department), or nothing (`null`).
 */
export type StaffFigureReach = 'ALL' | { departmentId: string } | null;

/**
 * The one rule for consultant and department KPIs (docs/domain/kpis.md): partners read none; the general manager and
 * platform jobs all; a department manager their department's figure, and of any consultant the part booked in their
 * department; a consultant their own figures. `alsoAll` names the roles the owning subgraph lets read everyone's
 * figure of its kind (finance for money, marketing for satisfaction).
 */
export function staffFigureReach(caller: Caller, subject: StaffFigureSubject, alsoAll: readonly Role[] = []): StaffFigureReach {
  if (isPartner(caller)) return null;
  if (hasRole(caller, 'general_manager', 'internal_app', ...alsoAll)) return 'ALL';
  if (hasRole(caller, 'department_manager') && caller.departmentId) {
    if (subject.kind === 'DEPARTMENT') return subject.id === caller.departmentId ? 'ALL' : null;
    return subject.id === caller.userId ? 'ALL' : { departmentId: caller.departmentId };
  }
  if (subject.kind === 'CONSULTANT' && subject.id === caller.userId) return 'ALL';
  return null;
}
