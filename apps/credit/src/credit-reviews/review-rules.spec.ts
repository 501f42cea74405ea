import { daysOverdue, overdueEventDue, reviewHorizon, reviewStatusOf } from './review-rules';

describe('credit review rules', () => {
  const asOf = new Date('2025-06-10T08:00:00Z');
  const at = (offsetMs: number) => new Date(asOf.getTime() + offsetMs);
  const DAY = 86_400_000;

  it('calls a review overdue once its due instant has passed, not at the instant itself', () => {
    expect(reviewStatusOf(at(-1), asOf, 0)).toBe('OVERDUE');
    expect(reviewStatusOf(at(-400 * DAY), asOf, 30)).toBe('OVERDUE');
    expect(reviewStatusOf(at(0), asOf, 0)).toBe('DUE');
    expect(reviewStatusOf(at(1), asOf, 0)).toBeNull();
  });

  it('lists a review as due within the window, its last instant included', () => {
    expect(reviewStatusOf(at(30 * DAY), asOf, 30)).toBe('DUE');
    expect(reviewStatusOf(at(30 * DAY + 1), asOf, 30)).toBeNull();
    expect(reviewHorizon(asOf, 30).toISOString()).toBe('2025-07-10T08:00:00.000Z');
  });

  it('counts whole days overdue', () => {
    expect(daysOverdue(at(0), asOf)).toBe(0);
    expect(daysOverdue(at(-DAY + 1), asOf)).toBe(0);
    expect(daysOverdue(at(-DAY), asOf)).toBe(1);
    expect(daysOverdue(at(-45 * DAY - 5), asOf)).toBe(45);
    expect(daysOverdue(at(DAY), asOf)).toBe(0);
  });

  it('raises the overdue event once per due date: not before it passes, not twice, again for a new due date', () => {
    const due = at(-1);
    expect(overdueEventDue({ nextReviewDue: at(0) }, asOf)).toBe(false);
    expect(overdueEventDue({ nextReviewDue: due }, asOf)).toBe(true);
    expect(overdueEventDue({ nextReviewDue: due, reviewOverdueRaisedFor: null }, asOf)).toBe(true);
    expect(overdueEventDue({ nextReviewDue: due, reviewOverdueRaisedFor: new Date(due) }, asOf)).toBe(false);
    expect(overdueEventDue({ nextReviewDue: due, reviewOverdueRaisedFor: at(-90 * DAY) }, asOf)).toBe(true);
  });
});
