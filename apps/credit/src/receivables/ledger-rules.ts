/*
 * The receivables rules (docs/domain/credit.md), pure so that every edge is unit-tested: payments are allocated to
 * the oldest open invoices first (by due day, then issue time), partially when the money runs out; what is left
 * over is held as credit and applied to the next invoices as they are issued. Ageing sorts the outstanding amount
 * of each invoice into buckets by days past its due day.
 */

export interface AllocationRecord {
  /** The payment the money came from; null when it was credit held from an earlier overpayment. */
  paymentId: string | null;
  amountMinor: number;
  /** When the money met the invoice: the payment's receipt, or the invoice's issue for credit held. */
  at: Date;
}

export interface InvoiceRecord {
  id: string;
  orderId: string;
  consultantId: string;
  departmentId: string;
  region: string | null;
  amountMinor: number;
  paidMinor: number;
  issuedAt: Date;
  /** Calendar day of issue and due day (working calendar's time zone), and the due day as a day number. */
  issuedOn: string;
  dueOn: string;
  dueDayNumber: number;
  paymentTermDays: number;
  settledAt: Date | null;
  allocations: AllocationRecord[];
  /** Reminders sent (0: none yet); the dunning level. */
  dunningLevel: number;
  lastReminderAt: Date | null;
}

export interface PaymentAllocationRecord {
  invoiceId: string;
  amountMinor: number;
}

export interface PaymentRecord {
  id: string;
  amountMinor: number;
  receivedAt: Date;
  reference: string | null;
  recordedBy: string;
  recordedAt: Date;
  /** The caller-scoped idempotency key (libs/data idempotencyKeyOf); null without one. */
  idempotencyKey: string | null;
  allocations: PaymentAllocationRecord[];
  /** The part of the payment no open invoice took: held as credit. */
  heldAsCreditMinor: number;
}

/** A customer's ledger state: invoices, payments and the credit held. */
export interface LedgerState {
  currency: string;
  invoices: InvoiceRecord[];
  payments: PaymentRecord[];
  creditMinor: number;
}

export function outstandingOf(invoice: Pick<InvoiceRecord, 'amountMinor' | 'paidMinor'>): number {
  return invoice.amountMinor - invoice.paidMinor;
}

/** Open invoices, oldest first: by due day, then issue time, then id (a total order, so allocation is deterministic). */
export function openInvoicesOldestFirst(invoices: readonly InvoiceRecord[]): InvoiceRecord[] {
  return invoices
    .filter((invoice) => outstandingOf(invoice) > 0)
    .sort((a, b) => a.dueDayNumber - b.dueDayNumber || a.issuedAt.getTime() - b.issuedAt.getTime() || a.id.localeCompare(b.id));
}

/**
 * Allocate `amountMinor` to the open invoices oldest first: each takes what it still owes until the money runs out.
 * Returns the invoices after allocation (unchanged ones as they were), what went where, and what is left over.
 */
export function allocateOldestFirst(invoices: readonly InvoiceRecord[], amountMinor: number, source: { paymentId: string | null; at: Date }): { invoices: InvoiceRecord[]; allocations: PaymentAllocationRecord[]; remainderMinor: number } {
  let remaining = amountMinor;
  const allocations: PaymentAllocationRecord[] = [];
  const changed = new Map<string, InvoiceRecord>();
  for (const invoice of openInvoicesOldestFirst(invoices)) {
    if (remaining <= 0) break;
    const take = Math.min(remaining, outstandingOf(invoice));
    remaining -= take;
    allocations.push({ invoiceId: invoice.id, amountMinor: take });
    const paidMinor = invoice.paidMinor + take;
    changed.set(invoice.id, {
      ...invoice,
      paidMinor,
      settledAt: paidMinor === invoice.amountMinor ? source.at : null,
      allocations: [...invoice.allocations, { paymentId: source.paymentId, amountMinor: take, at: source.at }],
    });
  }
  return { invoices: invoices.map((invoice) => changed.get(invoice.id) ?? invoice), allocations, remainderMinor: remaining };
}

