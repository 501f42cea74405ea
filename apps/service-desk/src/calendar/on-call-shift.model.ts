import { Schema, type Connection, type Model, type Types } from 'mongoose';

/** Who covers which duty on a day off: the desk itself and each rung of the escalation ladder. */
export const onCallDuties = ['SERVICE_AGENT', 'SUPERVISOR', 'DEPARTMENT_MANAGER', 'GENERAL_MANAGER'] as const;
export type OnCallDuty = (typeof onCallDuties)[number];

export interface OnCallShiftRecord {
  _id: Types.ObjectId;
  /** `YYYY-MM-DD`, a non-working day of the calendar. */
  date: string;
  duty: OnCallDuty;
  userId: string;
  /** For DEPARTMENT_MANAGER: the department covered; null covers every department. */
  departmentId: string | null;
  contact: string | null;
  assignedBy: string;
  assignedAt: Date;
}

const onCallShiftSchema = new Schema<OnCallShiftRecord>(
  {
    date: { type: String, required: true },
    duty: { type: String, enum: onCallDuties, required: true },
    userId: { type: String, required: true },
    departmentId: { type: String, default: null },
    contact: { type: String, default: null },
    assignedBy: { type: String, required: true },
    assignedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// One person per duty (and department) per day; also serves the roster lookup by day.
onCallShiftSchema.index({ date: 1, duty: 1, departmentId: 1 }, { unique: true });

export function onCallShiftModel(connection: Connection): Model<OnCallShiftRecord> {
  return connection.model<OnCallShiftRecord>('OnCallShift', onCallShiftSchema, 'on_call_shifts');
}
