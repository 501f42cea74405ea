import { isPartner } from '@crm/auth';
import { mutationPayload, parseInput, requiredActorRef, requireCaller } from '@crm/kernel';
import type { Resolvers } from '../generated/graphql';
import { interactionsPageSize } from './interaction-input';
import type { InteractionsLoaders } from './interactions.loaders';
import type { InteractionsService } from './interactions.service';

// Partners see nothing of interactions (internal notes about the customer): one interaction answers them
// NOT_FOUND, as a missing one would, and a customer's list answers [].
export function interactionsResolvers(interactions: InteractionsService, loaders: InteractionsLoaders): Resolvers {
  return {
    Query: {
      interaction: (_, { id }, ctx) => (requireCaller(ctx), ctx.loaders.get(loaders.readableInteractionById).load(id)),
    },
    Mutation: {
      logInteraction: (_, { input }, ctx) => mutationPayload('interaction', () => interactions.log(requireCaller(ctx), input)),
    },
    Interaction: {
      __resolveReference: (ref, ctx) => (requireCaller(ctx), ctx.loaders.get(loaders.readableInteractionById).load(String(ref.id))),
      id: (i) => String(i._id),
      customer: (i) => ({ id: i.customerId }),
      contactedBy: (i) => requiredActorRef(i.staffId),
      loggedBy: (i) => requiredActorRef(i.loggedBy),
    },
    Customer: {
      // accounts owns the customer; here it is only a key. Its fields go through the loaders, which keep to the
      // caller's customer scope (customer-scope plugin), as do the root fields and this service's own entities.
      __resolveReference: (ref) => ({ id: String(ref.id) }),
      interactions: async (customer, { first }, ctx) => {
        const caller = requireCaller(ctx);
        const limit = parseInput(interactionsPageSize, first, 'first');
        if (isPartner(caller)) return [];
        const latest = await ctx.loaders.get(loaders.latestInteractionsByCustomer).load(customer.id);
        return latest.slice(0, limit);
      },
    },
  };
}