/** A payment received: allocated oldest first, the rest held as credit. */
export function applyPayment(state: LedgerState, payment: Omit<PaymentRecord, 'allocations' | 'heldAsCreditMinor'>): { state: LedgerState; payment: PaymentRecord } {
  const { invoices, allocations, remainderMinor } = allocateOldestFirst(state.invoices, payment.amountMinor, { paymentId: payment.id, at: payment.receivedAt });
  const recorded: PaymentRecord = { ...payment, allocations, heldAsCreditMinor: remainderMinor };
  return { state: { ...state, invoices, payments: [...state.payments, recorded], creditMinor: state.creditMinor + remainderMinor }, payment: recorded };
}

/** A new invoice: credit held from an overpayment pays it first, as far as it goes. */
export function issueInvoice(state: LedgerState, invoice: InvoiceRecord): LedgerState {
  const withInvoice = [...state.invoices, invoice];
  if (state.creditMinor <= 0) return { ...state, invoices: withInvoice };
  const applied = allocateOldestFirst([invoice], state.creditMinor, { paymentId: null, at: invoice.issuedAt });
  return { ...state, invoices: [...state.invoices, ...applied.invoices], creditMinor: applied.remainderMinor };
}

/** Invoices paid in full by this change: settled after it, open (or not there) before; each settles once. */
export function newlySettled(before: readonly InvoiceRecord[], after: readonly InvoiceRecord[]): InvoiceRecord[] {
  const open = new Map(before.map((invoice) => [invoice.id, invoice.settledAt === null]));
  return after.filter((invoice) => invoice.settledAt !== null && outstandingOf(invoice) === 0 && (open.get(invoice.id) ?? true));
}

/** What the ledger keeps denormalised for reads and indexes: outstanding total and the oldest open due day. */
export function ledgerSummary(state: Pick<LedgerState, 'invoices'>): { outstandingMinor: number; oldestOpenDueDayNumber: number | null } {
  const open = openInvoicesOldestFirst(state.invoices);
  return { outstandingMinor: open.reduce((sum, invoice) => sum + outstandingOf(invoice), 0), oldestOpenDueDayNumber: open[0]?.dueDayNumber ?? null };
}

/** Days an invoice due on `dueDayNumber` is past due on `asOfDayNumber` (0 or less: not yet overdue). */
export function daysPastDue(dueDayNumber: number, asOfDayNumber: number): number {
  return asOfDayNumber - dueDayNumber;
}

export const ageingBuckets = ['CURRENT', 'DAYS_1_30', 'DAYS_31_60', 'DAYS_61_90', 'DAYS_91_180', 'DAYS_181_365', 'OVER_365'] as const;
export type AgeingBucket = (typeof ageingBuckets)[number];

/** The highest number of days past due each bucket takes (OVER_365 takes the rest); CURRENT is not yet overdue. */
export const ageingBucketLimits: readonly [AgeingBucket, number][] = [
  ['CURRENT', 0],
  ['DAYS_1_30', 30],
  ['DAYS_31_60', 60],
  ['DAYS_61_90', 90],
  ['DAYS_91_180', 180],
  ['DAYS_181_365', 365],
];

export function ageingBucketOf(daysPastDueValue: number): AgeingBucket {
  for (const [bucket, limit] of ageingBucketLimits) if (daysPastDueValue <= limit) return bucket;
  return 'OVER_365';
}

/**
 * The same buckets as a Mongo expression over a days-past-due expression (nested $cond: the dev server has no
 * $switch, ADR 0001), so the aggregation and `ageingBucketOf` share one table.
 */
export function ageingBucketExpression(days: unknown): unknown {
  return ageingBucketLimits.reduceRight<unknown>((otherwise, [bucket, limit]) => ({ $cond: [{ $lte: [days, limit] }, bucket, otherwise] }), 'OVER_365');
}

/** Dunning: reminders go up to this level; the next step is the bad-customer procedure, not a fourth letter. */
export const MAX_DUNNING_LEVEL = 3;
