import { Schema, type Connection, type Model, type Types } from 'mongoose';

export const reportKinds = ['SERVICE_SUPERVISION', 'COMPLAINT_ANALYSIS'] as const;
export const reportRunStatuses = ['REQUESTED', 'RUNNING', 'DONE', 'FAILED'] as const;
export type ReportKind = (typeof reportKinds)[number];
export type ReportRunStatus = (typeof reportRunStatuses)[number];

/** A report computed in the background: requested → running (with progress) → done (with its result). */
export interface ReportRunRecord {
  _id: Types.ObjectId;
  kind: ReportKind;
  /** SERVICE_SUPERVISION: the month; COMPLAINT_ANALYSIS: first and last month. `YYYY-MM`. */
  month: string | null;
  fromMonth: string | null;
  toMonth: string | null;
  /** Null: every department (general manager). */
  departmentId: string | null;
  status: ReportRunStatus;
  progressPercent: number;
  requestedBy: string;
  requestedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** A runner that died leaves its claim behind; another may take the run over after this instant. */
  leaseUntil: Date | null;
  attempts: number;
  result: Record<string, unknown> | null;
  error: string | null;
}

const reportRunSchema = new Schema<ReportRunRecord>(
  {
    kind: { type: String, enum: reportKinds, required: true },
    month: { type: String, default: null },
    fromMonth: { type: String, default: null },
    toMonth: { type: String, default: null },
    departmentId: { type: String, default: null },
    status: { type: String, enum: reportRunStatuses, required: true },
    progressPercent: { type: Number, required: true, default: 0 },
    requestedBy: { type: String, required: true },
    requestedAt: { type: Date, required: true },
    startedAt: { type: Date, default: null },
    finishedAt: { type: Date, default: null },
    leaseUntil: { type: Date, default: null },
    attempts: { type: Number, required: true, default: 0 },
    result: { type: Schema.Types.Mixed, default: null },
    error: { type: String, default: null },
  },
  { versionKey: false },
);
// The runner's claim: the oldest requested (or abandoned) run first.
reportRunSchema.index({ status: 1, requestedAt: 1 });
// reportRuns: a requester's own runs, newest first.
reportRunSchema.index({ requestedBy: 1, requestedAt: -1 });

export function reportRunModel(connection: Connection): Model<ReportRunRecord> {
  return connection.model<ReportRunRecord>('ReportRun', reportRunSchema, 'report_runs');
}
