import { refusalOf, runCreditCheck, type CreditCheckFacts } from './credit-check';

describe('credit check at order entry', () => {
  const facts = (overrides: Partial<CreditCheckFacts> = {}): CreditCheckFacts => ({
    orderAmountMinor: 10_000,
    currency: 'CNY',
    creditLimitMinor: 100_000,
    openReceivablesMinor: 0,
    openOrdersMinor: 0,
    oldestOverdueDays: null,
    maxOverdueDays: 30,
    ...overrides,
  });

  it('passes an order within the limit when nothing is open', () => {
    expect(runCreditCheck(facts())).toEqual({ outcome: 'PASSED', reasons: [], exposureMinor: 0, availableMinor: 100_000, creditLimitMinor: 100_000, openReceivablesMinor: 0, openOrdersMinor: 0, oldestOverdueDays: null });
  });

  it('passes an order that uses exactly the available credit, and holds one a fen more', () => {
    expect(runCreditCheck(facts({ orderAmountMinor: 100_000 })).outcome).toBe('PASSED');
    const held = runCreditCheck(facts({ orderAmountMinor: 100_001 }));
    expect(held.outcome).toBe('HELD');
    expect(held.reasons.map((r) => r.code)).toEqual(['OVER_CREDIT_LIMIT']);
  });

  it('counts open receivables into the exposure', () => {
    expect(runCreditCheck(facts({ openReceivablesMinor: 90_000, orderAmountMinor: 10_000 })).outcome).toBe('PASSED');
    const held = runCreditCheck(facts({ openReceivablesMinor: 90_001, orderAmountMinor: 10_000 }));
    expect(held).toMatchObject({ outcome: 'HELD', exposureMinor: 90_001, availableMinor: 9_999 });
  });

  it('counts open orders into the exposure: the same order passes without them and is held with them', () => {
    expect(runCreditCheck(facts({ orderAmountMinor: 60_000 })).outcome).toBe('PASSED');
    const held = runCreditCheck(facts({ orderAmountMinor: 60_000, openOrdersMinor: 40_001 }));
    expect(held).toMatchObject({ outcome: 'HELD', exposureMinor: 40_001, openOrdersMinor: 40_001 });
    expect(runCreditCheck(facts({ orderAmountMinor: 60_000, openOrdersMinor: 40_000 })).outcome).toBe('PASSED');
  });

  it('adds receivables and open orders together', () => {
    const check = runCreditCheck(facts({ openReceivablesMinor: 30_000, openOrdersMinor: 30_000, orderAmountMinor: 40_001 }));
    expect(check).toMatchObject({ outcome: 'HELD', exposureMinor: 60_000, availableMinor: 40_000 });
    expect(check.reasons[0].message).toBe('the order (400.01 CNY) exceeds the available credit (400.00 CNY: limit 1000.00 CNY, open receivables 300.00 CNY, open orders 300.00 CNY)');
  });

  it('reports a negative available credit when the customer is already over its limit', () => {
    expect(runCreditCheck(facts({ openReceivablesMinor: 120_000, orderAmountMinor: 1 }))).toMatchObject({ outcome: 'HELD', availableMinor: -20_000 });
  });

  it('holds on the oldest-open-item check only beyond the configured days', () => {
    expect(runCreditCheck(facts({ oldestOverdueDays: 30 })).outcome).toBe('PASSED');
    const held = runCreditCheck(facts({ oldestOverdueDays: 31 }));
    expect(held.reasons).toEqual([{ code: 'OVERDUE_INVOICE', message: 'an invoice is 31 days overdue (more than 30)' }]);
    expect(runCreditCheck(facts({ oldestOverdueDays: 1, maxOverdueDays: 0 })).outcome).toBe('HELD');
  });

  it('lists both reasons when an order is over the limit and an invoice is overdue too long', () => {
    expect(runCreditCheck(facts({ orderAmountMinor: 200_000, oldestOverdueDays: 45 })).reasons.map((r) => r.code)).toEqual(['OVER_CREDIT_LIMIT', 'OVERDUE_INVOICE']);
  });

  it('holds any order with an amount for a customer without a credit profile; a free order passes', () => {
    expect(runCreditCheck(facts({ creditLimitMinor: null })).reasons.map((r) => r.code)).toEqual(['NO_CREDIT_PROFILE']);
    expect(runCreditCheck(facts({ creditLimitMinor: null })).availableMinor).toBeNull();
    expect(runCreditCheck(facts({ creditLimitMinor: null, orderAmountMinor: 0 })).outcome).toBe('PASSED');
  });

  it('gives a cash-only (limit 0) customer no credit', () => {
    expect(runCreditCheck(facts({ creditLimitMinor: 0, orderAmountMinor: 1 })).outcome).toBe('HELD');
    expect(runCreditCheck(facts({ creditLimitMinor: 0, orderAmountMinor: 0 })).outcome).toBe('PASSED');
  });
});

describe('refusal at order entry', () => {
  it('refuses a frozen account, a bad and a removed customer; lets others through', () => {
    expect(refusalOf({ frozen: true, lifecycle: 'ACTIVE' })).toBe('ACCOUNT_FROZEN');
    expect(refusalOf({ frozen: false, lifecycle: 'BAD' })).toBe('CUSTOMER_BAD');
    expect(refusalOf({ frozen: false, lifecycle: 'REMOVED' })).toBe('CUSTOMER_REMOVED');
    expect(refusalOf({ frozen: false, lifecycle: 'ACTIVE' })).toBeNull();
    expect(refusalOf({ frozen: false, lifecycle: 'DORMANT' })).toBeNull();
    expect(refusalOf({ frozen: false, lifecycle: null })).toBeNull();
  });

  it('names the lifecycle before the freeze when both apply', () => {
    expect(refusalOf({ frozen: true, lifecycle: 'REMOVED' })).toBe('CUSTOMER_REMOVED');
    expect(refusalOf({ frozen: true, lifecycle: 'BAD' })).toBe('CUSTOMER_BAD');
  });
});
