import { actorOf, BadUserInputError, parseInput } from '@crm/kernel';
import { subYears } from 'date-fns';
import { z } from 'zod';
import type { CustomerAccess } from '../access/customer-access';
import type { CustomerExtension } from '../customers/customer-extensions';
import { customerCardChangesInput } from '../customers/customer-input';
import type { CustomerStore } from '../customers/customer-store';
import type { CustomerRecord } from '../customers/customer.model';
import type { CustomersService } from '../customers/customers.service';
import { listReviewOf, nextReviewDue } from './list-review-rules';
import { LIST_REVIEW_INTERVAL_YEARS, type ListReviewEntryRecord } from './list-review.model';

const reviewInput = z.object({
  id: z.string(),
  note: z.string().trim().max(2000).nullish(),
  corrections: customerCardChangesInput.nullish(),
});

/** The two-yearly review of the customer list (docs/domain/accounts.md, dynamic archive): a task per customer. */
export class ListReviewService {
  constructor(
    private readonly store: CustomerStore,
    private readonly customers: CustomersService,
  ) {}

  extension(): CustomerExtension {
    return {
      name: 'list-review',
      onCreate: ({ now }) => ({ listReview: { dueAt: nextReviewDue(now), reviews: [] } }),
      filter: (filter, { now }) => {
        const criteria: Record<string, unknown>[] = [];
        const overdueBefore = (at: Date) => ({ $or: [{ 'listReview.dueAt': { $lt: at } }, { listReview: null, createdAt: { $lt: subYears(at, LIST_REVIEW_INTERVAL_YEARS) } }] });
        if (filter.reviewOverdue === true) criteria.push(overdueBefore(now));
        if (filter.reviewOverdue === false) criteria.push({ $nor: [overdueBefore(now)] });
        if (filter.reviewDueBefore) {
          const before = new Date(filter.reviewDueBefore as string);
          if (Number.isNaN(before.getTime())) throw new BadUserInputError('filter.reviewDueBefore', 'must be an ISO-8601 date-time');
          criteria.push(overdueBefore(before));
        }
        return criteria;
      },
      sortPaths: { REVIEW_DUE_AT: 'listReview.dueAt' },
    };
  }

  /**
   * Review a customer's entry: corrections (if any) are applied and kept in the history, the review is recorded
   * with its reviewer and date, the data counts as verified and the next review is due in two years.
   */
  async review(access: CustomerAccess, rawInput: unknown): Promise<CustomerRecord> {
    const input = parseInput(reviewInput, rawInput);
    const { id } = input;
    const reviewer = access.caller.userId;
    return this.store.modify(await this.customers.editableId(access, id), actorOf(access.caller), (current) => {
      const now = this.store.now();
      const corrections = input.corrections ? this.customers.cardWrite(current, input.corrections, 'input.corrections') : null;
      const entry: ListReviewEntryRecord = { at: now, by: reviewer, note: input.note ?? null, correctedFields: corrections?.changes.map((c) => c.field) ?? [] };
      const previous = listReviewOf(current);
      const dueAt = nextReviewDue(now);
      const review = current.listReview
        ? { 'listReview.dueAt': dueAt, 'listReview.lastReviewedAt': now, 'listReview.lastReviewedBy': reviewer }
        : { listReview: { ...previous, dueAt, lastReviewedAt: now, lastReviewedBy: reviewer, reviews: [entry] } };
      return {
        set: { ...corrections?.set, ...review, lastVerifiedAt: now, lastVerifiedBy: reviewer },
        push: current.listReview ? { 'listReview.reviews': [entry] } : undefined,
        changes: [...(corrections?.changes ?? []), { field: 'listReview', before: { dueAt: previous.dueAt.toISOString() }, after: { note: entry.note, correctedFields: entry.correctedFields, nextDueAt: dueAt.toISOString() } }],
        reportable: Boolean(corrections),
      };
    });
  }
}
