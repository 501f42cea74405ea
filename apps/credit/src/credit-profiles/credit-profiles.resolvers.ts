import { isPartner } from '@crm/auth';
import { mutationPayload, requiredActorRef, requireCaller, type RequestContext } from '@crm/kernel';
import type { Resolvers } from '../generated/graphql';
import type { CreditProfileRecord } from './credit-profile.model';
import type { CreditProfilesLoaders } from './credit-profiles.loaders';
import type { CreditProfilesService } from './credit-profiles.service';

/** A profile's id for client caches: one profile per customer, so the customer's id with a suffix. */
export const creditProfileId = (customerId: string): string => `${customerId}:credit-profile`;

// Credit terms and their history are internal. `creditProfile(customerId)` and references follow the read rule
// (a partner gets NOT_FOUND, as for a missing record); on a customer a partner may read, the field is masked (null).
export function creditProfilesResolvers(profiles: CreditProfilesService, loaders: CreditProfilesLoaders): Resolvers {
  const readableProfile = (customerId: string, ctx: RequestContext): Promise<CreditProfileRecord | null> => {
    requireCaller(ctx);
    return ctx.loaders.get(loaders.readableCreditProfileByCustomer).load(customerId);
  };
  return {
    Query: {
      creditProfile: (_, { customerId }, ctx) => readableProfile(customerId, ctx),
    },
    Mutation: {
      setCreditProfile: (_, { input }, ctx) => mutationPayload('creditProfile', () => profiles.set(requireCaller(ctx), input)),
    },
    CreditProfile: {
      __resolveReference: (ref, ctx) => readableProfile(String(ref.customerId), ctx),
      id: (p) => creditProfileId(p._id),
      customerId: (p) => p._id,
      customer: (p) => ({ id: p._id }),
      reviewedBy: (p) => requiredActorRef(p.reviewedBy),
    },
    CreditProfileChange: {
      actor: (change) => requiredActorRef(change.by),
    },
    Customer: {
      // accounts owns the customer; here it is only a key. Its fields go through the loaders, which keep to the
      // caller's customer scope (customer-scope plugin), as do the root fields and this service's own entities.
      __resolveReference: (ref) => ({ id: String(ref.id) }),
      creditProfile: (customer, _, ctx) => (isPartner(requireCaller(ctx)) ? null : readableProfile(customer.id, ctx)),
    },
  };
}
