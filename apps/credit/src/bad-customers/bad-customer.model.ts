import { outboxPlugin, type WithPendingEvents } from '@crm/events';
import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { badCustomerFactKinds, badCustomerMeasures, badCustomerRuleCodes, responsibleDepartments, type BadCustomerFactKind, type BadCustomerMeasure, type ResponsibleDepartment, type RuleFinding } from './bad-customer-rules';

/** A fact about a customer recorded with its evidence (bankruptcy, fraud, a payment promise, ...). */
export interface BadCustomerFactRecord {
  _id: Types.ObjectId;
  customerId: string;
  kind: BadCustomerFactKind;
  evidence: string;
  occurredOn: string;
  promisedOn: string | null;
  recordedBy: string;
  recordedAt: Date;
}

export const caseStatuses = ['PROPOSED', 'OPEN', 'DISMISSED', 'CLOSED'] as const;
export type BadCustomerCaseStatus = (typeof caseStatuses)[number];

/** One measure of a case: a task of the department responsible, tracked to done. */
export interface MeasureTaskRecord {
  measure: BadCustomerMeasure;
  kind: 'GENERAL' | 'SPECIAL';
  department: ResponsibleDepartment;
  status: 'OPEN' | 'DONE';
  doneAt: Date | null;
  doneBy: string | null;
  note: string | null;
}

/**
 * A bad-customer case: proposed by the evaluation, opened (the measures become tasks, the open orders are cancelled),
 * or dismissed; closed with the cause analysis and preventive measures and archived. Status, tasks and events are
 * one document, each change one write at the revision read.
 */
export interface BadCustomerCaseRecord extends WithPendingEvents {
  _id: Types.ObjectId;
  customerId: string;
  /** The customer's department when proposed (the read rule and the business department's tasks). */
  departmentId: string;
  status: BadCustomerCaseStatus;
  /** The customer's id while the case is PROPOSED or OPEN, the case's own id after: one active case per customer (unique). */
  activeKey: string;
  findings: RuleFinding[];
  proposedAt: Date;
  proposedBy: string;
  openedAt: Date | null;
  openedBy: string | null;
  openNote: string | null;
  measures: MeasureTaskRecord[];
  cancelledOrderIds: string[];
  dismissedAt: Date | null;
  dismissedBy: string | null;
  dismissReason: string | null;
  closedAt: Date | null;
  closedBy: string | null;
  causeAnalysis: string | null;
  preventiveMeasures: string | null;
  archivedAt: Date | null;
  revision: number;
}

const factSchema = new Schema<BadCustomerFactRecord>(
  {
    customerId: { type: String, required: true },
    kind: { type: String, enum: badCustomerFactKinds, required: true },
    evidence: { type: String, required: true },
    occurredOn: { type: String, required: true },
    promisedOn: { type: String, default: null },
    recordedBy: { type: String, required: true },
    recordedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
factSchema.index({ customerId: 1 });

const findingSchema = new Schema<RuleFinding>({ rule: { type: String, enum: badCustomerRuleCodes, required: true }, reason: { type: String, required: true }, factIds: { type: [String], default: [] } }, { _id: false });

const taskSchema = new Schema<MeasureTaskRecord>(
  {
    measure: { type: String, enum: badCustomerMeasures, required: true },
    kind: { type: String, required: true },
    department: { type: String, enum: responsibleDepartments, required: true },
    status: { type: String, required: true },
    doneAt: { type: Date, default: null },
    doneBy: { type: String, default: null },
    note: { type: String, default: null },
  },
  { _id: false },
);

const caseSchema = new Schema<BadCustomerCaseRecord>(
  {
    customerId: { type: String, required: true },
    departmentId: { type: String, required: true },
    status: { type: String, enum: caseStatuses, required: true },
    activeKey: { type: String, required: true },
    findings: { type: [findingSchema], default: [] },
    proposedAt: { type: Date, required: true },
    proposedBy: { type: String, required: true },
    openedAt: { type: Date, default: null },
    openedBy: { type: String, default: null },
    openNote: { type: String, default: null },
    measures: { type: [taskSchema], default: [] },
    cancelledOrderIds: { type: [String], default: [] },
    dismissedAt: { type: Date, default: null },
    dismissedBy: { type: String, default: null },
    dismissReason: { type: String, default: null },
    closedAt: { type: Date, default: null },
    closedBy: { type: String, default: null },
    causeAnalysis: { type: String, default: null },
    preventiveMeasures: { type: String, default: null },
    archivedAt: { type: Date, default: null },
    revision: { type: Number, required: true },
  },
  { versionKey: false },
);
caseSchema.plugin(outboxPlugin);
// One active (proposed or open) case per customer, without a partial index the dev server lacks: see activeKey.
caseSchema.index({ activeKey: 1 }, { unique: true });
caseSchema.index({ customerId: 1, status: 1 });
caseSchema.index({ status: 1 });

export function badCustomerFactModel(connection: Connection): Model<BadCustomerFactRecord> {
  return connection.model<BadCustomerFactRecord>('BadCustomerFact', factSchema, 'credit_bad_customer_facts');
}

export function badCustomerCaseModel(connection: Connection): Model<BadCustomerCaseRecord> {
  return connection.model<BadCustomerCaseRecord>('BadCustomerCase', caseSchema, 'credit_bad_customer_cases');
}

/** A finding as resolvers see it: with the facts it rests on. */
export interface FindingView extends RuleFinding {
  /** The facts when already read (the dry run); a case's findings read them by id. */
  facts?: BadCustomerFactRecord[];
}

/** A measure task as resolvers see it: with its case's id (for the task's own id). */
export interface MeasureTaskView extends MeasureTaskRecord {
  caseId: string;
}

/** One customer the dry run would flag. */
export interface BadCustomerCandidateView {
  customerId: string;
  asOf: string;
  findings: FindingView[];
  activeCase: BadCustomerCaseRecord | null;
}

export interface BadCustomerDryRunView {
  asOf: string;
  evaluatedCustomers: number;
  candidates: BadCustomerCandidateView[];
}
