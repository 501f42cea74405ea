import { Schema } from 'mongoose';
import type { CustomerSchemaPart } from '../customers/customer-schema';
import type { KnownBadCustomerCase } from './bad-customer-case-rules';

declare module '../customers/customer.model' {
  /** credit's bad-customer cases accounts has applied to the customer (docs/domain/accounts.md, bad customers). */
  interface CustomerRecord {
    badCustomerCases?: KnownBadCustomerCase[];
  }
}

const knownCaseSchema = new Schema<KnownBadCustomerCase>(
  {
    caseId: { type: String, required: true },
    status: { type: String, enum: ['OPEN', 'CLOSED'], required: true },
    relationshipEnded: { type: Boolean, default: null },
    at: { type: Date, required: true },
  },
  { _id: false },
);

/** The cases on the customer document: a customer has few, and keeping them there makes each event one write. */
export const badCustomerCasesSchemaPart: CustomerSchemaPart = {
  plugin: 'bad-customer-cases',
  fields: { badCustomerCases: { type: [knownCaseSchema], default: undefined } },
};
