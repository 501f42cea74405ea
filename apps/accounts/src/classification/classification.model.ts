import { Schema } from 'mongoose';
import type { CustomerSchemaPart } from '../customers/customer-schema';

export const customerCategories = ['TARGET', 'GENERAL', 'KEY', 'POTENTIAL'] as const;
export const importances = ['KEY', 'GENERAL'] as const;
export const loyaltyClasses = ['LOYAL', 'BRAND_SWITCHING', 'NO_BRAND_LOYALTY'] as const;
export const salesTiers = ['A', 'B', 'C', 'D'] as const;
export const salesTierBases = ['PURCHASE_AMOUNT_ABC', 'AVERAGE_MONTHLY_SALES', 'AVERAGE_ANNUAL_SALES'] as const;
/** Best first: the rank is the position, so sorting by rank sorts by grade. */
export const creditGrades = ['AAA', 'AA', 'A', 'B', 'C', 'D'] as const;

export type CustomerCategory = (typeof customerCategories)[number];
export type Importance = (typeof importances)[number];
export type CreditGrade = (typeof creditGrades)[number];

/** A KEY customer gets exclusive service from at least this many staff (docs/domain/accounts.md). */
export const KEY_CUSTOMER_MIN_STAFF = 2;

/** The sales tier as credit last computed it; accounts never sets it itself. */
export interface SalesTierRecord {
  tier: (typeof salesTiers)[number];
  periodStart: string;
  periodEnd: string;
  basis: (typeof salesTierBases)[number];
  /** Time of the credit event it came from; a later event for the same period wins. */
  asOf: Date;
  receivedAt: Date;
}

declare module '../customers/customer.model' {
  /** The classification axes on the customer document. */
  interface CustomerRecord {
    category: CustomerCategory;
    importance: Importance;
    loyalty?: (typeof loyaltyClasses)[number] | null;
    /** Sales route (visit/delivery route) inside the region, and this customer's place in its sequence. */
    route?: string | null;
    routeOrder?: number | null;
    /** Staff serving the customer; the owner is always one of them. */
    assignedStaffIds: string[];
    salesTier?: SalesTierRecord | null;
    creditGrade?: CreditGrade | null;
    /** Position of creditGrade in `creditGrades`, so lists sort best grade first. */
    creditGradeRank?: number | null;
    /** The credit profile revision the grade came from; only a higher one replaces it. */
    creditGradeRevision?: number | null;
  }
}

const salesTierSchema = new Schema<SalesTierRecord>(
  {
    tier: { type: String, enum: salesTiers, required: true },
    periodStart: { type: String, required: true },
    periodEnd: { type: String, required: true },
    basis: { type: String, enum: salesTierBases, required: true },
    asOf: { type: Date, required: true },
    receivedAt: { type: Date, required: true },
  },
  { _id: false },
);

/** The classification axes on the customer schema, with the indexes of the list filters (and sorts) named beside them. */
export const classificationSchemaPart: CustomerSchemaPart = {
  plugin: 'classification',
  fields: {
    category: { type: String, enum: customerCategories, required: true, default: 'POTENTIAL' },
    importance: { type: String, enum: importances, required: true, default: 'GENERAL' },
    loyalty: { type: String, enum: loyaltyClasses },
    route: String,
    routeOrder: Number,
    assignedStaffIds: { type: [String], default: [] },
    salesTier: { type: salesTierSchema, default: null },
    creditGrade: { type: String, enum: creditGrades },
    creditGradeRank: Number,
    creditGradeRevision: Number,
  },
  indexes(schema) {
    // customers(filter: {category}) and sort CATEGORY.
    schema.index({ category: 1, _id: 1 });
    // customers(filter: {importance}) and sort IMPORTANCE; service-desk's KEY customers.
    schema.index({ importance: 1, _id: 1 });
    // customers(filter: {loyalty}) and sort LOYALTY.
    schema.index({ loyalty: 1, _id: 1 });
    // customers(filter: {salesTier}) and sort SALES_TIER.
    schema.index({ 'salesTier.tier': 1, _id: 1 });
    // customers(filter: {creditGrade}) and sort CREDIT_GRADE (by rank).
    schema.index({ creditGradeRank: 1, _id: 1 });
    // The visit/delivery sequence: customers(filter: {region, route}, sort: ROUTE_ORDER).
    schema.index({ region: 1, route: 1, routeOrder: 1, _id: 1 });
    // Handover and deactivateConsultant: customers a consultant serves without owning them.
    schema.index({ assignedStaffIds: 1 });
  },
};
