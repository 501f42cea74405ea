import { outboxPlugin, type WithPendingEvents } from '@crm/events';
import { Schema, type Connection, type Model } from 'mongoose';
import type { AllocationRecord, InvoiceRecord, LedgerState, PaymentAllocationRecord, PaymentRecord } from './ledger-rules';

export type { InvoiceRecord, PaymentRecord, PaymentAllocationRecord, AllocationRecord };

/**
 * A customer's receivables ledger: one document per customer holding its invoices, payments and credit, so that a
 * payment's allocation over many invoices is one single-document write (no transactions, ADR 0001/0011), and
 * concurrent payments for one customer serialise on the revision.
 */
export interface LedgerRecord extends LedgerState, WithPendingEvents {
  /** The customer id. */
  _id: string;
  outstandingMinor: number;
  oldestOpenDueDayNumber: number | null;
  revision: number;
}

/** An invoice as a resolver sees it: with the customer and currency of its ledger. */
export interface InvoiceView extends InvoiceRecord {
  customerId: string;
  currency: string;
}

/** A payment as a resolver sees it. */
export interface PaymentView extends PaymentRecord {
  customerId: string;
  currency: string;
}

/** A payment's allocation, or an invoice's, as a resolver sees it. */
export interface AllocationView {
  invoiceId: string;
  paymentId: string | null;
  amountMinor: number;
  at: Date;
  currency: string;
}

const allocationSchema = new Schema<AllocationRecord>({ paymentId: { type: String, default: null }, amountMinor: { type: Number, required: true }, at: { type: Date, required: true } }, { _id: false });

const invoiceSchema = new Schema<InvoiceRecord>(
  {
    id: { type: String, required: true },
    orderId: { type: String, required: true },
    consultantId: { type: String, required: true },
    departmentId: { type: String, required: true },
    region: { type: String, default: null },
    amountMinor: { type: Number, required: true },
    paidMinor: { type: Number, required: true },
    issuedAt: { type: Date, required: true },
    issuedOn: { type: String, required: true },
    dueOn: { type: String, required: true },
    dueDayNumber: { type: Number, required: true },
    paymentTermDays: { type: Number, required: true },
    settledAt: { type: Date, default: null },
    allocations: { type: [allocationSchema], default: [] },
    dunningLevel: { type: Number, required: true },
    lastReminderAt: { type: Date, default: null },
  },
  { _id: false },
);

const paymentAllocationSchema = new Schema<PaymentAllocationRecord>({ invoiceId: { type: String, required: true }, amountMinor: { type: Number, required: true } }, { _id: false });

const paymentSchema = new Schema<PaymentRecord>(
  {
    id: { type: String, required: true },
    amountMinor: { type: Number, required: true },
    receivedAt: { type: Date, required: true },
    reference: { type: String, default: null },
    recordedBy: { type: String, required: true },
    recordedAt: { type: Date, required: true },
    idempotencyKey: { type: String, default: null },
    allocations: { type: [paymentAllocationSchema], default: [] },
    heldAsCreditMinor: { type: Number, required: true },
  },
  { _id: false },
);

const ledgerSchema = new Schema<LedgerRecord>(
  {
    _id: { type: String, required: true },
    currency: { type: String, required: true },
    invoices: { type: [invoiceSchema], default: [] },
    payments: { type: [paymentSchema], default: [] },
    creditMinor: { type: Number, required: true },
    outstandingMinor: { type: Number, required: true },
    oldestOpenDueDayNumber: { type: Number, default: null },
    revision: { type: Number, required: true },
  },
  { versionKey: false },
);
ledgerSchema.plugin(outboxPlugin);
// invoice(id) and dunning find the ledger by invoice; the collections list starts from the oldest open due day.
ledgerSchema.index({ 'invoices.id': 1 });
ledgerSchema.index({ 'invoices.orderId': 1 });
ledgerSchema.index({ oldestOpenDueDayNumber: 1 });
// Figures per consultant and department.
ledgerSchema.index({ 'invoices.consultantId': 1 });
ledgerSchema.index({ 'invoices.departmentId': 1 });

export function ledgerModel(connection: Connection): Model<LedgerRecord> {
  return connection.model<LedgerRecord>('ReceivablesLedger', ledgerSchema, 'credit_ledgers');
}

/** One ageing bucket's total, with the report's currency. */
export interface AgeingBucketView {
  bucket: string;
  amountMinor: number;
  invoiceCount: number;
  currency: string;
}
