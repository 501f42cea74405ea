/*
 * The credit review's reading rules (docs/domain/credit.md): a profile is reviewed by its `nextReviewDue`, which the
 * grade caps (credit-policy.ts). Pure, so every edge is unit-tested.
 */

export type ReviewDueStatus = 'OVERDUE' | 'DUE';

const DAY_MS = 86_400_000;

/** Most days ahead the reviews-due list looks. */
export const MAX_REVIEW_WINDOW_DAYS = 366;

/**
 * Where a review stands at `asOf`: OVERDUE once its due instant has passed, DUE when it falls due within the next
 * `withinDays` days (the due instant itself included), null when it is further away.
 */
export function reviewStatusOf(nextReviewDue: Date, asOf: Date, withinDays: number): ReviewDueStatus | null {
  if (nextReviewDue.getTime() < asOf.getTime()) return 'OVERDUE';
  if (nextReviewDue.getTime() <= reviewHorizon(asOf, withinDays).getTime()) return 'DUE';
  return null;
}

/** The last instant the list covers: `withinDays` whole days after `asOf`. */
export function reviewHorizon(asOf: Date, withinDays: number): Date {
  return new Date(asOf.getTime() + withinDays * DAY_MS);
}

/** Whole days a review is past its due instant at `asOf` (0 while not overdue, and in its first 24 hours). */
export function daysOverdue(nextReviewDue: Date, asOf: Date): number {
  const late = asOf.getTime() - nextReviewDue.getTime();
  return late > 0 ? Math.floor(late / DAY_MS) : 0;
}

/**
 * Whether the review watch raises crm.credit.review.overdue for a profile now: its due instant has passed and the
 * event was not raised for this due date yet (once per profile and due date; a review sets a new due date).
 */
export function overdueEventDue(profile: { nextReviewDue: Date; reviewOverdueRaisedFor?: Date | null }, now: Date): boolean {
  if (profile.nextReviewDue.getTime() >= now.getTime()) return false;
  return profile.reviewOverdueRaisedFor?.getTime() !== profile.nextReviewDue.getTime();
}
