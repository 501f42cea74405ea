import { hasRole, isPartner, type Caller } from '@crm/auth';
import type { ContactRecord, CustomerRecord } from '../customers/customer.model';

// Internal roles that serve every customer (service desk, finance, archive keepers, the general manager).
const seesEveryCustomer = ['general_manager', 'marketing', 'service_agent', 'technical_staff', 'coordinator', 'finance', 'internal_app'] as const;

/**
 * Which customers a caller may read (DOMAIN.md §1, confidentiality): consultants their own,
 * department managers their department's, partners only those linked to them.
 */
export function visibleCustomersFilter(caller: Caller): Record<string, unknown> {
  if (isPartner(caller)) return caller.partnerId ? { partnerIds: caller.partnerId } : { _id: null };
  if (hasRole(caller, ...seesEveryCustomer)) return {};
  const scopes: Record<string, unknown>[] = [];
  if (hasRole(caller, 'department_manager') && caller.departmentId) scopes.push({ departmentId: caller.departmentId });
  // Staff assigned to a (key) customer serve it and report their contacts, so they read it like its owner.
  if (hasRole(caller, 'consultant')) scopes.push({ ownerId: caller.userId }, { assignedStaffIds: caller.userId });
  if (scopes.length === 0) return { _id: null };
  return scopes.length === 1 ? scopes[0] : { $or: scopes };
}

export function canSeeCustomer(caller: Caller, customer: Pick<CustomerRecord, 'ownerId' | 'departmentId' | 'partnerIds'> & { assignedStaffIds?: string[] }): boolean {
  if (isPartner(caller)) return Boolean(caller.partnerId && customer.partnerIds.includes(caller.partnerId));
  if (hasRole(caller, ...seesEveryCustomer)) return true;
  if (hasRole(caller, 'department_manager') && caller.departmentId === customer.departmentId) return true;
  return hasRole(caller, 'consultant') && (customer.ownerId === caller.userId || (customer.assignedStaffIds ?? []).includes(caller.userId));
}

/** Who may change a customer: its owner, the owning department's manager, the archive keepers. */
export function canEditCustomer(caller: Caller, customer: Pick<CustomerRecord, 'ownerId' | 'departmentId'>): boolean {
  if (isPartner(caller)) return false;
  if (hasRole(caller, 'general_manager', 'marketing')) return true;
  if (hasRole(caller, 'department_manager') && caller.departmentId === customer.departmentId) return true;
  return hasRole(caller, 'consultant') && customer.ownerId === caller.userId;
}

/** Personal data (phone, email) never leaves for a partner. */
export function maskContactForPartner(contact: ContactRecord): ContactRecord {
  return { ...contact, phone: contact.phone ? maskValue(contact.phone) : contact.phone, email: contact.email ? maskValue(contact.email) : contact.email };
}

/** A personal value as a partner sees it: strings keep their first and last character, anything else is withheld. */
export function maskPersonalValue<T>(value: T): T | null {
  return typeof value === 'string' ? (maskValue(value) as T) : null;
}

function maskValue(value: string): string {
  return value.length <= 2 ? '**' : `${value.slice(0, 1)}${'*'.repeat(Math.min(value.length - 2, 8))}${value.slice(-1)}`;
}
