import { formatMoney } from '../money/money';

/**
 * The automatic credit check at order entry (docs/domain/credit.md), as ERP credit management runs it: the
 * customer's exposure (open receivables + open orders) plus the new order must stay within the credit limit, and
 * no invoice may be overdue more than the configured days (the oldest-open-item check). An order that fails is
 * HELD with every reason until a credit controller releases or rejects it; a frozen account or a bad or removed
 * customer is refused outright (no order is kept).
 */
export type HoldReasonCode = 'OVER_CREDIT_LIMIT' | 'NO_CREDIT_PROFILE' | 'OVERDUE_INVOICE';
export type RefusalReason = 'ACCOUNT_FROZEN' | 'CUSTOMER_BAD' | 'CUSTOMER_REMOVED' | 'BAD_CUSTOMER_CASE_OPEN';

export interface HoldReason {
  code: HoldReasonCode;
  message: string;
}

export interface CreditCheckFacts {
  /** The order being checked, in minor units of `currency`. */
  orderAmountMinor: number;
  currency: string;
  /** The customer's credit limit in minor units of `currency`; null when finance has set no profile (cash only). */
  creditLimitMinor: number | null;
  /** Outstanding invoices less the credit held for the customer (never below 0). */
  openReceivablesMinor: number;
  /** Accepted orders not delivered yet (HELD orders are not exposure until released). */
  openOrdersMinor: number;
  /** Days the customer's oldest open invoice is overdue; null when none is overdue. */
  oldestOverdueDays: number | null;
  /** An invoice overdue more than this many days holds every new order. */
  maxOverdueDays: number;
}

export interface CreditCheckResult {
  outcome: 'PASSED' | 'HELD';
  reasons: HoldReason[];
  exposureMinor: number;
  /** Credit left before this order: limit − exposure (negative when already over); null without a profile. */
  availableMinor: number | null;
  creditLimitMinor: number | null;
  openReceivablesMinor: number;
  openOrdersMinor: number;
  oldestOverdueDays: number | null;
}

export function runCreditCheck(facts: CreditCheckFacts): CreditCheckResult {
  const exposureMinor = facts.openReceivablesMinor + facts.openOrdersMinor;
  const availableMinor = facts.creditLimitMinor === null ? null : facts.creditLimitMinor - exposureMinor;
  const reasons: HoldReason[] = [];
  const amount = (minor: number) => formatMoney(minor, facts.currency);
  if (facts.creditLimitMinor === null) {
    if (facts.orderAmountMinor > 0) reasons.push({ code: 'NO_CREDIT_PROFILE', message: 'the customer has no credit profile: no credit until finance sets one' });
  } else if (exposureMinor + facts.orderAmountMinor > facts.creditLimitMinor) {
    reasons.push({
      code: 'OVER_CREDIT_LIMIT',
      message: `the order (${amount(facts.orderAmountMinor)}) exceeds the available credit (${amount(availableMinor!)}: limit ${amount(facts.creditLimitMinor)}, open receivables ${amount(facts.openReceivablesMinor)}, open orders ${amount(facts.openOrdersMinor)})`,
    });
  }
  if (facts.oldestOverdueDays !== null && facts.oldestOverdueDays > facts.maxOverdueDays) {
    reasons.push({ code: 'OVERDUE_INVOICE', message: `an invoice is ${facts.oldestOverdueDays} days overdue (more than ${facts.maxOverdueDays})` });
  }
  return {
    outcome: reasons.length > 0 ? 'HELD' : 'PASSED',
    reasons,
    exposureMinor,
    availableMinor,
    creditLimitMinor: facts.creditLimitMinor,
    openReceivablesMinor: facts.openReceivablesMinor,
    openOrdersMinor: facts.openOrdersMinor,
    oldestOverdueDays: facts.oldestOverdueDays,
  };
}

/** Why an order is refused outright, or null: a removed or bad customer first (the stronger reason), then a frozen account. */
export function refusalOf(facts: { frozen: boolean; lifecycle: string | null }): RefusalReason | null {
  if (facts.lifecycle === 'REMOVED') return 'CUSTOMER_REMOVED';
  if (facts.lifecycle === 'BAD') return 'CUSTOMER_BAD';
  if (facts.frozen) return 'ACCOUNT_FROZEN';
  return null;
}

export const refusalMessages: Record<RefusalReason, string> = {
  ACCOUNT_FROZEN: 'The customer\'s account is frozen: it accepts no order',
  CUSTOMER_BAD: 'The customer is a bad customer: it accepts no order',
  CUSTOMER_REMOVED: 'The customer was removed from the archive: it accepts no order',
  BAD_CUSTOMER_CASE_OPEN: 'A bad-customer case is open for the customer: it accepts no order and nothing ships',
};
