import { definePlugin } from '../define-plugin';
import { customersToken } from '../customers/customers.plugin';
import { listReviewSchemaPart } from './list-review.model';
import { listReviewResolvers } from './list-review.resolvers';
import { ListReviewService } from './list-review.service';

/** The two-yearly review of the customer list, tracked per customer with reviewer, date and corrections. */
export const listReviewPlugin = definePlugin({
  name: 'list-review',
  uses: [customersToken],
  sdl: ['list-review.graphql'],
  register({ use, clock }) {
    const module = use(customersToken);
    const reviews = new ListReviewService(module.store, module.customers);
    module.schema.extend(listReviewSchemaPart);
    module.extensions.register(reviews.extension());
    return { resolvers: listReviewResolvers(reviews, module, clock) };
  },
});
