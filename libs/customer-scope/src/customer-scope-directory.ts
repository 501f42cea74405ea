import { isPartner, type Caller } from '@crm/auth';
import { accessApprovedV1, accessRevokedV1, customerCreatedV1, customerHandedOverV1, customerMergedV1, customerUpdatedV1, type AccessScopePayload, type EventData } from '@crm/contracts';
import { upsertUnlessNewer } from '@crm/data';
import { Schema, type Connection, type Model } from 'mongoose';
import { customerScopeFilter, partnersRead, seesEveryCustomer, type CustomerGrant, type ScopedRecordKind } from './visibility-rules';

/*
 * A service's own copy of who may read each customer, kept from accounts' events (ADR 0003: authorization
 * lives next to the data). Services holding customer-scoped records (engagement, surveys, credit) filter every
 * read through it with the rule table of @crm/auth, so no read has to ask accounts.
 *
 * Until accounts announces a customer, no scope exists for it here: it is INVISIBLE to scoped roles (consultants,
 * department managers, grant holders) and visible only to the roles that see every customer.
 */

/** The events as delivered: only their time and data matter here. */
interface Delivered<D> {
  time: string;
  data: D;
}

/** One customer's scope as last announced by accounts. */
export interface CustomerScopeRecord {
  /** The customer id. */
  _id: string;
  ownerId: string;
  departmentId: string;
  assignedStaffIds: string[];
  /** Partners linked to the customer: they read its records where the kind's rule lets them (tickets). */
  partnerIds: string[];
  /** Set when this customer was merged into another one: it now reads like the survivor. */
  mergedInto?: string;
  /** Time of the accounts event this copy reflects; older events never overwrite newer ones. */
  asOf: Date;
}

/** An access grant (客户档案查阅) as accounts announced it. */
export interface AccessGrantProjectionRecord {
  /** The access request id. */
  _id: string;
  requesterId: string;
  customerId?: string | null;
  ownerId?: string | null;
  departmentId?: string | null;
  expiresAt?: Date;
  approvedAt?: Date;
  /** A revoke may arrive before the approval it revokes: then the approval never opens the grant. */
  revoked?: boolean;
}

const customerScopeSchema = new Schema<CustomerScopeRecord>(
  {
    _id: { type: String, required: true },
    ownerId: { type: String, required: true },
    departmentId: { type: String, required: true },
    assignedStaffIds: { type: [String], default: [] },
    partnerIds: { type: [String], default: [] },
    mergedInto: { type: String },
    asOf: { type: Date, required: true },
  },
  { versionKey: false },
);
customerScopeSchema.index({ ownerId: 1 });
customerScopeSchema.index({ departmentId: 1 });
customerScopeSchema.index({ mergedInto: 1 });
// A partner's linked customers (service-desk's partner slice).
customerScopeSchema.index({ partnerIds: 1 });

const accessGrantSchema = new Schema<AccessGrantProjectionRecord>(
  {
    _id: { type: String, required: true },
    requesterId: { type: String, required: true },
    customerId: { type: String },
    ownerId: { type: String },
    departmentId: { type: String },
    expiresAt: { type: Date },
    approvedAt: { type: Date },
    revoked: { type: Boolean },
  },
  { versionKey: false },
);
// activeGrants: one caller's grants, once per request.
accessGrantSchema.index({ requesterId: 1 });

/** What a caller may read: every customer, or only the listed ones. */
export type VisibleCustomers = { unrestricted: true } | { unrestricted: false; customerIds: string[] };

type CustomerSnapshotEvent = Delivered<Pick<EventData<typeof customerCreatedV1>, 'customer'>>;

export class CustomerScopeDirectory {
  readonly scopes: Model<CustomerScopeRecord>;
  readonly grants: Model<AccessGrantProjectionRecord>;
  /** A caller object lives for one request: its grants are read once per request, not once per batch. */
  private readonly grantsByRequest = new WeakMap<Caller, Promise<CustomerGrant[]>>();
  private readonly visibilityByRequest = new WeakMap<Caller, Map<string, Promise<boolean>>>();

  /** `kind`: whose visibility rule applies to the records this service keeps (a row of `visibilityRules`). */
  constructor(
    connection: Connection,
    readonly kind: ScopedRecordKind = 'internal-record',
  ) {
    this.scopes = connection.models.CustomerScope ?? connection.model<CustomerScopeRecord>('CustomerScope', customerScopeSchema, 'customer_scopes');
    this.grants = connection.models.AccessGrantProjection ?? connection.model<AccessGrantProjectionRecord>('AccessGrantProjection', accessGrantSchema, 'access_grants_projection');
  }

  /** The models a plugin registers (indexes are created at start). */
  get models(): [Model<CustomerScopeRecord>, Model<AccessGrantProjectionRecord>] {
    return [this.scopes, this.grants];
  }

