import { fixedClock } from '@crm/kernel';
import { creditPolicy, latestNextReview, policyViolation, type CreditGrade, type CreditTerms } from './credit-policy';

describe('credit policy', () => {
  const clock = fixedClock('2025-01-31T08:00:00Z');
  const terms = (grade: CreditGrade, overrides: Partial<CreditTerms> = {}): CreditTerms => ({
    grade,
    creditLimit: 0,
    currency: 'CNY',
    paymentTermDays: 0,
    frozen: false,
    nextReviewDue: latestNextReview(grade, clock.now()),
    ...overrides,
  });

  it.each([
    ['D', 0],
    ['C', 50_000],
    ['B', 200_000],
    ['A', 1_000_000],
    ['AA', 5_000_000],
  ] as const)('caps a %s limit at %d CNY', (grade, max) => {
    expect(creditPolicy[grade].maxCreditLimit).toBe(max);
    expect(policyViolation(terms(grade, { creditLimit: max }), clock.now())).toBeNull();
    expect(policyViolation(terms(grade, { creditLimit: max + 1 }), clock.now())).toMatchObject({ field: 'creditLimit' });
  });

  it('gives a D customer no credit at all', () => {
    expect(policyViolation(terms('D', { creditLimit: 1 }), clock.now())).toEqual({ field: 'creditLimit', message: 'a D customer gets no credit: the limit must be 0' });
  });

  it('leaves an AAA limit uncapped', () => {
    expect(policyViolation(terms('AAA', { creditLimit: 1e12 }), clock.now())).toBeNull();
  });

  it('caps payment terms by grade', () => {
    expect(policyViolation(terms('B', { paymentTermDays: 60 }), clock.now())).toBeNull();
    expect(policyViolation(terms('B', { paymentTermDays: 61 }), clock.now())).toMatchObject({ field: 'paymentTermDays' });
    expect(policyViolation(terms('D', { paymentTermDays: 1 }), clock.now())).toMatchObject({ field: 'paymentTermDays' });
  });

  it('refuses a capped limit in a currency other than the ceilings\' CNY', () => {
    expect(policyViolation(terms('B', { currency: 'USD', creditLimit: 10 }), clock.now())).toMatchObject({ field: 'currency' });
    expect(policyViolation(terms('AAA', { currency: 'USD', creditLimit: 10 }), clock.now())).toBeNull();
  });

  it('schedules the next review by the grade interval, counting calendar months', () => {
    expect(latestNextReview('A', clock.now()).toISOString()).toBe('2025-07-31T08:00:00.000Z');
    expect(latestNextReview('C', clock.now()).toISOString()).toBe('2025-04-30T08:00:00.000Z');
    expect(latestNextReview('AAA', clock.now()).toISOString()).toBe('2026-01-31T08:00:00.000Z');
  });

  it('accepts an earlier next review but never a later one, nor one in the past', () => {
    const now = clock.now();
    expect(policyViolation(terms('A', { nextReviewDue: new Date('2025-03-01T00:00:00Z') }), now)).toBeNull();
    expect(policyViolation(terms('A', { nextReviewDue: new Date('2025-08-01T00:00:00Z') }), now)).toMatchObject({ field: 'nextReviewDue' });
    expect(policyViolation(terms('A', { nextReviewDue: now }), now)).toEqual({ field: 'nextReviewDue', message: 'must be after this review' });
  });
});
