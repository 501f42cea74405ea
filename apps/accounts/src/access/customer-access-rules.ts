import { hasRole, isPartner, type Caller } from '@crm/auth';
import type { ContactRecord, CustomerRecord } from '../customers/customer.model';
import { canSeeCustomerScope, customerScopeFilter } from '@crm/customer-scope';

/**
 * Which customers a caller may read (docs/domain/accounts.md, confidentiality): consultants their own, department managers
 * their department's, partners only those linked to them. The rule table lives in @crm/customer-scope so
 * that every service holding customer-scoped data applies the same rules.
 */
export function visibleCustomersFilter(caller: Caller): Record<string, unknown> {
  return customerScopeFilter(caller);
}

export function canSeeCustomer(caller: Caller, customer: Pick<CustomerRecord, 'ownerId' | 'departmentId' | 'partnerIds'> & { assignedStaffIds?: string[] }): boolean {
  return canSeeCustomerScope(caller, customer);
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
