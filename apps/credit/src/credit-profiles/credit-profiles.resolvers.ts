import { isPartner } from '@crm/auth';
import { requireCaller, type RequestContext } from '@crm/kernel';
import type { Resolvers } from '../generated/graphql';
import type { CreditProfileRecord } from './credit-profile.model';
import type { CreditProfilesLoaders } from './credit-profiles.loaders';
import type { CreditProfilesService } from './credit-profiles.service';

// Partners see nothing of credit profiles: credit terms and their history are internal, so every read
// answers null for a partner rather than an error that would reveal that a profile exists.
export function creditProfilesResolvers(profiles: CreditProfilesService, loaders: CreditProfilesLoaders): Resolvers {
  const visibleProfile = (customerId: string, ctx: RequestContext): Promise<CreditProfileRecord | null> | null => {
    const caller = requireCaller(ctx);
    return isPartner(caller) ? null : ctx.loaders.get(loaders.creditProfileByCustomer).load(customerId);
  };
  return {
    Query: {
      creditProfile: (_, { customerId }, ctx) => visibleProfile(customerId, ctx),
    },
    Mutation: {
      setCreditProfile: (_, { customerId, input }, ctx) => profiles.set(requireCaller(ctx), customerId, input),
    },
    CreditProfile: {
      __resolveReference: (ref, ctx) => visibleProfile(String(ref.customerId), ctx),
      customerId: (p) => p._id,
      customer: (p) => ({ id: p._id }),
    },
    Customer: {
      // accounts owns the customer; here it is only a key. Its fields go through the loaders, which keep to the
      // caller's customer scope (customer-scope plugin), as do the root fields and this service's own entities.
      __resolveReference: (ref) => ({ id: String(ref.id) }),
      creditProfile: (customer, _, ctx) => visibleProfile(customer.id, ctx),
    },
  };
}
