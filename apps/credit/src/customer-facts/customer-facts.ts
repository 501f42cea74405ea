import { customerCreatedV1, customerHandedOverV1, customerMergedV1, customerUpdatedV1, type EventData } from '@crm/contracts';
import { upsertUnlessNewer } from '@crm/data';
import type { CloudEvent } from '@crm/events';
import { defineSchemaLessPlugin, pluginToken } from '@crm/kernel';
import { Schema, type Connection, type Model } from 'mongoose';

/**
 * What credit knows of a customer beyond its read scope (libs/customer-scope): the lifecycle (a BAD or REMOVED
 * customer gets no order), the sales region and the owning consultant an order is booked for. Kept from accounts'
 * customer events, idempotently and never rolled back by a late event.
 */
export interface CustomerFactsRecord {
  _id: string;
  name: string;
  lifecycle: string;
  region: string | null;
  ownerId: string;
  departmentId: string;
  /** Set when accounts merged this customer into another: orders go to the survivor. */
  mergedInto?: string;
  asOf: Date;
}

const customerFactsSchema = new Schema<CustomerFactsRecord>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    lifecycle: { type: String, required: true },
    region: { type: String, default: null },
    ownerId: { type: String, required: true },
    departmentId: { type: String, required: true },
    mergedInto: { type: String },
    asOf: { type: Date, required: true },
  },
  { versionKey: false },
);

/** Lifecycles that refuse every order (docs/domain/accounts.md lifecycle; bad customers in docs/domain/credit.md). */
export const refusingLifecycles = { BAD: 'CUSTOMER_BAD', REMOVED: 'CUSTOMER_REMOVED' } as const;

export class CustomerFacts {
  constructor(readonly model: Model<CustomerFactsRecord>) {}

  /** The facts of a customer, following a merge to its survivor; null when accounts never announced it. */
  async find(customerId: string): Promise<CustomerFactsRecord | null> {
    let facts = await this.model.findById(customerId).lean<CustomerFactsRecord>();
    for (let hops = 0; facts?.mergedInto && hops < 5; hops += 1) facts = await this.model.findById(facts.mergedInto).lean<CustomerFactsRecord>();
    return facts;
  }

  async findMany(customerIds: readonly string[]): Promise<Map<string, CustomerFactsRecord>> {
    const rows = await this.model.find({ _id: { $in: [...new Set(customerIds)] } }).lean<CustomerFactsRecord[]>();
    return new Map(rows.map((row) => [row._id, row]));
  }

  /** Every customer credit knows that is not merged away, in id order (the ABC run's universe). */
  async allActiveIds(): Promise<string[]> {
    const rows = await this.model.find({ mergedInto: { $exists: false }, lifecycle: { $ne: 'REMOVED' } }, { _id: 1 }).sort({ _id: 1 }).lean<Pick<CustomerFactsRecord, '_id'>[]>();
    return rows.map((row) => row._id);
  }

  async applySnapshot(event: CloudEvent<Pick<EventData<typeof customerCreatedV1>, 'customer'>>): Promise<void> {
    const { customer } = event.data;
    await upsertUnlessNewer(this.model, customer.id, { name: customer.name, lifecycle: customer.lifecycle, region: customer.region, ownerId: customer.ownerConsultantId, departmentId: customer.departmentId }, 'asOf', new Date(event.time));
  }

  async applyHandover(event: CloudEvent<EventData<typeof customerHandedOverV1>>): Promise<void> {
    const { customerId, toConsultantId, toDepartmentId, handedOverAt } = event.data;
    // Only an update: a handover never creates the customer (its snapshot event does).
    await this.model.updateOne({ _id: customerId, asOf: { $lte: new Date(handedOverAt) } }, { $set: { ownerId: toConsultantId, departmentId: toDepartmentId, asOf: new Date(handedOverAt) } });
  }

  async applyMerge(event: CloudEvent<EventData<typeof customerMergedV1>>): Promise<void> {
    const { duplicateId, survivorId } = event.data;
    await this.model.updateOne({ _id: duplicateId }, { $set: { mergedInto: survivorId } });
  }
}

export const customerFactsToken = pluginToken<CustomerFacts>('credit.customer-facts');

/** credit's copy of each customer's lifecycle, region and owner, from accounts' events. */
export const customerFactsPlugin = defineSchemaLessPlugin({
  name: 'customer-facts',
  provides: [customerFactsToken],
  sdl: [],
  register({ connection, provide }) {
    const facts = new CustomerFacts(customerFactsModel(connection));
    provide(customerFactsToken, facts);
    return {
      models: [facts.model],
      eventHandlers: [
        { contract: customerCreatedV1, durable: 'credit-customer-facts-created', handle: (event) => facts.applySnapshot(event) },
        { contract: customerUpdatedV1, durable: 'credit-customer-facts-updated', handle: (event) => facts.applySnapshot(event) },
        { contract: customerHandedOverV1, durable: 'credit-customer-facts-handed-over', handle: (event) => facts.applyHandover(event) },
        { contract: customerMergedV1, durable: 'credit-customer-facts-merged', handle: (event) => facts.applyMerge(event) },
      ],
    };
  },
});

export function customerFactsModel(connection: Connection): Model<CustomerFactsRecord> {
  return connection.model<CustomerFactsRecord>('CreditCustomerFacts', customerFactsSchema, 'credit_customer_facts');
}
