import { outboxPlugin, type WithPendingEvents } from '@crm/events';
import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { SalesTier } from './abc-rules';

/** A customer's current sales tier as credit last published it (the outbox carries the event with the change). */
export interface SalesTierRecord extends WithPendingEvents {
  _id: string;
  tier: SalesTier;
  salesMinor: number;
  currency: string;
  periodStart: string;
  periodEnd: string;
  ruleVersion: string;
  computedAt: Date;
  runId: string;
}

export interface SalesTierChangeRecord {
  customerId: string;
  from: SalesTier | null;
  to: SalesTier;
  salesMinor: number;
}

export const tierRunStatuses = ['REQUESTED', 'RUNNING', 'DONE', 'FAILED'] as const;
export type TierRunStatus = (typeof tierRunStatuses)[number];

/** One recomputation (or dry run) of the tiers, with its progress and the changes it found. */
export interface SalesTierRunRecord {
  _id: Types.ObjectId;
  dryRun: boolean;
  status: TierRunStatus;
  requestedBy: string;
  requestedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  asOf: string;
  periodStart: string;
  periodEnd: string;
  ruleVersion: string;
  aShare: number;
  bShare: number;
  currency: string;
  processed: number;
  total: number;
  changes: SalesTierChangeRecord[];
  published: number;
  error: string | null;
}

const salesTierSchema = new Schema<SalesTierRecord>(
  {
    _id: { type: String, required: true },
    tier: { type: String, required: true },
    salesMinor: { type: Number, required: true },
    currency: { type: String, required: true },
    periodStart: { type: String, required: true },
    periodEnd: { type: String, required: true },
    ruleVersion: { type: String, required: true },
    computedAt: { type: Date, required: true },
    runId: { type: String, required: true },
  },
  { versionKey: false },
);
salesTierSchema.plugin(outboxPlugin);

const changeSchema = new Schema<SalesTierChangeRecord>({ customerId: { type: String, required: true }, from: { type: String, default: null }, to: { type: String, required: true }, salesMinor: { type: Number, required: true } }, { _id: false });

const runSchema = new Schema<SalesTierRunRecord>(
  {
    dryRun: { type: Boolean, required: true },
    status: { type: String, enum: tierRunStatuses, required: true },
    requestedBy: { type: String, required: true },
    requestedAt: { type: Date, required: true },
    startedAt: { type: Date, default: null },
    finishedAt: { type: Date, default: null },
    asOf: { type: String, required: true },
    periodStart: { type: String, required: true },
    periodEnd: { type: String, required: true },
    ruleVersion: { type: String, required: true },
    aShare: { type: Number, required: true },
    bShare: { type: Number, required: true },
    currency: { type: String, required: true },
    processed: { type: Number, default: 0 },
    total: { type: Number, default: 0 },
    changes: { type: [changeSchema], default: [] },
    published: { type: Number, default: 0 },
    error: { type: String, default: null },
  },
  { versionKey: false },
);
runSchema.index({ status: 1, requestedAt: 1 });

export function salesTierModel(connection: Connection): Model<SalesTierRecord> {
  return connection.model<SalesTierRecord>('SalesTier', salesTierSchema, 'credit_sales_tiers');
}

export function salesTierRunModel(connection: Connection): Model<SalesTierRunRecord> {
  return connection.model<SalesTierRunRecord>('SalesTierRun', runSchema, 'credit_sales_tier_runs');
}
