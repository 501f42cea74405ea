import { Schema } from 'mongoose';
import type { CustomerSchemaPart } from '../customers/customer-schema';

/** The customer list is reviewed at least this often (docs/domain/accounts.md, dynamic archive). */
export const LIST_REVIEW_INTERVAL_YEARS = 2;

/** One review of a customer's entry: who reviewed, when, and which fields they corrected. */
export interface ListReviewEntryRecord {
  at: Date;
  by: string;
  note?: string | null;
  correctedFields: string[];
}

export interface ListReviewRecord {
  /** The next review is due by then (two years after the last one, or after creation). */
  dueAt: Date;
  lastReviewedAt?: Date | null;
  lastReviewedBy?: string | null;
  reviews: ListReviewEntryRecord[];
}

/** A customer's review task as the graph serves it: with a stable id derived from the customer's (`<id>:list-review`). */
export type CustomerListReviewView = ListReviewRecord & { id: string };

declare module '../customers/customer.model' {
  interface CustomerRecord {
    /** Missing on customers archived before reviews were tracked: due two years after creation. */
    listReview?: ListReviewRecord | null;
  }
}

const reviewEntrySchema = new Schema<ListReviewEntryRecord>(
  { at: { type: Date, required: true }, by: { type: String, required: true }, note: String, correctedFields: { type: [String], default: [] } },
  { _id: false },
);

const listReviewSchema = new Schema<ListReviewRecord>(
  { dueAt: { type: Date, required: true }, lastReviewedAt: Date, lastReviewedBy: String, reviews: { type: [reviewEntrySchema], default: [] } },
  { _id: false },
);

export const listReviewSchemaPart: CustomerSchemaPart = {
  plugin: 'list-review',
  fields: { listReview: { type: listReviewSchema, default: null } },
  indexes(schema) {
    // customers(filter: {reviewOverdue / reviewDueBefore}, sort: REVIEW_DUE_AT): the review work list.
    schema.index({ 'listReview.dueAt': 1, _id: 1 });
  },
};
