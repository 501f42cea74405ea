import { env, requireCaller, selectsField } from '@crm/kernel';
import { creditProfilesToken } from '../credit-profiles/credit-profiles.plugin';
import { definePlugin } from '../define-plugin';
import { z } from 'zod';
import { CreditReviewsService } from './credit-reviews.service';

/** The credit review: the reviews due and overdue (finance, general manager) and the watch raising crm.credit.review.overdue once. */
export const creditReviewsPlugin = definePlugin({
  name: 'credit-reviews',
  uses: [creditProfilesToken],
  sdl: ['credit-reviews.graphql'],
  config: z.object({
    CREDIT_REVIEW_WATCH_INTERVAL_MS: env.positiveInt(60_000).describe('How often the review watch looks for credit reviews past due (each due date is announced once).'),
  }),
  register({ clock, config, logger, use }) {
    const reviews = new CreditReviewsService(use(creditProfilesToken).profiles, clock, logger);
    return {
      resolvers: {
        Query: {
          creditReviewsDue: (_, args, ctx, info) => reviews.due(requireCaller(ctx), { ...args, countTotal: selectsField(info, 'totalCount') }),
        },
        CreditReviewDue: {
          id: (due) => `${due.profile._id}:credit-review:${due.profile.nextReviewDue.toISOString()}`,
          customerId: (due) => due.profile._id,
          customer: (due) => ({ id: due.profile._id }),
          creditProfile: (due) => due.profile,
          grade: (due) => due.profile.grade,
          dueAt: (due) => due.profile.nextReviewDue,
          reviewedAt: (due) => due.profile.reviewedAt,
          overdueAnnounced: (due) => due.profile.reviewOverdueRaisedFor?.getTime() === due.profile.nextReviewDue.getTime(),
        },
      },
      // The profiles' model (and its outbox) is the credit-profiles plugin's.
      jobs: [{ name: 'credit-review-watch', intervalMs: config.CREDIT_REVIEW_WATCH_INTERVAL_MS, run: async () => void (await reviews.raiseOverdue()) }],
    };
  },
});
