import { withIdempotencyKey } from '@crm/data';
import { outboxPlugin, type WithPendingEvents } from '@crm/events';
import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { CustomerStage, FollowUpKind, FollowUpStage } from './follow-up-rules';

export const followUpStatuses = ['PLANNED', 'COMPLETED', 'CANCELLED'] as const;
export type FollowUpStatus = (typeof followUpStatuses)[number];
export type FollowUpOriginKind = 'PLAN' | 'PROSPECT_START' | 'CADENCE' | 'CONVERSION';

/** What completed a follow-up. */
export interface FollowUpCompletionRecord {
  by: 'EXPLICIT' | 'INTERACTION' | 'VISIT';
  /** The interaction's or the visit's id; null when completed explicitly. */
  recordId: string | null;
  note: string | null;
  completedBy: string;
  completedAt: Date;
  /** Completed after its due time. */
  late: boolean;
}

/** One follow-up of a customer's plan. */
export interface FollowUpRecord extends WithPendingEvents {
  _id: Types.ObjectId;
  customerId: string;
  /** The customer's department when planned. */
  departmentId: string;
  /** Whom it is due from. */
  staffId: string;
  stage: FollowUpStage;
  kind: FollowUpKind;
  goal: string;
  content: string | null;
  dueAt: Date;
  status: FollowUpStatus;
  originKind: FollowUpOriginKind;
  /** Unique: what planned it (`plan:<id>`, `prospect-start:<customer>`, `after:<previous id>`, `conversion:<customer>:<kind>`), so a repeat plans nothing. */
  originKey: string;
  previousId: string | null;
  nextId: string | null;
  plannedBy: string;
  createdAt: Date;
  completion: FollowUpCompletionRecord | null;
  cancelledReason: 'CONVERTED' | 'CUSTOMER_REMOVED' | null;
  /** When the overdue event was raised (once). */
  overdueRaisedAt: Date | null;
  revision: number;
}

/** engagement's copy of where each customer stands (from accounts' customer.created / updated). */
export interface FollowUpCustomerRecord {
  _id: string;
  lifecycle: string;
  stage: CustomerStage | null;
  ownerId: string;
  departmentId: string;
  asOf: Date;
}

const followUpSchema = new Schema<FollowUpRecord>(
  {
    customerId: { type: String, required: true },
    departmentId: { type: String, required: true },
    staffId: { type: String, required: true },
    stage: { type: String, required: true },
    kind: { type: String, required: true },
    goal: { type: String, required: true },
    content: { type: String, default: null },
    dueAt: { type: Date, required: true },
    status: { type: String, enum: followUpStatuses, required: true },
    originKind: { type: String, required: true },
    originKey: { type: String, required: true },
    previousId: { type: String, default: null },
    nextId: { type: String, default: null },
    plannedBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    completion: { type: Schema.Types.Mixed, default: null },
    cancelledReason: { type: String, default: null },
    overdueRaisedAt: { type: Date, default: null },
    revision: { type: Number, required: true, default: 0 },
  },
  { versionKey: false },
);
followUpSchema.plugin(outboxPlugin);
withIdempotencyKey(followUpSchema);
// Planning is idempotent on what planned it: a redelivered event or a retried completion plans nothing new.
followUpSchema.index({ originKey: 1 }, { unique: true });
// Customer.followUps and a contact's completion (the customer's open follow-ups, earliest due first).
followUpSchema.index({ customerId: 1, status: 1, dueAt: 1 });
// A staff member's due and overdue lists and board; the overdue watch.
followUpSchema.index({ staffId: 1, status: 1, dueAt: 1 });
followUpSchema.index({ status: 1, dueAt: 1 });

const customerSchema = new Schema<FollowUpCustomerRecord>(
  {
    _id: { type: String, required: true },
    lifecycle: { type: String, required: true },
    stage: { type: String, default: null },
    ownerId: { type: String, required: true },
    departmentId: { type: String, required: true },
    asOf: { type: Date, required: true },
  },
  { versionKey: false },
);

export function followUpModels(connection: Connection): { followUps: Model<FollowUpRecord>; customers: Model<FollowUpCustomerRecord> } {
  return {
    followUps: connection.model<FollowUpRecord>('FollowUp', followUpSchema, 'follow_ups'),
    customers: connection.model<FollowUpCustomerRecord>('FollowUpCustomer', customerSchema, 'follow_up_customers'),
  };
}
