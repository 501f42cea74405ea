import { fixedClock } from '@crm/kernel';
import { creditGrades, creditPolicy, latestNextReview, POLICY_CURRENCY, policyViolation, policyViolations, type CreditGrade, type CreditTerms } from './credit-policy';

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

describe('credit policy, term by term', () => {
  const reviewedAt = new Date('2025-01-31T08:00:00Z');
  const terms = (grade: CreditGrade, overrides: Partial<CreditTerms> = {}): CreditTerms => ({
    grade,
    creditLimit: 0,
    currency: 'CNY',
    paymentTermDays: 0,
    frozen: false,
    nextReviewDue: latestNextReview(grade, reviewedAt),
    ...overrides,
  });

  it('lists the grades best first, with shorter terms and closer reviews further down', () => {
    expect(creditGrades).toEqual(['AAA', 'AA', 'A', 'B', 'C', 'D']);
    expect(creditGrades.map((g) => creditPolicy[g].maxPaymentTermDays)).toEqual([180, 120, 90, 60, 30, 0]);
    expect(creditGrades.map((g) => creditPolicy[g].reviewEveryMonths)).toEqual([12, 12, 6, 6, 3, 3]);
    expect(creditPolicy.AAA.maxCreditLimit).toBe(Number.POSITIVE_INFINITY);
  });

  it('explains a limit over the grade ceiling in CNY', () => {
    expect(policyViolation(terms('B', { creditLimit: 200_001 }), reviewedAt)).toEqual({ field: 'creditLimit', message: "a B customer's limit is at most 200000 CNY" });
  });

  it('explains a payment term over the grade maximum', () => {
    expect(policyViolation(terms('C', { paymentTermDays: 31 }), reviewedAt)).toEqual({ field: 'paymentTermDays', message: "a C customer's payment term is at most 30 days" });
    expect(policyViolation(terms('AAA', { paymentTermDays: 180 }), reviewedAt)).toBeNull();
  });

  it('explains a capped limit set in another currency, before anything else', () => {
    expect(policyViolation(terms('D', { currency: 'USD', creditLimit: 5 }), reviewedAt)).toEqual({ field: 'currency', message: 'a D limit must be set in CNY, the currency of the grade ceilings' });
  });

  it('accepts the next review exactly at the grade interval, not a moment later', () => {
    const latest = latestNextReview('A', reviewedAt);
    expect(policyViolation(terms('A', { nextReviewDue: latest }), reviewedAt)).toBeNull();
    expect(policyViolation(terms('A', { nextReviewDue: new Date(latest.getTime() + 1) }), reviewedAt)).toEqual({
      field: 'nextReviewDue',
      message: 'a A profile is reviewed at least every 6 months',
    });
    expect(policyViolation(terms('A', { nextReviewDue: new Date(reviewedAt.getTime() + 1) }), reviewedAt)).toBeNull();
    expect(policyViolation(terms('A', { nextReviewDue: new Date(reviewedAt.getTime() - 1) }), reviewedAt)).toEqual({ field: 'nextReviewDue', message: 'must be after this review' });
  });

  it('schedules an AA review a year on and a B review six months on', () => {
    expect(latestNextReview('AA', reviewedAt).toISOString()).toBe('2026-01-31T08:00:00.000Z');
    expect(latestNextReview('B', reviewedAt).toISOString()).toBe('2025-07-31T08:00:00.000Z');
    expect(latestNextReview('D', reviewedAt).toISOString()).toBe('2025-04-30T08:00:00.000Z');
  });

  it('sets the ceilings in CNY', () => {
    expect(POLICY_CURRENCY).toBe('CNY');
  });
});

describe('credit policy, every violation at once', () => {
  const reviewedAt = new Date('2025-01-31T08:00:00Z');
  const terms = (grade: CreditGrade, overrides: Partial<CreditTerms> = {}): CreditTerms => ({
    grade,
    creditLimit: 0,
    currency: 'CNY',
    paymentTermDays: 0,
    frozen: false,
    nextReviewDue: latestNextReview(grade, reviewedAt),
    ...overrides,
  });

  it('lists the limit, the term and the review date together', () => {
    expect(policyViolations(terms('C', { creditLimit: 50_001, paymentTermDays: 31, nextReviewDue: new Date('2026-01-01T00:00:00Z') }), reviewedAt).map((v) => v.field)).toEqual(['creditLimit', 'paymentTermDays', 'nextReviewDue']);
  });

  it('reports a foreign currency instead of the limit it makes incomparable', () => {
    expect(policyViolations(terms('B', { currency: 'USD', creditLimit: 999_999_999, paymentTermDays: 61 }), reviewedAt).map((v) => v.field)).toEqual(['currency', 'paymentTermDays']);
  });

  it('reports a past review date once, not also as too late', () => {
    expect(policyViolations(terms('A', { nextReviewDue: new Date(reviewedAt.getTime() - 1) }), reviewedAt)).toEqual([{ field: 'nextReviewDue', message: 'must be after this review' }]);
  });

  it('is empty for allowed terms, and policyViolation is its first entry', () => {
    expect(policyViolations(terms('A', { creditLimit: 1_000_000, paymentTermDays: 90 }), reviewedAt)).toEqual([]);
    const bad = terms('C', { creditLimit: 50_001, paymentTermDays: 31 });
    expect(policyViolation(bad, reviewedAt)).toEqual(policyViolations(bad, reviewedAt)[0]);
  });
});
