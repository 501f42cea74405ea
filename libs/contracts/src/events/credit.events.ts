import { z } from 'zod';
import { defineEvent } from '../event-contract';
import { consultantIdSchema, customerIdSchema, departmentIdSchema } from '../entity-keys';

const creditGrade = z.enum(['AAA', 'AA', 'A', 'B', 'C', 'D']);

export const creditProfileChangedV1 = defineEvent(
  'credit',
  'crm.credit.profile.changed',
  'v1',
  z.object({
    customerId: customerIdSchema,
    grade: creditGrade,
    /** Null when the profile was just created. */
    previousGrade: creditGrade.nullable(),
    creditLimit: z.number().nonnegative(),
    /** ISO 4217 code of creditLimit. */
    currency: z.string().regex(/^[A-Z]{3}$/),
    paymentTermDays: z.number().int().nonnegative(),
    frozen: z.boolean(),
    /** The profile's revision after this change; consumers keep the highest they have seen. */
    revision: z.number().int().positive(),
  }),
);

/**
 * A customer's sales tier (ABC analysis, docs/domain/accounts.md and docs/domain/credit.md) for a period, computed by credit from its sales
 * figures. accounts shows the latest period's tier on Customer; it is never typed by hand.
 */
export const salesTierComputedV1 = defineEvent(
  'credit',
  'crm.credit.sales-tier.computed',
  'v1',
  z.object({
    customerId: customerIdSchema,
    tier: z.enum(['A', 'B', 'C', 'D']),
    /** First and last calendar day (YYYY-MM-DD) of the sales period the tier was computed over. */
    periodStart: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    periodEnd: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    /** ABC share of purchase amounts, or average monthly / annual sales. */
    basis: z.enum(['PURCHASE_AMOUNT_ABC', 'AVERAGE_MONTHLY_SALES', 'AVERAGE_ANNUAL_SALES']),
  }),
);

/**
 * An amount of money as credit keeps it: integer minor units (fen for CNY, cents for USD, yen for JPY) with an ISO
 * 4217 code, never a float. Safe integers (|n| ≤ 2^53 − 1) stay exact in JSON and in every JavaScript client.
 */
export const moneySchema = z.object({
  amountMinor: z.number().int().refine(Number.isSafeInteger, 'must be a safe integer'),
  currency: z.string().regex(/^[A-Z]{3}$/),
});

/**
 * An order was delivered to the customer (credit's orders, docs/domain/credit.md). engagement plans its return
 * visit from it and surveys its after-sale survey; credit's receivables invoice it. `consultantId`, `departmentId`
 * and `region` are the customer's at order entry (taken from accounts' scope, never typed).
 */
export const orderDeliveredV1 = defineEvent(
  'credit',
  'crm.credit.order.delivered',
  'v1',
  z.object({
    orderId: z.string().min(1),
    customerId: customerIdSchema,
    /** The consultant who owns the customer (the sale counts for them). */
    consultantId: consultantIdSchema,
    departmentId: departmentIdSchema,
    /** The customer's sales region; null when accounts has none. */
    region: z.string().nullable(),
    /** The engagement event (seminar, fair) the sale was made at; null for an ordinary sale. */
    eventId: z.string().nullable(),
    lines: z
      .array(
        z.object({
          product: z.string().min(1),
          quantity: z.number().int().positive(),
          unitPrice: moneySchema,
          amount: moneySchema,
        }),
      )
      .min(1),
    /** The order's total: the sum of its lines, in their one currency. */
    amount: moneySchema,
    deliveredAt: z.string().datetime(),
  }),
);

/**
 * A credit profile's review is overdue: its `nextReviewDue` has passed and finance has not reviewed it
 * (docs/domain/credit.md, credit review). Raised once per profile and due date by credit's review watch; a review
 * sets a new due date, and the next overdue one raises it again.
 */
export const creditReviewOverdueV1 = defineEvent(
  'credit',
  'crm.credit.review.overdue',
  'v1',
  z.object({
    customerId: customerIdSchema,
    grade: creditGrade,
    /** The due date that passed. */
    dueAt: z.string().datetime(),
    /** When finance last reviewed the terms. */
    reviewedAt: z.string().datetime(),
    /** The profile's revision the review is overdue at. */
    revision: z.number().int().positive(),
  }),
);

/** The bad-customer criteria (credit's declarative rules, docs/domain/credit.md). */
export const badCustomerRuleCode = z.enum(['BANKRUPT_INSOLVENT_OR_HEAVY_LOSSES', 'OVERDUE_OVER_ONE_YEAR_NO_PAYMENT_PROMISE', 'NO_BUSINESS_OVER_ONE_YEAR', 'SERIOUS_IMAGE_DAMAGE', 'FRAUD_OR_SERIOUS_BREACH_OF_LAW']);

/**
 * A bad-customer case was opened (credit's bad-customers, docs/domain/credit.md): the customer met at least one
 * criterion and finance or the general manager applied the measures. accounts moves the customer's lifecycle to
 * BAD; other services may gate their actions on it. credit has cancelled the customer's open orders and refuses
 * new orders and deliveries while the case is open.
 */
export const badCustomerCaseOpenedV1 = defineEvent(
  'credit',
  'crm.credit.bad-customer-case.opened',
  'v1',
  z.object({
    caseId: z.string().min(1),
    customerId: customerIdSchema,
    /** The criteria the customer met, with the reason in words. */
    criteria: z.array(z.object({ rule: badCustomerRuleCode, reason: z.string() })).min(1),
    /** The measures the case applies, each a task of the department named. */
    measures: z.array(z.object({ measure: z.string().min(1), department: z.enum(['ADMINISTRATION', 'BUSINESS_DEPARTMENT', 'FINANCE']) })).min(1),
    openedAt: z.string().datetime(),
  }),
);

/**
 * A bad-customer case was closed with its cause analysis and preventive measures, every measure done, and
 * archived. accounts moves the customer's lifecycle to REMOVED when the case ended the relationship (the general
 * measure "remove from the archive", or the special one declaring it ended); otherwise the lifecycle stays BAD.
 */
export const badCustomerCaseClosedV1 = defineEvent(
  'credit',
  'crm.credit.bad-customer-case.closed',
  'v1',
  z.object({
    caseId: z.string().min(1),
    customerId: customerIdSchema,
    causeAnalysis: z.string().min(1),
    preventiveMeasures: z.string().min(1),
    /** Whether the case removed the customer from the archive or declared the relationship ended (every case applies REMOVE_FROM_ARCHIVE today). */
    removeFromArchive: z.boolean(),
    /** The measures the case carried out (all done when it closes); absent from events published before it was added. */
    appliedMeasures: z.array(z.string().min(1)).optional(),
    closedAt: z.string().datetime(),
  }),
);

/**
 * An invoice was paid in full (credit's receivables, docs/domain/credit.md): by a payment's allocation, or by credit
 * held from an earlier overpayment when it was issued. Published once per invoice, in the ledger write that settles
 * it. engagement's loyalty ledger earns purchase points from it.
 */
export const invoiceSettledV1 = defineEvent(
  'credit',
  'crm.credit.invoice.settled',
  'v1',
  z.object({
    invoiceId: z.string().min(1),
    /** The delivered order the invoice is for. */
    orderId: z.string().min(1),
    customerId: customerIdSchema,
    /** The consultant the sale counts for (the customer's owner at order entry). */
    consultantId: consultantIdSchema,
    /** The invoice's amount: what the customer paid for the purchase. */
    amount: moneySchema,
    /** When the money that settled it was received (a payment's receipt, or the invoice's issue for credit held). */
    settledAt: z.string().datetime(),
  }),
);
