import type { customerCreatedV1, EventData } from '@crm/contracts';
import type { CloudEvent } from '@crm/events';
import type { Model } from 'mongoose';
import type { KnownCustomerRecord } from './known-customer.model';

type CustomerSnapshot = EventData<typeof customerCreatedV1>['customer'];

/** Keeps the customers service-desk may open tickets for, as accounts announces them. */
export class CustomerDirectory {
  constructor(private readonly customers: Model<KnownCustomerRecord>) {}

  /** Idempotent and order-tolerant: a redelivered or late event never rolls the copy back. */
  async apply(event: CloudEvent<{ customer: CustomerSnapshot }>): Promise<void> {
    const { customer } = event.data;
    const asOf = new Date(event.time);
    const fields = { name: customer.name, ownerId: customer.ownerConsultantId, departmentId: customer.departmentId, lifecycle: customer.lifecycle, asOf };
    const updated = await this.customers.updateOne({ _id: customer.id, asOf: { $lte: asOf } }, { $set: fields });
    if (updated.matchedCount === 0 && !(await this.customers.exists({ _id: customer.id }))) {
      await this.customers.create({ _id: customer.id, ...fields }).catch((error: { code?: number }) => {
        // A concurrent delivery created it first; the newer of the two wins through the guarded update.
        if (error.code !== 11000) throw error;
      });
    }
  }

  find(id: string): Promise<KnownCustomerRecord | null> {
    return this.customers.findById(id).lean<KnownCustomerRecord>();
  }
}
