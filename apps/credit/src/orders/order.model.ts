import { outboxPlugin, type WithPendingEvents } from '@crm/events';
import { withIdempotencyKey } from '@crm/data';
import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { CreditCheckResult, HoldReasonCode } from './credit-check';

export const orderStatuses = ['HELD', 'OPEN', 'REJECTED', 'DELIVERED', 'CANCELLED'] as const;
export type OrderStatus = (typeof orderStatuses)[number];

export interface OrderLineRecord {
  product: string;
  quantity: number;
  unitPriceMinor: number;
  amountMinor: number;
}

export interface CreditCheckRecord extends CreditCheckResult {
  at: Date;
}

export const creditDecisionKinds = ['CHECK', 'RELEASE', 'REJECT', 'RECHECK'] as const;
export type CreditDecisionKind = (typeof creditDecisionKinds)[number];

/** One credit decision on an order: the check at entry, a release, a rejection, a recheck; who, when and why. */
export interface CreditDecisionRecord {
  kind: CreditDecisionKind;
  /** Where the decision left the order. */
  outcome: 'PASSED' | 'HELD' | 'RELEASED' | 'REJECTED';
  at: Date;
  by: string;
  /** The controller's note (required for a release or a rejection). */
  note: string | null;
  /** The check the decision ran (CHECK and RECHECK). */
  check: CreditCheckRecord | null;
}

export interface OrderRecord extends WithPendingEvents {
  _id: Types.ObjectId;
  customerId: string;
  /** The customer's owner, department and region at entry (from accounts' events), never typed. */
  consultantId: string;
  departmentId: string;
  region: string | null;
  /** The engagement event the sale was made at. */
  eventId: string | null;
  lines: OrderLineRecord[];
  currency: string;
  amountMinor: number;
  status: OrderStatus;
  /** The latest credit check (at entry, or the latest recheck). */
  creditCheck: CreditCheckRecord;
  decisions: CreditDecisionRecord[];
  placedBy: string;
  placedAt: Date;
  /** When the customer ordered (an order entered after the fact); placedAt otherwise. */
  orderedAt: Date;
  deliveredAt: Date | null;
  deliveredBy: string | null;
  cancelledAt: Date | null;
  cancelledBy: string | null;
  cancelReason: string | null;
  idempotencyKey?: string;
  revision: number;
}

const lineSchema = new Schema<OrderLineRecord>(
  { product: { type: String, required: true }, quantity: { type: Number, required: true }, unitPriceMinor: { type: Number, required: true }, amountMinor: { type: Number, required: true } },
  { _id: false },
);

const holdReasonSchema = new Schema<{ code: HoldReasonCode; message: string }>({ code: { type: String, required: true }, message: { type: String, required: true } }, { _id: false });

const checkSchema = new Schema<CreditCheckRecord>(
  {
    at: { type: Date, required: true },
    outcome: { type: String, required: true },
    reasons: { type: [holdReasonSchema], default: [] },
    exposureMinor: { type: Number, required: true },
    availableMinor: { type: Number, default: null },
    creditLimitMinor: { type: Number, default: null },
    openReceivablesMinor: { type: Number, required: true },
    openOrdersMinor: { type: Number, required: true },
    oldestOverdueDays: { type: Number, default: null },
  },
  { _id: false },
);

const decisionSchema = new Schema<CreditDecisionRecord>(
  {
    kind: { type: String, enum: creditDecisionKinds, required: true },
    outcome: { type: String, required: true },
    at: { type: Date, required: true },
    by: { type: String, required: true },
    note: { type: String, default: null },
    check: { type: checkSchema, default: null },
  },
  { _id: false },
);

const orderSchema = new Schema<OrderRecord>(
  {
    customerId: { type: String, required: true },
    consultantId: { type: String, required: true },
    departmentId: { type: String, required: true },
    region: { type: String, default: null },
    eventId: { type: String, default: null },
    lines: { type: [lineSchema], required: true },
    currency: { type: String, required: true },
    amountMinor: { type: Number, required: true },
    status: { type: String, enum: orderStatuses, required: true },
    creditCheck: { type: checkSchema, required: true },
    decisions: { type: [decisionSchema], default: [] },
    placedBy: { type: String, required: true },
    placedAt: { type: Date, required: true },
    orderedAt: { type: Date, required: true },
    deliveredAt: { type: Date, default: null },
    deliveredBy: { type: String, default: null },
    cancelledAt: { type: Date, default: null },
    cancelledBy: { type: String, default: null },
    cancelReason: { type: String, default: null },
    revision: { type: Number, required: true },
  },
  { versionKey: false },
);
orderSchema.plugin(outboxPlugin);
withIdempotencyKey(orderSchema);
// The credit check sums a customer's open orders; lists filter by customer and status.
orderSchema.index({ customerId: 1, status: 1 });
// Sales per consultant / department per period, composition and the ABC run read delivered orders by date.
orderSchema.index({ status: 1, deliveredAt: 1 });
orderSchema.index({ consultantId: 1, deliveredAt: 1 });
orderSchema.index({ departmentId: 1, deliveredAt: 1 });

export function orderModel(connection: Connection): Model<OrderRecord> {
  return connection.model<OrderRecord>('Order', orderSchema, 'credit_orders');
}

/** A line, a check or a decision as resolvers see them: with the order's currency for their Money fields. */
export type OrderLineView = OrderLineRecord & { currency: string };
export type CreditCheckView = CreditCheckRecord & { currency: string };
export type CreditDecisionView = CreditDecisionRecord & { currency: string };
