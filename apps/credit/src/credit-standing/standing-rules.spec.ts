import { creditStandingOf, type StandingFacts } from './standing-rules';

const facts = (overrides: Partial<StandingFacts> = {}): StandingFacts => ({
  badCaseOpen: false,
  lifecycle: 'ACTIVE',
  frozen: false,
  currency: 'CNY',
  creditLimitMinor: 100_000,
  exposureMinor: 0,
  heldOrders: 0,
  oldestOverdueDays: null,
  holdOverdueDays: 30,
  ...overrides,
});
const codes = (f: Partial<StandingFacts>) => creditStandingOf(facts(f)).reasons.map((r) => r.code);

describe('credit standing', () => {
  it('is OK with credit left, nothing held and nothing overdue too long', () => {
    expect(creditStandingOf(facts())).toEqual({ status: 'OK', reasons: [] });
    expect(creditStandingOf(facts({ exposureMinor: 99_999, oldestOverdueDays: 30 })).status).toBe('OK');
  });

  it('is ON_HOLD with held orders, an invoice overdue beyond the hold days, the limit reached or no profile', () => {
    expect(creditStandingOf(facts({ heldOrders: 2 }))).toEqual({ status: 'ON_HOLD', reasons: [{ code: 'ORDERS_HELD', message: '2 orders held for a credit decision' }] });
    expect(codes({ oldestOverdueDays: 31 })).toEqual(['INVOICE_OVERDUE']);
    expect(codes({ exposureMinor: 100_000 })).toEqual(['CREDIT_LIMIT_REACHED']);
    expect(codes({ creditLimitMinor: null })).toEqual(['NO_CREDIT_PROFILE']);
    expect(creditStandingOf(facts({ creditLimitMinor: null })).status).toBe('ON_HOLD');
  });

  it('is FROZEN over ON_HOLD, and BAD_CASE_OPEN over everything, listing every reason', () => {
    expect(creditStandingOf(facts({ frozen: true, heldOrders: 1 }))).toMatchObject({ status: 'FROZEN', reasons: [{ code: 'ACCOUNT_FROZEN' }, { code: 'ORDERS_HELD' }] });
    expect(creditStandingOf(facts({ lifecycle: 'BAD', frozen: true }))).toMatchObject({ status: 'BAD_CASE_OPEN', reasons: [{ code: 'CUSTOMER_BAD' }, { code: 'ACCOUNT_FROZEN' }] });
    expect(creditStandingOf(facts({ lifecycle: 'REMOVED' })).status).toBe('BAD_CASE_OPEN');
  });

  it('is BAD_CASE_OPEN from an open bad-customer case, before accounts marks the customer, over a freeze', () => {
    expect(creditStandingOf(facts({ badCaseOpen: true }))).toEqual({ status: 'BAD_CASE_OPEN', reasons: [{ code: 'BAD_CUSTOMER_CASE_OPEN', message: 'a bad-customer case is open: no order is accepted and nothing ships' }] });
    expect(codes({ badCaseOpen: true, lifecycle: 'BAD', frozen: true })).toEqual(['BAD_CUSTOMER_CASE_OPEN', 'CUSTOMER_BAD', 'ACCOUNT_FROZEN']);
  });

  it('does not call a cash-only customer (limit 0) over its limit', () => {
    expect(creditStandingOf(facts({ creditLimitMinor: 0 })).status).toBe('OK');
  });
});
