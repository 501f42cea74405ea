import { isPartner, type Caller } from '@crm/auth';
import { Types } from 'mongoose';
import type { ContactRecord, CustomerRecord } from '../customers/customer.model';
import type { PersonalDataReadRecord } from './personal-data-read.model';
import { canEditCustomer, canSeeCustomer, maskContactForPartner, maskPersonalValue, visibleCustomersFilter } from './customer-access-rules';
import { grantScopeFilter, grantCovers as grantCoversScope } from '@crm/customer-scope';

/** A time-limited permission to read customers beyond the caller's own scope (docs/domain/accounts.md, 客户档案查阅). */
export interface AccessGrantScope {
  /** The access request the grant came from (recorded with every personal-data read it allowed). */
  grantId?: string;
  ownerId?: string;
  departmentId?: string;
  customerId?: string;
  expiresAt: Date;
}

/** Where a caller's active grants come from; expired and revoked grants are never returned. */
export interface GrantSource {
  activeGrants(caller: Caller, now: Date): Promise<AccessGrantScope[]>;
}

/** One read of personal data, as handed to the audit (the stored record before it gets its id). */
export type PersonalDataReadEntry = Omit<PersonalDataReadRecord, '_id'>;

/** Where reads of personal data are recorded; must not block or fail the read (it buffers). */
export interface PersonalDataAudit {
  recordRead(read: PersonalDataReadEntry): void;
}

type CustomerScope = Pick<CustomerRecord, '_id' | 'ownerId' | 'departmentId' | 'partnerIds'>;
/** What an audited read needs to know about the customer. */
export type AuditedCustomer = Pick<CustomerRecord, '_id' | 'ownerId' | 'departmentId'>;

/**
 * One caller's view of the archive for one request: the same rules on `customer`, `customers`,
 * `_entities` and history. Grants are read once per request (one query), and only when the caller's own
 * scope does not already answer the question.
 */
export class CustomerAccess {
  private grants?: Promise<AccessGrantScope[]>;
  private settledGrants: AccessGrantScope[] = [];
  /** `customerId field` pairs already handed to the audit in this request. */
  private readonly audited = new Set<string>();

  constructor(
    readonly caller: Caller,
    private readonly source: GrantSource,
    private readonly audit: PersonalDataAudit,
    private readonly now: () => Date,
    readonly requestId = 'unknown',
  ) {}

  get isPartner(): boolean {
    return isPartner(this.caller);
  }

  /** Mongo filter for the customers this caller may read. */
  async filter(): Promise<Record<string, unknown>> {
    const own = visibleCustomersFilter(this.caller);
    // Partners never hold grants; callers who see every customer need none.
    if (this.isPartner || Object.keys(own).length === 0) return own;
    const grants = await this.activeGrants();
    if (grants.length === 0) return own;
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

  /** Contacts as this caller may see them; unmasked phone and email are audited (only the fields present). */
  contactsOf(customer: AuditedCustomer & Pick<CustomerRecord, 'contacts'>): ContactRecord[] {
    if (this.isPartner) return customer.contacts.map(maskContactForPartner);
    const fields: string[] = [];
    if (customer.contacts.some((c) => c.phone)) fields.push('contacts.phone');
    if (customer.contacts.some((c) => c.email)) fields.push('contacts.email');
    this.recordRead(customer, fields);
    return customer.contacts;
  }

  /**
   * Any other personal field (an individual's birthday, gender, age…), as this caller may see it: audited for
   * internal callers; for partners withheld (null), or with `mask: 'partial'` a string keeps only its first
   * and last character (free text such as a phone number; never use it for enums or dates).
   */
  personalField<T>(customer: AuditedCustomer, field: string, value: T | null | undefined, options: { mask?: 'withhold' | 'partial' } = {}): T | null {
    if (value === null || value === undefined) return null;
    if (this.isPartner) return options.mask === 'partial' ? maskPersonalValue(value) : null;
    this.recordRead(customer, [field]);
    return value;
  }

  private recordRead(customer: AuditedCustomer, fields: string[]): void {
    const customerId = String(customer._id);
    const fresh = fields.filter((field) => !this.audited.has(`${customerId} ${field}`));
    if (fresh.length === 0) return;
    fresh.forEach((field) => this.audited.add(`${customerId} ${field}`));
    const grant = canSeeCustomer(this.caller, { ...customer, partnerIds: [] }) ? undefined : this.settledGrants.find((g) => grantCovers(g, customer));
    this.audit.recordRead({
      at: this.now(),
      readerId: this.caller.userId,
      readerRoles: [...this.caller.roles],
      customerId,
      departmentId: customer.departmentId,
      ownerId: customer.ownerId,
      fields: fresh,
      requestId: this.requestId,
      grantId: grant?.grantId ?? null,
    });
  }

  private activeGrants(): Promise<AccessGrantScope[]> {
    this.grants ??= this.source.activeGrants(this.caller, this.now()).then((grants) => (this.settledGrants = grants));
    return this.grants;
  }
}

function grantFilter(grant: AccessGrantScope): Record<string, unknown> {
  return grantScopeFilter(grant, (id) => new Types.ObjectId(id));
}

function grantCovers(grant: AccessGrantScope, customer: AuditedCustomer): boolean {
  return grantCoversScope(grant, { customerId: String(customer._id), ownerId: customer.ownerId, departmentId: customer.departmentId });
}
