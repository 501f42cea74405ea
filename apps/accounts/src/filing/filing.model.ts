import { Schema } from 'mongoose';
import type { CustomerSchemaPart } from '../customers/customer-schema';

/** Working days a department has to file a new customer, and to report a change to a filed one (备案). */
export const FILING_WORKING_DAYS = 5;

/** The filing obligations of one customer (docs/domain/accounts.md, filing deadline). */
export interface FilingRecord {
  /** When the department first contacted the customer; the filing deadline counts from here. */
  firstContactAt: Date;
  firstContactDepartmentId: string;
  /** End of the 5th working day after the first contact. */
  dueAt: Date;
  filedAt?: Date | null;
  filedBy?: string | null;
  /** The earliest change to the filed customer that is not reported yet, and when its report is due. */
  unreportedChangeSince?: Date | null;
  changeReportDueAt?: Date | null;
  lastReportedAt?: Date | null;
  lastReportedBy?: string | null;
  /** The deadline of whatever is pending (filing or change report); null when nothing is. Drives overdue lists. */
  nextDueAt?: Date | null;
  /** Set when the overdue event for the pending obligation was raised; cleared by every new obligation. */
  overdueRaisedAt?: Date | null;
}

/** A customer's filing as the graph serves it: with a stable id derived from the customer's (`<id>:filing`). */
export type CustomerFilingView = FilingRecord & { id: string };

declare module '../customers/customer.model' {
  interface CustomerRecord {
    /** Missing on customers archived before filing was tracked: they count as filed when they were created. */
    filing?: FilingRecord | null;
  }
}

const filingSchema = new Schema<FilingRecord>(
  {
    firstContactAt: { type: Date, required: true },
    firstContactDepartmentId: { type: String, required: true },
    dueAt: { type: Date, required: true },
    filedAt: Date,
    filedBy: String,
    unreportedChangeSince: Date,
    changeReportDueAt: Date,
    lastReportedAt: Date,
    lastReportedBy: String,
    nextDueAt: Date,
    overdueRaisedAt: Date,
  },
  { _id: false },
);

export const filingSchemaPart: CustomerSchemaPart = {
  plugin: 'filing',
  fields: { filing: { type: filingSchema, default: null } },
  indexes(schema) {
    // overdueFilings and customers(filter: {filingOverdue / filingStatus}, sort: FILING_DUE_AT).
    schema.index({ 'filing.nextDueAt': 1, _id: 1 });
    // The overdue job: pending obligations past due whose event was not raised yet.
    schema.index({ 'filing.overdueRaisedAt': 1, 'filing.nextDueAt': 1 });
    // overdueFilings(departmentId): a department's own late filings.
    schema.index({ 'filing.firstContactDepartmentId': 1, 'filing.nextDueAt': 1 });
  },
};
