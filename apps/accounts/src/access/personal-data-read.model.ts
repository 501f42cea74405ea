import { Schema, type Connection, type Model, type Types } from 'mongoose';

/** One audited read of personal data: who, when, which customer, which fields, in which request. */
export interface PersonalDataReadRecord {
  /** Assigned when the read is buffered, so a retried insert cannot record it twice. */
  _id: Types.ObjectId;
  at: Date;
  readerId: string;
  readerRoles: string[];
  customerId: string;
  /** The customer's department and owner when read: what a department manager's audit view filters on. */
  departmentId: string;
  ownerId: string;
  fields: string[];
  requestId: string;
  /** The access grant that let the reader see this customer; null when it was within their own scope. */
  grantId: string | null;
}

const personalDataReadSchema = new Schema<PersonalDataReadRecord>(
  {
    at: { type: Date, required: true },
    readerId: { type: String, required: true },
    readerRoles: { type: [String], default: [] },
    customerId: { type: String, required: true },
    departmentId: { type: String, required: true },
    ownerId: { type: String, required: true },
    fields: { type: [String], required: true },
    requestId: { type: String, required: true },
    grantId: { type: String, default: null },
  },
  { versionKey: false, timestamps: false },
);
// A department manager's audit view, newest first.
personalDataReadSchema.index({ departmentId: 1, _id: -1 });
// The audit trail of one customer, newest first.
personalDataReadSchema.index({ customerId: 1, _id: -1 });
// Everything one reader read, newest first.
personalDataReadSchema.index({ readerId: 1, _id: -1 });
// Reads within a period.
personalDataReadSchema.index({ at: 1 });

export function personalDataReadModel(connection: Connection): Model<PersonalDataReadRecord> {
  return connection.model<PersonalDataReadRecord>('PersonalDataRead', personalDataReadSchema, 'personal_data_reads');
}
