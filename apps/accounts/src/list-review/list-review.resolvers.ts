import { requireCaller, type Clock, type RequestContext } from '@crm/kernel';
import type { CustomersModule } from '../customers/customers.plugin';
import type { Resolvers } from '../generated/graphql';
import type { OrganisationLoaders } from '../organisation/organisation.loaders';
import { isReviewOverdue, listReviewOf } from './list-review-rules';
import type { ListReviewService } from './list-review.service';

export function listReviewResolvers(reviews: ListReviewService, { access }: CustomersModule, organisation: OrganisationLoaders, clock: Clock): Resolvers {
  const viewer = (ctx: RequestContext) => access.forRequest(ctx, requireCaller(ctx));
  return {
    Mutation: {
      reviewCustomer: (_, { id, input }, ctx) => reviews.review(viewer(ctx), id, input),
    },
    Customer: {
      listReview: (c, _, ctx) => (viewer(ctx).isPartner ? null : listReviewOf(c)),
    },
    CustomerListReview: {
      overdue: (r) => isReviewOverdue(r, clock.now()),
    },
    CustomerReview: {
      reviewerId: (r) => r.by,
      reviewer: (r, _, ctx) => ctx.loaders.get(organisation.consultantById).load(r.by),
    },
  };
}
