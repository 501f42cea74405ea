import { Schema, type Connection, type Model } from 'mongoose';

/** service-desk's copy of what it needs about a customer, kept from accounts' events. */
export interface KnownCustomerRecord {
  _id: string;
  name: string;
  ownerId: string;
  departmentId: string;
  lifecycle: string;
  /** Key or general customer (selects SLA targets); GENERAL until accounts announces otherwise. */
  importance: 'KEY' | 'GENERAL';
  /** Time of the accounts event this copy reflects; older events never overwrite newer ones. */
  asOf: Date;
}

const knownCustomerSchema = new Schema<KnownCustomerRecord>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    ownerId: { type: String, required: true },
    departmentId: { type: String, required: true },
    lifecycle: { type: String, required: true },
    importance: { type: String, enum: ['KEY', 'GENERAL'], required: true, default: 'GENERAL' },
    asOf: { type: Date, required: true },
  },
  { versionKey: false },
);

// Consultant.complaintRate: the customers one consultant owns.
knownCustomerSchema.index({ ownerId: 1 });

export function knownCustomerModel(connection: Connection): Model<KnownCustomerRecord> {
  return connection.model<KnownCustomerRecord>('KnownCustomer', knownCustomerSchema, 'known_customers');
}
