import { formatMoney } from '../money/money';

/**
 * A customer's credit standing, explained (docs/domain/credit.md): what a new order would meet. The worst status
 * wins: BAD_CASE_OPEN (a bad-customer case is open, or accounts marks the customer bad or removed) > FROZEN > ON_HOLD (held orders, an invoice
 * overdue beyond the hold days, or the exposure at or over the limit) > OK; every reason that applies is listed.
 */
export type CreditStandingStatus = 'OK' | 'ON_HOLD' | 'FROZEN' | 'BAD_CASE_OPEN';
export type CreditStandingReasonCode = 'BAD_CUSTOMER_CASE_OPEN' | 'CUSTOMER_BAD' | 'CUSTOMER_REMOVED' | 'ACCOUNT_FROZEN' | 'ORDERS_HELD' | 'INVOICE_OVERDUE' | 'CREDIT_LIMIT_REACHED' | 'NO_CREDIT_PROFILE';

export interface StandingFacts {
  /** A bad-customer case is open in credit (before and after accounts marks the customer BAD). */
  badCaseOpen: boolean;
  lifecycle: string | null;
  frozen: boolean;
  currency: string;
  /** Null without a credit profile. */
  creditLimitMinor: number | null;
  exposureMinor: number;
  heldOrders: number;
  oldestOverdueDays: number | null;
  holdOverdueDays: number;
}

export interface StandingReason {
  code: CreditStandingReasonCode;
  message: string;
}

export function creditStandingOf(facts: StandingFacts): { status: CreditStandingStatus; reasons: StandingReason[] } {
  const reasons: StandingReason[] = [];
  if (facts.badCaseOpen) reasons.push({ code: 'BAD_CUSTOMER_CASE_OPEN', message: 'a bad-customer case is open: no order is accepted and nothing ships' });
  if (facts.lifecycle === 'BAD') reasons.push({ code: 'CUSTOMER_BAD', message: 'accounts lists the customer as a bad customer' });
  if (facts.lifecycle === 'REMOVED') reasons.push({ code: 'CUSTOMER_REMOVED', message: 'the customer was removed from the archive' });
  if (facts.frozen) reasons.push({ code: 'ACCOUNT_FROZEN', message: 'finance froze the account: it accepts no order' });
  if (facts.heldOrders > 0) reasons.push({ code: 'ORDERS_HELD', message: `${facts.heldOrders} order${facts.heldOrders === 1 ? '' : 's'} held for a credit decision` });
  if (facts.oldestOverdueDays !== null && facts.oldestOverdueDays > facts.holdOverdueDays) reasons.push({ code: 'INVOICE_OVERDUE', message: `an invoice is ${facts.oldestOverdueDays} days overdue (new orders are held beyond ${facts.holdOverdueDays})` });
  if (facts.creditLimitMinor === null) reasons.push({ code: 'NO_CREDIT_PROFILE', message: 'no credit profile: every order is held until finance sets one' });
  else if (facts.exposureMinor >= facts.creditLimitMinor && facts.creditLimitMinor > 0) {
    reasons.push({ code: 'CREDIT_LIMIT_REACHED', message: `exposure ${formatMoney(facts.exposureMinor, facts.currency)} has reached the limit ${formatMoney(facts.creditLimitMinor, facts.currency)}` });
  }
  const has = (...codes: CreditStandingReasonCode[]) => reasons.some((r) => codes.includes(r.code));
  const status: CreditStandingStatus = has('BAD_CUSTOMER_CASE_OPEN', 'CUSTOMER_BAD', 'CUSTOMER_REMOVED') ? 'BAD_CASE_OPEN' : has('ACCOUNT_FROZEN') ? 'FROZEN' : has('ORDERS_HELD', 'INVOICE_OVERDUE', 'CREDIT_LIMIT_REACHED', 'NO_CREDIT_PROFILE') ? 'ON_HOLD' : 'OK';
  return { status, reasons };
}
