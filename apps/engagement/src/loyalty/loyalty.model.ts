import { withIdempotencyKey } from '@crm/data';
import { outboxPlugin, type WithPendingEvents } from '@crm/events';
import { Schema, type Connection, type Types } from 'mongoose';
import { earningKinds, redemptionKinds, type LoyaltyEntryKind } from './loyalty-rules';

/** One entry of a customer's points ledger. */
export interface LoyaltyEntryRecord extends WithPendingEvents {
  _id: Types.ObjectId;
  customerId: string;
  /** 1, 2, 3… per customer: unique, so two writers cannot both append the same place. */
  sequence: number;
  points: number;
  balanceAfter: number;
  kind: LoyaltyEntryKind;
  description: string;
  /** What earned it, once each (a credit event id, a year of cooperation); null for redemptions. */
  sourceKey: string | null;
  recordedBy: string;
  recordedAt: Date;
}

/** A customer as the programme knows them: since when they cooperate (their first delivery). */
export interface LoyaltyMemberRecord {
  _id: string;
  since: Date;
}

const entrySchema = new Schema<LoyaltyEntryRecord>(
  {
    customerId: { type: String, required: true },
    sequence: { type: Number, required: true },
    points: { type: Number, required: true },
    balanceAfter: { type: Number, required: true, min: 0 },
    kind: { type: String, enum: [...earningKinds, ...redemptionKinds], required: true },
    description: { type: String, required: true },
    sourceKey: { type: String },
    recordedBy: { type: String, required: true },
    recordedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
entrySchema.plugin(outboxPlugin);
withIdempotencyKey(entrySchema);
entrySchema.index({ customerId: 1, sequence: -1 }, { unique: true });
entrySchema.index({ sourceKey: 1 }, { unique: true, sparse: true });

const memberSchema = new Schema<LoyaltyMemberRecord>({ _id: { type: String, required: true }, since: { type: Date, required: true } }, { versionKey: false });

export function loyaltyModels(connection: Connection) {
  return {
    entries: connection.model<LoyaltyEntryRecord>('LoyaltyEntry', entrySchema, 'loyalty_entries'),
    members: connection.model<LoyaltyMemberRecord>('LoyaltyMember', memberSchema, 'loyalty_members'),
  };
}
export type LoyaltyModels = ReturnType<typeof loyaltyModels>;
