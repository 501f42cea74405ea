import { addYears } from 'date-fns';
import type { CustomerRecord } from '../customers/customer.model';
import { LIST_REVIEW_INTERVAL_YEARS, type ListReviewRecord } from './list-review.model';

/** The next review is due two years after the last one (or after the customer entered the archive). */
export function nextReviewDue(from: Date): Date {
  return addYears(from, LIST_REVIEW_INTERVAL_YEARS);
}

/** Customers archived before reviews were tracked are due two years after creation. */
export function listReviewOf(customer: Pick<CustomerRecord, 'listReview' | 'createdAt'>): ListReviewRecord {
  return customer.listReview ?? { dueAt: nextReviewDue(customer.createdAt), reviews: [] };
}

export function isReviewOverdue(review: ListReviewRecord, now: Date): boolean {
  return review.dueAt.getTime() < now.getTime();
}
