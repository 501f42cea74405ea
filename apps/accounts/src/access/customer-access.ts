import { isPartner, type Caller } from '@crm/auth';
import type { ContactRecord, CustomerRecord } from '../customers/customer.model';
import { canEditCustomer, canSeeCustomer, maskContactForPartner, visibleCustomersFilter } from './customer-access-rules';

/** A time-limited permission to read customers beyond the caller's own scope (DOMAIN.md §1, 客户档案查阅). */
export interface AccessGrantScope {
  ownerId?: string;
  departmentId?: string;
  customerId?: string;
  expiresAt: Date;
}

/** Where a caller's active grants come from; expired grants are never returned. */
export interface GrantSource {
  activeGrants(caller: Caller, now: Date): Promise<AccessGrantScope[]>;
}

/** Where reads of personal data are recorded. */
export interface PersonalDataAudit {
  recordRead(caller: Caller, customerId: string, fields: string[]): void;
}

type CustomerScope = Pick<CustomerRecord, '_id' | 'ownerId' | 'departmentId' | 'partnerIds'>;

/**
 * One caller's view of the archive for one request: the same rules on `customer`, `customers`,
 * `_entities` and history. Grants are read once per request.
 */
export class CustomerAccess {
  private grants?: Promise<AccessGrantScope[]>;

  constructor(
    readonly caller: Caller,
    private readonly source: GrantSource,
    private readonly audit: PersonalDataAudit,
    private readonly now: () => Date,
  ) {}

  get isPartner(): boolean {
    return isPartner(this.caller);
  }

  /** Mongo filter for the customers this caller may read. */
  async filter(): Promise<Record<string, unknown>> {
    const own = visibleCustomersFilter(this.caller);
    const grants = await this.activeGrants();
    if (grants.length === 0 || this.isPartner) return own;
    return { $or: [own, ...grants.map(grantFilter)] };
  }

  async canRead(customer: CustomerScope): Promise<boolean> {
    if (canSeeCustomer(this.caller, customer)) return true;
    if (this.isPartner) return false;
    return (await this.activeGrants()).some((grant) => grantCovers(grant, customer));
  }

  canEdit(customer: Pick<CustomerRecord, 'ownerId' | 'departmentId'>): boolean {
    return canEditCustomer(this.caller, customer);
  }

  /** Contacts as this caller may see them; unmasked reads of personal data are audited. */
  contactsOf(customer: Pick<CustomerRecord, '_id' | 'contacts'>): ContactRecord[] {
    if (this.isPartner) return customer.contacts.map(maskContactForPartner);
    const personal = customer.contacts.some((c) => c.phone || c.email);
    if (personal) this.audit.recordRead(this.caller, String(customer._id), ['contacts.phone', 'contacts.email']);
    return customer.contacts;
  }

  private activeGrants(): Promise<AccessGrantScope[]> {
    this.grants ??= this.source.activeGrants(this.caller, this.now());
    return this.grants;
  }
}

function grantFilter(grant: AccessGrantScope): Record<string, unknown> {
  if (grant.customerId) return { _id: grant.customerId };
  if (grant.ownerId) return { ownerId: grant.ownerId };
  return { departmentId: grant.departmentId };
}

function grantCovers(grant: AccessGrantScope, customer: CustomerScope): boolean {
  if (grant.customerId) return grant.customerId === String(customer._id);
  if (grant.ownerId) return grant.ownerId === customer.ownerId;
  return grant.departmentId === customer.departmentId;
}