  /** customer.created / customer.updated: idempotent, and a late (older) event never rolls the copy back. */
  async applyCustomer(event: CustomerSnapshotEvent): Promise<void> {
    const { customer } = event.data;
    // Events written before partner links were announced carry none: the copy keeps what it knew.
    const links = customer.partnerIds ? { partnerIds: customer.partnerIds } : {};
    await this.upsert(customer.id, { ownerId: customer.ownerConsultantId, departmentId: customer.departmentId, assignedStaffIds: customer.assignedStaffIds ?? [], ...links }, new Date(event.time));
  }

  /**
   * customer.handed-over: the new owner (and department) reads it, the old one no longer does; the replacement
   * takes the leaver's place among the assigned staff, as accounts does.
   */
  async applyHandover(event: Delivered<EventData<typeof customerHandedOverV1>>): Promise<void> {
    const { customerId, fromConsultantId, toConsultantId, toDepartmentId, handedOverAt } = event.data;
    const current = await this.scopes.findById(customerId).lean<CustomerScopeRecord>();
    const staff = [...new Set([toConsultantId, ...(current?.assignedStaffIds ?? []).map((id) => (id === fromConsultantId ? toConsultantId : id))])];
    await this.upsert(customerId, { ownerId: toConsultantId, departmentId: toDepartmentId, assignedStaffIds: staff }, new Date(handedOverAt));
  }

  /** customer.merged: records kept under the duplicate's id now read like the survivor. */
  async applyMerge(event: Delivered<EventData<typeof customerMergedV1>>): Promise<void> {
    const { survivorId, duplicateId, survivorOwnerConsultantId, survivorDepartmentId, mergedAt } = event.data;
    const asOf = new Date(mergedAt);
    await this.upsert(survivorId, { ownerId: survivorOwnerConsultantId, departmentId: survivorDepartmentId }, asOf);
    const survivor = await this.scopes.findById(survivorId).lean<CustomerScopeRecord>();
    await this.upsert(duplicateId, { ownerId: survivor!.ownerId, departmentId: survivor!.departmentId, assignedStaffIds: survivor!.assignedStaffIds, partnerIds: survivor!.partnerIds ?? [] }, asOf);
    // The pointer is set whatever the times: a merged record never comes back (accounts removes the duplicate).
    await this.scopes.updateOne({ _id: duplicateId }, { $set: { mergedInto: survivorId } });
  }

  /** access.approved: the requester reads the grant's scope until it expires (or is revoked). */
  async applyAccessApproved(event: Delivered<EventData<typeof accessApprovedV1>>): Promise<void> {
    const { requestId, requesterId, scope, approvedAt, expiresAt } = event.data;
    await this.grants.updateOne(
      { _id: requestId },
      { $set: { requesterId, ...grantScopeOf(scope), approvedAt: new Date(approvedAt), expiresAt: new Date(expiresAt) } },
      { upsert: true },
    );
  }

  /** access.revoked: closes the grant for good, even when the approval is delivered after it. */
  async applyAccessRevoked(event: Delivered<EventData<typeof accessRevokedV1>>): Promise<void> {
    const { requestId, requesterId } = event.data;
    await this.grants.updateOne({ _id: requestId }, { $set: { requesterId, revoked: true } }, { upsert: true });
  }

  /** The caller's grants in force at `now`: approved, not revoked, `expiresAt` after `now`. */
  async activeGrants(caller: Caller, now: Date): Promise<CustomerGrant[]> {
    if (isPartner(caller)) return [];
    const rows = await this.grants
      .find({ requesterId: caller.userId, approvedAt: { $exists: true }, revoked: { $ne: true }, expiresAt: { $gt: now } })
      .lean<AccessGrantProjectionRecord[]>();
    return rows.map((row) => ({ customerId: row.customerId ?? undefined, ownerId: row.ownerId ?? undefined, departmentId: row.departmentId ?? undefined, expiresAt: row.expiresAt! }));
  }

  /**
   * Which of `candidateIds` the caller may read: one query on the scopes for the whole batch (plus, for scoped
   * roles, the caller's grants once per request). The all-seeing roles need no query; partners see their linked
   * customers where the kind's rule lets them (tickets), nothing otherwise.
   */
  async visibleCustomerIds(caller: Caller, candidateIds: readonly string[], now: Date): Promise<Set<string>> {
    if (seesEveryCustomer(caller, this.kind)) return new Set(candidateIds);
    if ((isPartner(caller) && !partnersRead(this.kind)) || candidateIds.length === 0) return new Set();
    // Answers are remembered for the request, so loaders batching the same customers (a customer's responses
    // and its score) share one scope query.
    let known = this.visibilityByRequest.get(caller);
    if (!known) this.visibilityByRequest.set(caller, (known = new Map()));
    const missing = [...new Set(candidateIds)].filter((id) => !known.has(id));
    if (missing.length > 0) {
      const visible = this.grantsOf(caller, now).then(async (grants) => {
        const rows = await this.scopes
          .find({ $and: [{ _id: { $in: missing } }, customerScopeFilter(caller, grants, { now, kind: this.kind })] }, { _id: 1 })
          .lean<Pick<CustomerScopeRecord, '_id'>[]>();
        return new Set(rows.map((row) => row._id));
      });
      for (const id of missing) known.set(id, visible.then((ids) => ids.has(id)));
    }
    const answers = await Promise.all(candidateIds.map(async (id) => [id, await known.get(id)!] as const));
    return new Set(answers.filter(([, visible]) => visible).map(([id]) => id));
  }

