import { withIdempotencyKey } from '@crm/data';
import { outboxPlugin, type WithPendingEvents } from '@crm/events';
import { Schema, type Connection, type Types } from 'mongoose';
import { careExpenseKinds, careExpenseStatuses, careTaskKinds, careTaskStatuses, type CareExpenseKind, type CareExpenseStatus, type CareTaskKind, type CareTaskStatus } from './care-rules';

/**
 * What care knows of a customer, kept from accounts' customer events (engagement never asks accounts): who owns
 * it, its category (the gift budget), whether it is filed (expenses), an individual's birthday (greetings).
 */
export interface CareCustomerRecord {
  /** The customer id. */
  _id: string;
  name: string;
  kind: 'ORGANISATION' | 'INDIVIDUAL';
  lifecycle: string;
  ownerId: string;
  departmentId: string;
  category: string | null;
  importance: string | null;
  /** YYYY-MM-DD; null for organisations and when accounts knows none. */
  birthday: string | null;
  /** null: accounts has not said (an event from before it announced filing). */
  filed: boolean | null;
  /** Set when accounts merged this customer into another: it gets no care of its own. */
  mergedInto?: string;
  /** Time of the accounts event this copy reflects; an older event never rolls it back. */
  asOf: Date;
}

export interface CareTaskCompletionRecord {
  by: string;
  at: Date;
  /** What was done (DONE) or why it was skipped (SKIPPED). */
  note: string | null;
}

/** A care task for the customer's owner: a greeting, the New-Year gift or the demand-plan request. */
export interface CareTaskRecord {
  _id: Types.ObjectId;
  /** customer:kind:day (greetings) or customer:kind:year (December tasks): the generation's idempotency key. */
  key: string;
  customerId: string;
  departmentId: string;
  staffId: string;
  kind: CareTaskKind;
  title: string;
  /** The day the task is for, in the working calendar's time zone. */
  dueOn: string;
  /** The end of that day: when the task is overdue. */
  dueAt: Date;
  status: CareTaskStatus;
  completion: CareTaskCompletionRecord | null;
  createdAt: Date;
}

export interface CareAmountRecord {
  amountMinor: number;
  currency: string;
}

export interface CareExpenseDecisionRecord {
  approved: boolean;
  decidedBy: string;
  decidedAt: Date;
  /** Why (required when rejected, an optional note when approved). */
  reason: string | null;
}

/** A gift or an entertainment expense for a customer. */
export interface CareExpenseRecord extends WithPendingEvents {
  _id: Types.ObjectId;
  customerId: string;
  /** The customer's department when recorded: its manager decides a gift above the budget. */
  departmentId: string;
  kind: CareExpenseKind;
  amount: CareAmountRecord;
  description: string;
  spentOn: string;
  status: CareExpenseStatus;
  /** The gift budget it was held against; null for entertainment. */
  budget: CareAmountRecord | null;
  recordedBy: string;
  recordedAt: Date;
  decision: CareExpenseDecisionRecord | null;
  revision: number;
}

const customerSchema = new Schema<CareCustomerRecord>(
  {
    _id: { type: String, required: true },
    name: { type: String },
    kind: { type: String },
    lifecycle: { type: String },
    ownerId: { type: String },
    departmentId: { type: String },
    category: { type: String, default: null },
    importance: { type: String, default: null },
    birthday: { type: String, default: null },
    filed: { type: Boolean, default: null },
    mergedInto: { type: String },
    asOf: { type: Date, required: true },
  },
  { versionKey: false },
);

const amount = () => new Schema<CareAmountRecord>({ amountMinor: { type: Number, required: true }, currency: { type: String, required: true } }, { _id: false });

const taskSchema = new Schema<CareTaskRecord>(
  {
    key: { type: String, required: true },
    customerId: { type: String, required: true },
    departmentId: { type: String, required: true },
    staffId: { type: String, required: true },
    kind: { type: String, enum: careTaskKinds, required: true },
    title: { type: String, required: true },
    dueOn: { type: String, required: true },
    dueAt: { type: Date, required: true },
    status: { type: String, enum: careTaskStatuses, required: true },
    completion: { type: Schema.Types.Mixed, default: null },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// One task per customer, kind and day (or year): the generation may run any number of times.
taskSchema.index({ key: 1 }, { unique: true });
// careTasks(staffId, from, to) and the board's open work of a staff member.
taskSchema.index({ staffId: 1, dueAt: 1, _id: 1 });
// A handover moves the customer's open tasks to the new owner.
taskSchema.index({ customerId: 1, status: 1 });

const expenseSchema = new Schema<CareExpenseRecord>(
  {
    customerId: { type: String, required: true },
    departmentId: { type: String, required: true },
    kind: { type: String, enum: careExpenseKinds, required: true },
    amount: { type: amount(), required: true },
    description: { type: String, required: true },
    spentOn: { type: String, required: true },
    status: { type: String, enum: careExpenseStatuses, required: true },
    budget: { type: amount(), default: null },
    recordedBy: { type: String, required: true },
    recordedAt: { type: Date, required: true },
    decision: { type: Schema.Types.Mixed, default: null },
    revision: { type: Number, required: true, default: 0 },
  },
  { versionKey: false },
);
expenseSchema.plugin(outboxPlugin);
withIdempotencyKey(expenseSchema);
// Customer.careExpenses, newest first.
expenseSchema.index({ customerId: 1, recordedAt: -1, _id: -1 });
// A manager's queue of gifts waiting for approval.
expenseSchema.index({ status: 1, departmentId: 1, recordedAt: 1 });

export function careModels(connection: Connection) {
  return {
    customers: connection.model<CareCustomerRecord>('CareCustomer', customerSchema, 'care_customers'),
    tasks: connection.model<CareTaskRecord>('CareTask', taskSchema, 'care_tasks'),
    expenses: connection.model<CareExpenseRecord>('CareExpense', expenseSchema, 'care_expenses'),
  };
}
export type CareModels = ReturnType<typeof careModels>;
