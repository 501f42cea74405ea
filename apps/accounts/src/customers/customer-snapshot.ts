import type { customerCreatedV1, EventData } from '@crm/contracts';
import type { CustomerCoreRecord } from './customer.model';

export type CustomerSnapshot = EventData<typeof customerCreatedV1>['customer'];

// The classification axes are in the contract but not in the core record: a customer without them gets the defaults.
type SnapshotSource = Pick<CustomerCoreRecord, '_id' | 'name' | 'kind' | 'lifecycle' | 'ownerId' | 'departmentId' | 'region'> &
  Partial<Pick<CustomerSnapshot, 'importance' | 'category' | 'assignedStaffIds'>> &
  Partial<Pick<CustomerCoreRecord, 'individual' | 'partnerIds'>> & { filing?: { filedAt?: Date | null } | null };

/** What every service keeps of a customer (customer.created / customer.updated). */
export function snapshot(customer: SnapshotSource): CustomerSnapshot {
  return {
    id: String(customer._id),
    name: customer.name,
    kind: customer.kind,
    lifecycle: customer.lifecycle,
    ownerConsultantId: customer.ownerId,
    departmentId: customer.departmentId,
    region: customer.region ?? null,
    importance: customer.importance ?? 'GENERAL',
    category: customer.category ?? 'POTENTIAL',
    assignedStaffIds: customer.assignedStaffIds ?? [customer.ownerId],
    birthday: customer.kind === 'INDIVIDUAL' ? (customer.individual?.birthday ?? null) : null,
    // A customer without a filing record predates the deadline and counts as filed (filing-rules filingOf).
    filed: customer.filing ? Boolean(customer.filing.filedAt) : true,
    partnerIds: customer.partnerIds ?? [],
  };
}

export function sameSnapshot(a: CustomerSnapshot, b: CustomerSnapshot): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
