import { outboxPlugin, type WithPendingEvents } from '@crm/events';
import { Schema, type Connection, type Model, type Types } from 'mongoose';

export const minutesStatuses = ['DRAFT', 'SUBMITTED', 'APPROVED', 'CONFIRMED'] as const;
export type MinutesStatus = (typeof minutesStatuses)[number];

export const minutesSourceKinds = ['INTERACTION', 'VISIT'] as const;
export type MinutesSourceKind = (typeof minutesSourceKinds)[number];

/** The meeting the minutes are of: a face-to-face interaction or a reported visit. */
export interface MinutesSourceRecord {
  kind: MinutesSourceKind;
  id: string;
}

/** One review by the department manager: approved, or sent back with a remark. */
export interface MinutesReviewRecord {
  approved: boolean;
  remark: string | null;
  reviewedBy: string;
  reviewedAt: Date;
}

/** The customer's confirmation, as staff recorded it. */
export interface MinutesConfirmationRecord {
  confirmedByName: string;
  confirmedAt: Date;
  recordedBy: string;
  recordedAt: Date;
}

/** Meeting minutes (会议纪要): due 2 working days after the meeting, reviewed, then confirmed by the customer. */
export interface MinutesRecord extends WithPendingEvents {
  _id: Types.ObjectId;
  source: MinutesSourceRecord;
  customerId: string;
  /** The customer's department when the minutes were opened (its manager reviews); null when not known then. */
  departmentId: string | null;
  /** Who writes them: the staff member who had the meeting. */
  staffId: string;
  meetingAt: Date;
  dueAt: Date;
  openedAt: Date;
  status: MinutesStatus;
  text: string | null;
  attendees: string[];
  submittedAt: Date | null;
  submittedBy: string | null;
  reviews: MinutesReviewRecord[];
  confirmation: MinutesConfirmationRecord | null;
  /** When the overdue event was raised (once); null while it has not been. */
  overdueNotifiedAt: Date | null;
  revision: number;
}

const minutesSchema = new Schema<MinutesRecord>(
  {
    source: { type: new Schema({ kind: { type: String, enum: minutesSourceKinds, required: true }, id: { type: String, required: true } }, { _id: false }), required: true },
    customerId: { type: String, required: true },
    departmentId: { type: String, default: null },
    staffId: { type: String, required: true },
    meetingAt: { type: Date, required: true },
    dueAt: { type: Date, required: true },
    openedAt: { type: Date, required: true },
    status: { type: String, enum: minutesStatuses, required: true },
    text: { type: String, default: null },
    attendees: { type: [String], default: [] },
    submittedAt: { type: Date, default: null },
    submittedBy: { type: String, default: null },
    reviews: {
      type: [new Schema<MinutesReviewRecord>({ approved: { type: Boolean, required: true }, remark: { type: String, default: null }, reviewedBy: { type: String, required: true }, reviewedAt: { type: Date, required: true } }, { _id: false })],
      default: [],
    },
    confirmation: { type: Schema.Types.Mixed, default: null },
    overdueNotifiedAt: { type: Date, default: null },
    revision: { type: Number, required: true, default: 0 },
  },
  { versionKey: false },
);
minutesSchema.plugin(outboxPlugin);
// One minutes per meeting: opening them again (a redelivered event, a retried report) finds the first.
minutesSchema.index({ 'source.kind': 1, 'source.id': 1 }, { unique: true });
// overdueMinutes and the overdue watch: drafts by due time.
minutesSchema.index({ status: 1, dueAt: 1 });
minutesSchema.index({ customerId: 1, meetingAt: -1 });
minutesSchema.index({ staffId: 1, status: 1, dueAt: 1 });

export function minutesModel(connection: Connection): Model<MinutesRecord> {
  return connection.model<MinutesRecord>('Minutes', minutesSchema, 'minutes');
}
