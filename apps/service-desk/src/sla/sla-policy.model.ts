import { Schema, type Connection, type Model, type Types } from 'mongoose';

export const customerImportances = ['KEY', 'GENERAL'] as const;
export type CustomerImportance = (typeof customerImportances)[number];

export interface SlaTargetRecord {
  severity: 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
  importance: CustomerImportance;
  /** Minutes until the first answer to the customer (the reply the customer is promised). */
  firstResponseMinutes: number;
  /** Minutes until the matter is resolved, per handling round. */
  resolutionMinutes: number;
  /** True: minutes are working minutes of the calendar; false: around the clock. */
  businessHoursOnly: boolean;
}

/**
 * One version of the SLA policy. Versions are immutable: a change is a new version with its own effective
 * date, and a ticket runs under the version in effect when the matter was received.
 */
export interface SlaPolicyRecord {
  _id: Types.ObjectId;
  version: number;
  name: string;
  effectiveFrom: Date;
  /** Share of a target (percent) after which a clock is near breach. */
  nearBreachPercent: number;
  /** How long (in the clock's minutes) a breach may stay overdue before the general manager is called. */
  generalManagerAfterOverdueMinutes: number;
  targets: SlaTargetRecord[];
  note: string | null;
  createdBy: string;
  createdAt: Date;
}

const slaPolicySchema = new Schema<SlaPolicyRecord>(
  {
    version: { type: Number, required: true },
    name: { type: String, required: true },
    effectiveFrom: { type: Date, required: true },
    nearBreachPercent: { type: Number, required: true },
    generalManagerAfterOverdueMinutes: { type: Number, required: true },
    targets: [
      {
        _id: false,
        severity: { type: String, required: true },
        importance: { type: String, required: true },
        firstResponseMinutes: { type: Number, required: true },
        resolutionMinutes: { type: Number, required: true },
        businessHoursOnly: { type: Boolean, required: true },
      },
    ],
    note: { type: String, default: null },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// Version numbers are handed out as max + 1; the unique index turns a race into a retry, not a duplicate.
slaPolicySchema.index({ version: 1 }, { unique: true });

export function slaPolicyModel(connection: Connection): Model<SlaPolicyRecord> {
  return connection.model<SlaPolicyRecord>('SlaPolicy', slaPolicySchema, 'sla_policies');
}
