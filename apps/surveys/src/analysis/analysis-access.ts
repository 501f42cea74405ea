import { hasRole, isPartner, type Caller } from '@crm/auth';

/** Whose satisfaction KPI a caller reads: their own; a department manager their department's staff; marketing, coordination and the general manager everyone's. */
export function mayReadConsultantSatisfaction(caller: Caller, consultantId: string): boolean {
  if (isPartner(caller)) return false;
  return caller.userId === consultantId || hasRole(caller, 'general_manager', 'marketing', 'coordinator', 'department_manager', 'internal_app');
}

/** A department's satisfaction KPI: its own staff and manager, marketing, coordination and the general manager. */
export function mayReadDepartmentSatisfaction(caller: Caller, departmentId: string): boolean {
  if (isPartner(caller)) return false;
  return caller.departmentId === departmentId || hasRole(caller, 'general_manager', 'marketing', 'coordinator', 'internal_app');
}
