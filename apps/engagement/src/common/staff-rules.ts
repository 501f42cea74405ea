import { hasRole, isPartner, type Caller } from '@crm/auth';

/*
 * Who may act on engagement records, shared by the plugins (docs/domain/engagement.md). Reading follows the
 * customer's visibility (the shared rule table of @crm/customer-scope); these rules say who may change what.
 */

/** Anyone inside acts for themself; managers and the coordinator for someone else; partners never. */
export function mayActForStaff(caller: Caller, staffId: string): boolean {
  if (isPartner(caller)) return false;
  if (staffId === caller.userId) return true;
  return hasRole(caller, 'department_manager', 'general_manager', 'coordinator');
}

/** The manager who decides for a department's customers: its department manager, or the general manager. */
export function managesDepartment(caller: Caller, departmentId: string | null): boolean {
  if (isPartner(caller)) return false;
  if (hasRole(caller, 'general_manager')) return true;
  return hasRole(caller, 'department_manager') && departmentId !== null && caller.departmentId === departmentId;
}

/** Platform jobs (watches, anniversaries) and the general manager may run a watch on demand. */
export function mayRunWatches(caller: Caller): boolean {
  return !isPartner(caller) && hasRole(caller, 'general_manager', 'internal_app');
}
