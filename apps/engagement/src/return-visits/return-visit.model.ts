import { outboxPlugin, type WithPendingEvents } from '@crm/events';
import { Schema, type Connection, type Model, type Types } from 'mongoose';

/** A delivery's schedule: the facts of the delivery and how far its return visits have been generated. */
export interface ReturnVisitScheduleRecord {
  _id: Types.ObjectId;
  /** The order.delivered event it was made from: a redelivered event finds this schedule. */
  deliveryEventId: string;
  orderId: string;
  customerId: string;
  staffId: string;
  departmentId: string;
  deliveredAt: Date;
  /** The last sequence generated so far (0: none). */
  generatedThrough: number;
  /** Whether every return visit of the schedule exists. */
  complete: boolean;
  createdAt: Date;
}

export const returnVisitStatuses = ['DUE', 'COMPLETED', 'MISSED'] as const;
export type ReturnVisitStatus = (typeof returnVisitStatuses)[number];

/** What completed a return visit. */
export interface ReturnVisitCompletionRecord {
  kind: 'VISIT' | 'INTERACTION';
  id: string;
  completedBy: string;
  completedAt: Date;
  /** Completed after it had been raised as missed. */
  late: boolean;
}

/** One return visit of a schedule. */
export interface ReturnVisitRecord extends WithPendingEvents {
  _id: Types.ObjectId;
  scheduleId: string;
  sequence: number;
  orderId: string;
  customerId: string;
  staffId: string;
  departmentId: string;
  deliveredAt: Date;
  dueAt: Date;
  status: ReturnVisitStatus;
  completion: ReturnVisitCompletionRecord | null;
  missedAt: Date | null;
  revision: number;
}

const scheduleSchema = new Schema<ReturnVisitScheduleRecord>(
  {
    deliveryEventId: { type: String, required: true },
    orderId: { type: String, required: true },
    customerId: { type: String, required: true },
    staffId: { type: String, required: true },
    departmentId: { type: String, required: true },
    deliveredAt: { type: Date, required: true },
    generatedThrough: { type: Number, required: true, default: 0 },
    complete: { type: Boolean, required: true, default: false },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// Idempotent on the delivery event id.
scheduleSchema.index({ deliveryEventId: 1 }, { unique: true });
scheduleSchema.index({ complete: 1 });

const returnVisitSchema = new Schema<ReturnVisitRecord>(
  {
    scheduleId: { type: String, required: true },
    sequence: { type: Number, required: true },
    orderId: { type: String, required: true },
    customerId: { type: String, required: true },
    staffId: { type: String, required: true },
    departmentId: { type: String, required: true },
    deliveredAt: { type: Date, required: true },
    dueAt: { type: Date, required: true },
    status: { type: String, enum: returnVisitStatuses, required: true },
    completion: { type: Schema.Types.Mixed, default: null },
    missedAt: { type: Date, default: null },
    revision: { type: Number, required: true, default: 0 },
  },
  { versionKey: false },
);
returnVisitSchema.plugin(outboxPlugin);
// One return visit per place in a schedule: generating again writes nothing new.
returnVisitSchema.index({ scheduleId: 1, sequence: 1 }, { unique: true });
returnVisitSchema.index({ customerId: 1, dueAt: 1 });
returnVisitSchema.index({ status: 1, dueAt: 1 });
returnVisitSchema.index({ staffId: 1, status: 1, dueAt: 1 });

export function returnVisitModels(connection: Connection): { schedules: Model<ReturnVisitScheduleRecord>; visits: Model<ReturnVisitRecord> } {
  return {
    schedules: connection.model<ReturnVisitScheduleRecord>('ReturnVisitSchedule', scheduleSchema, 'return_visit_schedules'),
    visits: connection.model<ReturnVisitRecord>('ReturnVisit', returnVisitSchema, 'return_visits'),
  };
}
