import { hasRole, isPartner, type Caller, type Role } from '@crm/auth';

/*
 * Who may read which customer's records (confidentiality): the ONE rule table of the platform. accounts applies it
 * to its archive; every other subgraph applies it to its copy of each customer's scope (kept from accounts'
 * events), so that authorization stays next to the data without asking accounts on every read.
 */

/**
 * The kinds of customer-scoped records whose visibility differs; a new kind is a new row of `visibilityRules`.
 * - `customer`: accounts' archive itself (the customer card);
 * - `ticket`: service-desk's tickets;
 * - `fault-report`: service-desk's reports and analyses of major faults (read like their tickets, by staff only);
 * - `internal-record`: what the other subgraphs keep about a customer for internal work (engagement's contacts,
 *   visits and care, surveys' responses, credit's orders, receivables and profiles).
 */
export type ScopedRecordKind = 'customer' | 'ticket' | 'fault-report' | 'internal-record';

export interface VisibilityRule {
  /** Internal roles that read every record of this kind. */
  rolesSeeingAll: readonly Role[];
  /** Roles that read no record of this kind, unless another role of theirs opens it (not even through grants). */
  rolesWithoutAccess: readonly Role[];
  /** Partners read the records of the customers linked to them (`linked`), or none at all (`none`). */
  partners: 'linked' | 'none';
}

const internalRolesSeeingEveryCustomer: readonly Role[] = ['general_manager', 'marketing', 'service_agent', 'technical_staff', 'coordinator', 'finance', 'internal_app'];

/**
 * Beyond these rows every kind is read the same way: partners (where the row lets them) only their linked customers' records; a department
 * manager their department's; a consultant their own customers' and those they are assigned staff of; anyone
 * else (not a partner) through an approved grant in force.
 */
export const visibilityRules: Readonly<Record<ScopedRecordKind, VisibilityRule>> = {
  // A partner portal shows the linked customers' cards, masked (accounts withholds the internal fields).
  customer: { rolesSeeingAll: internalRolesSeeingEveryCustomer, rolesWithoutAccess: [], partners: 'linked' },
  // Finance works credit and receivables: complaints and service tickets are not theirs to read. A partner follows
  // the tickets of its linked customers (complainant contact masked) and may open service requests for them.
  ticket: { rolesSeeingAll: internalRolesSeeingEveryCustomer.filter((role) => role !== 'finance'), rolesWithoutAccess: ['finance'], partners: 'linked' },
  // A fault's analysis is internal quality work: staff read it like its ticket, partners not at all.
  'fault-report': { rolesSeeingAll: internalRolesSeeingEveryCustomer.filter((role) => role !== 'finance'), rolesWithoutAccess: ['finance'], partners: 'none' },
  // Contacts, visits, surveys, orders and receivables are internal work: no partner reads them.
  'internal-record': { rolesSeeingAll: internalRolesSeeingEveryCustomer, rolesWithoutAccess: [], partners: 'none' },
};

/** Whether partners read records of this kind at all (then only for the customers linked to them). */
export function partnersRead(kind: ScopedRecordKind): boolean {
  return visibilityRules[kind].partners === 'linked';
}

/** Internal roles that serve every customer (service desk, finance, archive keepers, the general manager). */
export const rolesSeeingEveryCustomer: readonly Role[] = visibilityRules.customer.rolesSeeingAll;

/** True when every role of the caller is one this kind's rule bars (then no grant opens it either). */
export function barredFrom(caller: Caller, kind: ScopedRecordKind): boolean {
  const rule = visibilityRules[kind];
  return rule.rolesWithoutAccess.length > 0 && caller.roles.every((role) => rule.rolesWithoutAccess.includes(role));
}

/** What decides who may read a customer. */
export interface CustomerScope {
  customerId: string;
  ownerId: string;
  departmentId: string;
  /** Staff serving the customer (key customers have at least two); they read it like its owner. */
  assignedStaffIds: string[];
  /** Partners linked to the customer (only accounts knows them; absent elsewhere, so partners see nothing). */
  partnerIds?: string[];
}

/** The facts a visibility check needs; `customerId` only matters for per-customer grants. */
export type CustomerScopeFacts = Pick<CustomerScope, 'ownerId' | 'departmentId'> & Partial<Pick<CustomerScope, 'customerId' | 'assignedStaffIds' | 'partnerIds'>>;

