import { Schema } from 'mongoose';
import type { CustomerSchemaPart } from '../customers/customer-schema';

/** The customer's first purchase, as credit announced the delivery: a prospect who bought has converted. */
export interface FirstPurchaseRecord {
  at: Date;
  orderId: string;
}

declare module '../customers/customer.model' {
  interface CustomerRecord {
    firstPurchase?: FirstPurchaseRecord | null;
  }
}

const firstPurchaseSchema = new Schema<FirstPurchaseRecord>({ at: { type: Date, required: true }, orderId: { type: String, required: true } }, { _id: false });

export const acquisitionSchemaPart: CustomerSchemaPart = {
  plugin: 'acquisition',
  fields: { firstPurchase: { type: firstPurchaseSchema, default: null } },
  indexes(schema) {
    // newCustomers / conversionRate: a batch of owners' (departments') customers created in a period.
    schema.index({ ownerId: 1, createdAt: 1 });
    schema.index({ departmentId: 1, createdAt: 1 });
  },
};
