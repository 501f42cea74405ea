import type { customerCreatedV1, customerHandedOverV1, customerMergedV1, EventData } from '@crm/contracts';
import { upsertUnlessNewer } from '@crm/data';
import type { CloudEvent } from '@crm/events';
import type { Model } from 'mongoose';
import { z } from 'zod';
import type { KnownCustomerRecord } from './known-customer.model';

type CustomerSnapshot = EventData<typeof customerCreatedV1>['customer'];

/**
 * Accounts' customer snapshot does not carry the importance (key / general) yet. Read an optional
 * `importance: 'KEY' | 'GENERAL'` when a snapshot has one; anything else counts as GENERAL.
 */
const importanceInSnapshot = z.object({ importance: z.enum(['KEY', 'GENERAL']).optional().catch(undefined) });

export function importanceOf(customer: object): 'KEY' | 'GENERAL' {
  return importanceInSnapshot.parse(customer).importance ?? 'GENERAL';
}

/** Who now owns a customer, as of an accounts event; records scoped like the customer follow it. */
export interface CustomerScope {
  customerId: string;
  ownerId: string;
  departmentId: string;
  /** Time of the accounts event: a scope older than what a record already has never rolls it back. */
  asOf: Date;
  /** Set when the customer was merged into another one: records move to the survivor. */
  mergedFromId?: string;
}

export type CustomerScopeFollower = (scope: CustomerScope) => Promise<void>;

/** Keeps the customers service-desk may open tickets for, as accounts announces them. */
export class CustomerDirectory {
  private readonly followers: CustomerScopeFollower[] = [];

  constructor(private readonly customers: Model<KnownCustomerRecord>) {}

  /**
   * Records scoped like their customer (tickets, fault reports) register here. Followers run on every delivery
   * of an event that sets a customer's owner, not only when the copy changed, so a crash between the copy's
   * write and a follower's is repaired by the redelivery.
   */
  followScope(follower: CustomerScopeFollower): void {
    this.followers.push(follower);
  }

  /** customer.created / customer.updated. Idempotent and order-tolerant: a late event never rolls the copy back. */
  async apply(event: CloudEvent<{ customer: CustomerSnapshot }>): Promise<void> {
    await this.upsert(event);
    const { customer } = event.data;
    await this.notify({ customerId: customer.id, ownerId: customer.ownerConsultantId, departmentId: customer.departmentId, asOf: new Date(event.time) });
  }

  /** customer.handed-over: a new owner (and maybe department) for the customer and everything scoped like it. */
  async applyHandover(event: CloudEvent<EventData<typeof customerHandedOverV1>>): Promise<void> {
    const { customerId, toConsultantId, toDepartmentId, handedOverAt } = event.data;
    const asOf = new Date(handedOverAt);
    await this.customers.updateOne({ _id: customerId, asOf: { $lte: asOf } }, { $set: { ownerId: toConsultantId, departmentId: toDepartmentId, asOf } });
    await this.notify({ customerId, ownerId: toConsultantId, departmentId: toDepartmentId, asOf });
  }

  /** customer.merged: the duplicate takes no new tickets; what was recorded against it moves to the survivor. */
  async applyMerge(event: CloudEvent<EventData<typeof customerMergedV1>>): Promise<void> {
    const { survivorId, duplicateId, survivorOwnerConsultantId, survivorDepartmentId, mergedAt } = event.data;
    const asOf = new Date(mergedAt);
    await this.customers.updateOne({ _id: duplicateId }, { $set: { lifecycle: 'REMOVED' } });
    await this.notify({ customerId: survivorId, ownerId: survivorOwnerConsultantId, departmentId: survivorDepartmentId, asOf, mergedFromId: duplicateId });
  }

  private async notify(scope: CustomerScope): Promise<void> {
    for (const follower of this.followers) await follower(scope);
  }

  private async upsert(event: CloudEvent<{ customer: CustomerSnapshot }>): Promise<void> {
    const { customer } = event.data;
    const asOf = new Date(event.time);
    const fields = { name: customer.name, ownerId: customer.ownerConsultantId, departmentId: customer.departmentId, lifecycle: customer.lifecycle, importance: importanceOf(customer) };
    await upsertUnlessNewer(this.customers, customer.id, fields, 'asOf', asOf);
  }

  find(id: string): Promise<KnownCustomerRecord | null> {
    return this.customers.findById(id).lean<KnownCustomerRecord>().exec();
  }

  /** How many customers (not removed from the archive) each consultant owns: one query for the batch. */
  async countOwnedBy(consultantIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.customers
      .aggregate<{ _id: string; count: number }>([{ $match: { ownerId: { $in: [...consultantIds] }, lifecycle: { $ne: 'REMOVED' } } }, { $group: { _id: '$ownerId', count: { $sum: 1 } } }]);
    return new Map(rows.map((row) => [row._id, row.count]));
  }

  /** Customers per department (removed ones left out): the denominator of a department's complaint rate. */
  async countInDepartments(departmentIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.customers
      .aggregate<{ _id: string; count: number }>([{ $match: { departmentId: { $in: [...departmentIds] }, lifecycle: { $ne: 'REMOVED' } } }, { $group: { _id: '$departmentId', count: { $sum: 1 } } }]);
    return new Map(rows.map((row) => [row._id, row.count]));
  }
}
