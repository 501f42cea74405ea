import { outboxPlugin, type WithPendingEvents } from '@crm/events';
import { Schema, type Connection, type Model } from 'mongoose';
import { creditGrades, type CreditTerms } from './credit-policy';

/** A customer as credit knows it: only the key; accounts owns everything else. */
export interface CustomerReference {
  id: string;
}

export type CreditTermsRecord = CreditTerms;

export interface CreditProfileChangeRecord {
  at: Date;
  by: string;
  before: CreditTermsRecord | null;
  after: CreditTermsRecord;
}

export interface CreditProfileRecord extends CreditTermsRecord, WithPendingEvents {
  /** The customer id: one profile per customer, so the key is the customer. */
  _id: string;
  reviewedAt: Date;
  reviewedBy: string;
  /** Optimistic concurrency: every change names the revision it read. */
  revision: number;
  history: CreditProfileChangeRecord[];
  /** The due date crm.credit.review.overdue was raised for (once per due date); null before. */
  reviewOverdueRaisedFor?: Date | null;
}

const termsDefinition = {
  grade: { type: String, enum: creditGrades, required: true },
  creditLimit: { type: Number, required: true, min: 0 },
  currency: { type: String, required: true },
  paymentTermDays: { type: Number, required: true, min: 0 },
  frozen: { type: Boolean, required: true },
  nextReviewDue: { type: Date, required: true },
} as const;

const termsSchema = new Schema<CreditTermsRecord>(termsDefinition, { _id: false });

const changeSchema = new Schema<CreditProfileChangeRecord>(
  { at: { type: Date, required: true }, by: { type: String, required: true }, before: { type: termsSchema, default: null }, after: { type: termsSchema, required: true } },
  { _id: false },
);

const creditProfileSchema = new Schema<CreditProfileRecord>(
  {
    _id: { type: String, required: true },
    ...termsDefinition,
    reviewedAt: { type: Date, required: true },
    reviewedBy: { type: String, required: true },
    revision: { type: Number, required: true },
    history: { type: [changeSchema], default: [] },
    reviewOverdueRaisedFor: { type: Date, default: null },
  },
  // reviewedAt comes from the injected clock, so mongoose timestamps are not used.
  { versionKey: false },
);
creditProfileSchema.plugin(outboxPlugin);
// Customer.creditProfile and creditProfile(customerId) read by _id (the customer id); the reviews due and the
// review watch read by due date.
creditProfileSchema.index({ nextReviewDue: 1, _id: 1 });

export function creditProfileModel(connection: Connection): Model<CreditProfileRecord> {
  return connection.model<CreditProfileRecord>('CreditProfile', creditProfileSchema, 'credit_profiles');
}
