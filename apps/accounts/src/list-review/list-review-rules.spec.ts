import { fixedClock } from '@crm/kernel';
import { isReviewOverdue, listReviewOf, nextReviewDue } from './list-review-rules';

describe('list review rules (at least every two years)', () => {
  it('is due two calendar years after the last review', () => {
    expect(nextReviewDue(new Date('2025-03-03T01:00:00Z')).toISOString()).toBe('2027-03-03T01:00:00.000Z');
    // A leap day moves to the last day of February.
    expect(nextReviewDue(new Date('2024-02-29T01:00:00Z')).toISOString()).toBe('2026-02-28T01:00:00.000Z');
  });

  it('is overdue once the due date has passed', () => {
    const clock = fixedClock('2027-03-03T01:00:00Z');
    const review = listReviewOf({ listReview: null, createdAt: new Date('2025-03-03T01:00:00Z') });
    expect(isReviewOverdue(review, clock.now())).toBe(false);
    clock.advance(1);
    expect(isReviewOverdue(review, clock.now())).toBe(true);
  });
});

describe('list review at its edges', () => {
  it('keeps a review stored on the customer as it is', () => {
    const stored = { dueAt: new Date('2026-01-01T00:00:00Z'), reviews: [] };
    expect(listReviewOf({ listReview: stored, createdAt: new Date('2020-01-01T00:00:00Z') })).toBe(stored);
  });

  it('dates the first review of a customer archived before reviews two years after its creation, with no reviews yet', () => {
    expect(listReviewOf({ listReview: undefined, createdAt: new Date('2020-05-01T00:00:00Z') })).toEqual({ dueAt: new Date('2022-05-01T00:00:00Z'), reviews: [] });
  });
});
