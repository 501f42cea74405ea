import { actorRef, mutationPayload, requiredActorRef, requireCaller, type Clock, type RequestContext } from '@crm/kernel';
import type { CustomersModule } from '../customers/customers.plugin';
import type { Resolvers } from '../generated/graphql';
import { isReviewOverdue, listReviewOf } from './list-review-rules';
import type { ListReviewService } from './list-review.service';

export function listReviewResolvers(reviews: ListReviewService, { access }: CustomersModule, clock: Clock): Resolvers {
  const viewer = (ctx: RequestContext) => access.forRequest(ctx, requireCaller(ctx));
  return {
    Mutation: {
      reviewCustomer: (_, { input }, ctx) => mutationPayload('customer', () => reviews.review(viewer(ctx), input)),
    },
    Customer: {
      listReview: (c, _, ctx) => (viewer(ctx).isPartner ? null : { ...listReviewOf(c), id: `${String(c._id)}:list-review` }),
    },
    CustomerListReview: {
      overdue: (r) => isReviewOverdue(r, clock.now()),
      lastReviewedBy: (r) => actorRef(r.lastReviewedBy),
    },
    CustomerReview: {
      reviewedBy: (r) => requiredActorRef(r.by),
    },
  };
}