/** An approved, time-limited permission to read beyond one's own scope: one customer, one consultant's, or a department's. */
export interface CustomerGrant {
  customerId?: string;
  ownerId?: string;
  departmentId?: string;
  expiresAt: Date;
}

/** True when the caller reads every record of the kind (no filter needed). Partners never do, whatever else they hold. */
export function seesEveryCustomer(caller: Caller, kind: ScopedRecordKind = 'customer'): boolean {
  return !isPartner(caller) && hasRole(caller, ...visibilityRules[kind].rolesSeeingAll);
}

/** Grants still in force at `now`; without `now` the grants are taken as already checked for expiry. */
export function grantsInForce(grants: readonly CustomerGrant[], now?: Date): CustomerGrant[] {
  return now ? grants.filter((grant) => grant.expiresAt.getTime() > now.getTime()) : [...grants];
}

export function grantCovers(grant: CustomerGrant, scope: CustomerScopeFacts): boolean {
  if (grant.customerId) return grant.customerId === scope.customerId;
  if (grant.ownerId) return grant.ownerId === scope.ownerId;
  return grant.departmentId !== undefined && grant.departmentId === scope.departmentId;
}

/**
 * Whether the caller may read a customer: partners only linked customers, where the kind lets them (never through grants); the all-seeing
 * roles every customer; a department manager their department's; a consultant their own and those they are
 * assigned staff of; anyone else (not a partner) through an approved grant in force at `now`.
 */
export function canSeeCustomerScope(caller: Caller, scope: CustomerScopeFacts, grants: readonly CustomerGrant[] = [], now?: Date, kind: ScopedRecordKind = 'customer'): boolean {
  if (isPartner(caller)) return partnersRead(kind) && Boolean(caller.partnerId && (scope.partnerIds ?? []).includes(caller.partnerId));
  if (barredFrom(caller, kind)) return false;
  if (seesEveryCustomer(caller, kind)) return true;
  if (hasRole(caller, 'department_manager') && caller.departmentId !== undefined && caller.departmentId === scope.departmentId) return true;
  if (hasRole(caller, 'consultant') && (scope.ownerId === caller.userId || (scope.assignedStaffIds ?? []).includes(caller.userId))) return true;
  return grantsInForce(grants, now).some((grant) => grantCovers(grant, scope));
}

export interface ScopeFilterOptions {
  /** Grants are compared with this instant (injected clock); without it they are taken as in force. */
  now?: Date;
  /** How a customer id is stored in `_id` (accounts stores ObjectIds; the scope copies store strings). */
  customerIdValue?: (customerId: string) => unknown;
  kind?: ScopedRecordKind;
}

/** Matches no document. */
const NOTHING = { _id: null };

/**
 * Mongo filter over a collection of customer scopes (`_id` = customer id, `ownerId`, `departmentId`,
 * `assignedStaffIds`, `partnerIds`) selecting what the caller may read; `{}` for the all-seeing roles.
 */
export function customerScopeFilter(caller: Caller, grants: readonly CustomerGrant[] = [], options: ScopeFilterOptions = {}): Record<string, unknown> {
  const kind = options.kind ?? 'customer';
  if (isPartner(caller)) return partnersRead(kind) && caller.partnerId ? { partnerIds: caller.partnerId } : NOTHING;
  if (barredFrom(caller, kind)) return NOTHING;
  if (seesEveryCustomer(caller, kind)) return {};
  const scopes: Record<string, unknown>[] = [];
  if (hasRole(caller, 'department_manager') && caller.departmentId) scopes.push({ departmentId: caller.departmentId });
  // Staff assigned to a (key) customer serve it and report their contacts, so they read it like its owner.
  if (hasRole(caller, 'consultant')) scopes.push({ ownerId: caller.userId }, { assignedStaffIds: caller.userId });
  const idValue = options.customerIdValue ?? ((id: string) => id);
  for (const grant of grantsInForce(grants, options.now)) scopes.push(grantScopeFilter(grant, idValue));
  if (scopes.length === 0) return NOTHING;
  return scopes.length === 1 ? scopes[0] : { $or: scopes };
}

/** Mongo filter for the customers one grant reaches. */
export function grantScopeFilter(grant: CustomerGrant, idValue: (customerId: string) => unknown = (id) => id): Record<string, unknown> {
  if (grant.customerId) return { _id: idValue(grant.customerId) };
  if (grant.ownerId) return { ownerId: grant.ownerId };
  return grant.departmentId ? { departmentId: grant.departmentId } : NOTHING;
}
