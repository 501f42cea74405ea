import { Schema, type Types } from 'mongoose';
import type { CustomerSchemaPart } from '../customers/customer-schema';

export const duplicateMatches = ['NAME', 'PHONE', 'EMAIL', 'REGISTRATION_NUMBER'] as const;
export type DuplicateMatch = (typeof duplicateMatches)[number];

/**
 * Normalised copies of what identifies a customer. The embedded server ignores collation (ADR 0001 §7), so
 * comparisons use these copies, never the raw values.
 */
export interface NormalisedIdentity {
  name: string;
  /** Lower-cased name as typed: the NAME sort key. */
  sortName: string;
  phones: string[];
  emails: string[];
  registrationNumber?: string | null;
}

/** Another customer this one may duplicate, found when it was created. */
export interface DuplicateCandidateRecord {
  customerId: Types.ObjectId;
  matchedOn: DuplicateMatch[];
  flaggedAt: Date;
}

// `mergedInto` is a core field: the customer store follows it and every list leaves merged records out.
declare module '../customers/customer.model' {
  interface CustomerRecord {
    normalized: NormalisedIdentity;
    duplicateCandidates: DuplicateCandidateRecord[];
    /** Ids merged into this customer. */
    mergedFrom: Types.ObjectId[];
  }
}

const normalisedSchema = new Schema<NormalisedIdentity>(
  { name: { type: String, required: true }, sortName: { type: String, required: true }, phones: { type: [String], default: [] }, emails: { type: [String], default: [] }, registrationNumber: String },
  { _id: false },
);

const candidateSchema = new Schema<DuplicateCandidateRecord>(
  { customerId: { type: Schema.Types.ObjectId, required: true }, matchedOn: { type: [String], enum: duplicateMatches, default: [] }, flaggedAt: { type: Date, required: true } },
  { _id: false },
);

export const duplicatesSchemaPart: CustomerSchemaPart = {
  plugin: 'duplicates',
  fields: {
    normalized: { type: normalisedSchema, required: true },
    duplicateCandidates: { type: [candidateSchema], default: [] },
    mergedFrom: { type: [Schema.Types.ObjectId], default: [] },
  },
  indexes(schema) {
    // Duplicate check at creation: same normalised name, phone, e-mail or registration number.
    schema.index({ 'normalized.name': 1 });
    schema.index({ 'normalized.phones': 1 });
    schema.index({ 'normalized.emails': 1 });
    schema.index({ 'normalized.registrationNumber': 1 }, { sparse: true });
    // customers(sort: NAME).
    schema.index({ 'normalized.sortName': 1, _id: 1 });
    // customers(filter: {possibleDuplicate: true}) (the archive keeper's list of flags to resolve), and
    // dropping the flags that point at a customer once it is merged.
    schema.index({ 'duplicateCandidates.customerId': 1 });
  },
};
