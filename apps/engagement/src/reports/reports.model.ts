import type { urgentReportKinds } from '@crm/contracts';
import { withIdempotencyKey } from '@crm/data';
import { outboxPlugin, type WithPendingEvents } from '@crm/events';
import { Schema, type Connection, type Model, type Types } from 'mongoose';

/** A staff member's own part of a daily report: written as a draft, then submitted once. */
export interface DailyReportRecord {
  /** `<staffId>|<day>`: one report per staff member and day. */
  _id: string;
  staffId: string;
  /** The staff member's department when they wrote it (their token's); null when they have none. */
  departmentId: string | null;
  /** YYYY-MM-DD in the working calendar's time zone. */
  day: string;
  status: 'DRAFT' | 'SUBMITTED';
  /** What was done and achieved, in the staff member's words. */
  summary: string | null;
  /** The plan for the next day. */
  plan: string | null;
  savedAt: Date;
  submittedAt: Date | null;
}

export type UrgentReportKind = (typeof urgentReportKinds)[number];

/** One reader's having read an urgent report. */
export interface UrgentReportReadRecord {
  userId: string;
  readAt: Date;
}

/** An urgent report (走访应急报告), in its department manager's inbox from the moment it is filed. */
export interface UrgentReportRecord extends WithPendingEvents {
  _id: Types.ObjectId;
  kind: UrgentReportKind;
  departmentId: string;
  customerId: string | null;
  title: string;
  details: string;
  product: string | null;
  competitor: string | null;
  filedBy: string;
  filedAt: Date;
  /** Who has read it and when (each reader once). */
  reads: UrgentReportReadRecord[];
}

const dailyReportSchema = new Schema<DailyReportRecord>(
  {
    _id: { type: String, required: true },
    staffId: { type: String, required: true },
    departmentId: { type: String, default: null },
    day: { type: String, required: true },
    status: { type: String, enum: ['DRAFT', 'SUBMITTED'], required: true },
    summary: { type: String, default: null },
    plan: { type: String, default: null },
    savedAt: { type: Date, required: true },
    submittedAt: { type: Date, default: null },
  },
  { versionKey: false },
);
// A department's roll-up: the reports of a day written in the department, and one staff member's days.
dailyReportSchema.index({ day: 1, departmentId: 1 });
dailyReportSchema.index({ day: 1, staffId: 1 });

const urgentReportSchema = new Schema<UrgentReportRecord>(
  {
    kind: { type: String, required: true },
    departmentId: { type: String, required: true },
    customerId: { type: String, default: null },
    title: { type: String, required: true },
    details: { type: String, required: true },
    product: { type: String, default: null },
    competitor: { type: String, default: null },
    filedBy: { type: String, required: true },
    filedAt: { type: Date, required: true },
    reads: { type: [{ _id: false, userId: { type: String, required: true }, readAt: { type: Date, required: true } }], default: [] },
  },
  { versionKey: false },
);
urgentReportSchema.plugin(outboxPlugin);
withIdempotencyKey(urgentReportSchema);
// A manager's inbox, newest first (the general manager's: every department's).
urgentReportSchema.index({ departmentId: 1, filedAt: -1 });
urgentReportSchema.index({ filedAt: -1 });

export function reportModels(connection: Connection): { dailyReports: Model<DailyReportRecord>; urgentReports: Model<UrgentReportRecord> } {
  return {
    dailyReports: connection.model<DailyReportRecord>('DailyReport', dailyReportSchema, 'daily_reports'),
    urgentReports: connection.model<UrgentReportRecord>('UrgentReport', urgentReportSchema, 'urgent_reports'),
  };
}
