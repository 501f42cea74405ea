import { outboxPlugin, type WithPendingEvents } from '@crm/events';
import { Schema, type Connection, type Model, type Types } from 'mongoose';

export interface FaultRecipientRecord {
  role: 'SALES_OWNER' | 'RESPONSIBLE_MANAGER';
  /** Null when the manager was not named: whoever manages `departmentId`. */
  userId: string | null;
  departmentId: string;
}

export interface FaultAnalysisRecipientRecord {
  kind: 'CUSTOMER' | 'BUSINESS_DEPARTMENT';
  id: string;
}

export interface FaultAnalysisRecord {
  impact: string;
  handling: string;
  rootCause: string;
  correctiveActions: string[];
  preventiveActions: string[];
  analysedBy: string;
  analysedAt: Date;
  sharedWith: FaultAnalysisRecipientRecord[];
}

/** A major fault (故障报告): reported at once to the sales owner and the responsible manager, analysed afterwards. */
export interface FaultReportRecord extends WithPendingEvents {
  _id: Types.ObjectId;
  ticketId: string | null;
  customerId: string;
  /** Copied from the customer: fault reports are scoped like their customer (and like tickets). */
  customerOwnerId: string;
  customerDepartmentId: string;
  /** Time of the accounts event the scope reflects; an older event never rolls it back. */
  scopeAsOf: Date | null;
  severity: 'HIGH' | 'CRITICAL';
  faultOccurredAt: Date;
  place: string;
  symptoms: string;
  handlingPlan: string;
  reportedBy: string;
  reportedAt: Date;
  recipients: FaultRecipientRecord[];
  status: 'REPORTED' | 'ANALYSED';
  analysis: FaultAnalysisRecord | null;
  revision: number;
}

const faultReportSchema = new Schema<FaultReportRecord>(
  {
    ticketId: { type: String, default: null },
    customerId: { type: String, required: true },
    customerOwnerId: { type: String, required: true },
    customerDepartmentId: { type: String, required: true },
    scopeAsOf: { type: Date, default: null },
    severity: { type: String, enum: ['HIGH', 'CRITICAL'], required: true },
    faultOccurredAt: { type: Date, required: true },
    place: { type: String, required: true },
    symptoms: { type: String, required: true },
    handlingPlan: { type: String, required: true },
    reportedBy: { type: String, required: true },
    reportedAt: { type: Date, required: true },
    recipients: {
      type: [new Schema<FaultRecipientRecord>({ role: { type: String, required: true }, userId: { type: String, default: null }, departmentId: { type: String, required: true } }, { _id: false })],
      default: [],
    },
    status: { type: String, enum: ['REPORTED', 'ANALYSED'], required: true, default: 'REPORTED' },
    analysis: { type: Schema.Types.Mixed, default: null },
    revision: { type: Number, required: true, default: 0 },
  },
  { versionKey: false, timestamps: true },
);
faultReportSchema.plugin(outboxPlugin);
// Ticket.faultReports and the list by customer.
faultReportSchema.index({ ticketId: 1 });
faultReportSchema.index({ customerId: 1, reportedAt: -1 });

export function faultReportModel(connection: Connection): Model<FaultReportRecord> {
  return connection.model<FaultReportRecord>('FaultReport', faultReportSchema, 'fault_reports');
}