  /** The department of each customer this copy knows, by customer id (an unknown one is absent). */
  async departmentsOf(customerIds: readonly string[]): Promise<Map<string, string>> {
    if (customerIds.length === 0) return new Map();
    const rows = await this.scopes.find({ _id: { $in: [...new Set(customerIds)] } }, { departmentId: 1 }).lean<Pick<CustomerScopeRecord, '_id' | 'departmentId'>[]>();
    return new Map(rows.map((row) => [row._id, row.departmentId]));
  }

  /** Whether the caller may read one customer (a mutation's target). */
  async canSee(caller: Caller, customerId: string, now: Date): Promise<boolean> {
    return (await this.visibleCustomerIds(caller, [customerId], now)).has(customerId);
  }

  /**
   * For list queries: `{ unrestricted: true }` for the all-seeing roles (no `customerId` condition at all, so
   * records of customers accounts has not announced yet stay visible to them), otherwise the ids of every
   * announced customer the caller may read (use as `customerId: { $in: customerIds }`). A list of ids rather
   * than a Mongo filter keeps the scope collection a private detail of this class and needs no `$lookup`;
   * a consultant's or a department's customers are a few hundred at most.
   */
  async filterFor(caller: Caller, now: Date): Promise<VisibleCustomers> {
    if (seesEveryCustomer(caller, this.kind)) return { unrestricted: true };
    if (isPartner(caller) && !partnersRead(this.kind)) return { unrestricted: false, customerIds: [] };
    const grants = await this.grantsOf(caller, now);
    const rows = await this.scopes.find(customerScopeFilter(caller, grants, { now, kind: this.kind }), { _id: 1 }).lean<Pick<CustomerScopeRecord, '_id'>[]>();
    return { unrestricted: false, customerIds: rows.map((row) => row._id) };
  }

  private grantsOf(caller: Caller, now: Date): Promise<CustomerGrant[]> {
    let grants = this.grantsByRequest.get(caller);
    if (!grants) {
      grants = this.activeGrants(caller, now);
      this.grantsByRequest.set(caller, grants);
    }
    return grants;
  }

  private async upsert(customerId: string, fields: Partial<Omit<CustomerScopeRecord, '_id' | 'asOf'>> & Pick<CustomerScopeRecord, 'ownerId' | 'departmentId'>, asOf: Date): Promise<void> {
    await upsertUnlessNewer(this.scopes, customerId, fields, 'asOf', asOf, { assignedStaffIds: [], partnerIds: [] });
    // Customers merged into this one read like it.
    await this.scopes.updateMany(
      { mergedInto: customerId, asOf: { $lte: asOf } },
      { $set: { ownerId: fields.ownerId, departmentId: fields.departmentId, ...(fields.assignedStaffIds ? { assignedStaffIds: fields.assignedStaffIds } : {}), ...(fields.partnerIds ? { partnerIds: fields.partnerIds } : {}), asOf } },
    );
  }
}

function grantScopeOf(scope: AccessScopePayload): Pick<AccessGrantProjectionRecord, 'customerId' | 'ownerId' | 'departmentId'> {
  switch (scope.kind) {
    case 'CUSTOMER':
      return { customerId: scope.customerId, ownerId: null, departmentId: null };
    case 'CONSULTANT':
      return { customerId: null, ownerId: scope.consultantId, departmentId: null };
    default:
      return { customerId: null, ownerId: null, departmentId: scope.departmentId };
  }
}

/**
 * The consumers that keep a directory current, with durable names `<service>-customer-scope-<event>`; a
 * service's customer-scope plugin returns them as its event handlers.
 */
export function customerScopeEventHandlers(directory: CustomerScopeDirectory, service: string) {
  const durable = (event: string) => `${service}-customer-scope-${event}`;
  return [
    { contract: customerCreatedV1, durable: durable('created'), handle: (event: CustomerSnapshotEvent) => directory.applyCustomer(event) },
    { contract: customerUpdatedV1, durable: durable('updated'), handle: (event: CustomerSnapshotEvent) => directory.applyCustomer(event) },
    { contract: customerHandedOverV1, durable: durable('handed-over'), handle: (event: Delivered<EventData<typeof customerHandedOverV1>>) => directory.applyHandover(event) },
    { contract: customerMergedV1, durable: durable('merged'), handle: (event: Delivered<EventData<typeof customerMergedV1>>) => directory.applyMerge(event) },
    { contract: accessApprovedV1, durable: durable('access-approved'), handle: (event: Delivered<EventData<typeof accessApprovedV1>>) => directory.applyAccessApproved(event) },
    { contract: accessRevokedV1, durable: durable('access-revoked'), handle: (event: Delivered<EventData<typeof accessRevokedV1>>) => directory.applyAccessRevoked(event) },
  ];
}
