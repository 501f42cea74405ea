import { addMonths } from 'date-fns';

/** Credit grades, best first (docs/domain/credit.md). */
export const creditGrades = ['AAA', 'AA', 'A', 'B', 'C', 'D'] as const;
export type CreditGrade = (typeof creditGrades)[number];

/** The currency the ceilings below are set in. */
export const POLICY_CURRENCY = 'CNY';

export interface GradePolicy {
  /** Highest credit limit, in POLICY_CURRENCY. */
  maxCreditLimit: number;
  maxPaymentTermDays: number;
  /** A profile is reviewed at least this often. */
  reviewEveryMonths: number;
}

/** The grade drives the terms: smaller limits, shorter terms and closer reviews for low grades. */
export const creditPolicy: Record<CreditGrade, GradePolicy> = {
  AAA: { maxCreditLimit: Number.POSITIVE_INFINITY, maxPaymentTermDays: 180, reviewEveryMonths: 12 },
  AA: { maxCreditLimit: 5_000_000, maxPaymentTermDays: 120, reviewEveryMonths: 12 },
  A: { maxCreditLimit: 1_000_000, maxPaymentTermDays: 90, reviewEveryMonths: 6 },
  B: { maxCreditLimit: 200_000, maxPaymentTermDays: 60, reviewEveryMonths: 6 },
  C: { maxCreditLimit: 50_000, maxPaymentTermDays: 30, reviewEveryMonths: 3 },
  // D: cash only, reviewed quarterly in case it can be lifted.
  D: { maxCreditLimit: 0, maxPaymentTermDays: 0, reviewEveryMonths: 3 },
};

export interface CreditTerms {
  grade: CreditGrade;
  creditLimit: number;
  currency: string;
  paymentTermDays: number;
  frozen: boolean;
  nextReviewDue: Date;
}

/** A term the policy refuses: which input field and why. */
export interface PolicyViolation {
  field: 'creditLimit' | 'currency' | 'paymentTermDays' | 'nextReviewDue';
  message: string;
}

/** The latest date the next review may be set to: the grade's interval after this review. */
export function latestNextReview(grade: CreditGrade, reviewedAt: Date): Date {
  return addMonths(reviewedAt, creditPolicy[grade].reviewEveryMonths);
}

/** The first term the grade's policy refuses, or null when the terms are allowed. */
export function policyViolation(terms: CreditTerms, reviewedAt: Date): PolicyViolation | null {
  return policyViolations(terms, reviewedAt)[0] ?? null;
}

/**
 * Every term the grade's policy refuses, one per field, in the order currency (which hides the limit check: a limit
 * in another currency cannot be compared with the CNY ceiling), limit, payment term, next review. Empty when allowed.
 */
export function policyViolations(terms: CreditTerms, reviewedAt: Date): PolicyViolation[] {
  const policy = creditPolicy[terms.grade];
  const found: PolicyViolation[] = [];
  // The ceilings are CNY amounts; checking a limit in another currency needs exchange rates credit does not hold.
  if (terms.currency !== POLICY_CURRENCY && Number.isFinite(policy.maxCreditLimit)) {
    found.push({ field: 'currency', message: `a ${terms.grade} limit must be set in ${POLICY_CURRENCY}, the currency of the grade ceilings` });
  } else if (terms.creditLimit > policy.maxCreditLimit) {
    found.push({
      field: 'creditLimit',
      message: policy.maxCreditLimit === 0 ? `a ${terms.grade} customer gets no credit: the limit must be 0` : `a ${terms.grade} customer's limit is at most ${policy.maxCreditLimit} ${POLICY_CURRENCY}`,
    });
  }
  if (terms.paymentTermDays > policy.maxPaymentTermDays) {
    found.push({ field: 'paymentTermDays', message: `a ${terms.grade} customer's payment term is at most ${policy.maxPaymentTermDays} days` });
  }
  if (terms.nextReviewDue.getTime() <= reviewedAt.getTime()) found.push({ field: 'nextReviewDue', message: 'must be after this review' });
  else if (terms.nextReviewDue.getTime() > latestNextReview(terms.grade, reviewedAt).getTime()) {
    found.push({ field: 'nextReviewDue', message: `a ${terms.grade} profile is reviewed at least every ${policy.reviewEveryMonths} months` });
  }
  return found;
}
