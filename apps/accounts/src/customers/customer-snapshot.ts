import type { customerCreatedV1, EventData } from '@crm/contracts';
import type { CustomerRecord } from './customer.model';

export type CustomerSnapshot = EventData<typeof customerCreatedV1>['customer'];

type SnapshotSource = Pick<CustomerRecord, '_id' | 'name' | 'kind' | 'lifecycle' | 'ownerId' | 'departmentId' | 'region' | 'importance' | 'category' | 'assignedStaffIds'>;

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
  };
}

export function sameSnapshot(a: CustomerSnapshot, b: CustomerSnapshot): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
