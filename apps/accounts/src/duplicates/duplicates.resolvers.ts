import { mutationPayload, requireCaller, type RequestContext } from '@crm/kernel';
import { refusePartners } from '../access/partner-slice';
import type { CustomersModule } from '../customers/customers.plugin';
import type { Resolvers } from '../generated/graphql';
import type { DuplicatesService } from './duplicates.service';

export function duplicatesResolvers(duplicates: DuplicatesService, { access, loaders }: CustomersModule): Resolvers {
  const viewer = (ctx: RequestContext) => access.forRequest(ctx, requireCaller(ctx));
  return {
    Query: {
      possibleDuplicates: async (_, { input }, ctx) => {
        const me = viewer(ctx);
        // Probing the archive for a name or phone is staff work (it would tell a partner who else is a customer).
        refusePartners(me.caller, 'possibleDuplicates');
        const found = await duplicates.probe(input);
        const customers = await ctx.loaders.get(loaders.customerById).loadMany(found.map((c) => c.customerId));
        return Promise.all(
          found.map(async (c, i) => {
            const customer = customers[i];
            const visible = customer && !(customer instanceof Error) && (await me.canRead(customer)) ? customer : null;
            return { customer: visible, matchedOn: c.matchedOn, flaggedAt: null };
          }),
        );
      },
    },
    Mutation: {
      mergeCustomers: (_, { input }, ctx) => mutationPayload('customer', () => duplicates.merge(viewer(ctx), input)),
      dismissPossibleDuplicate: (_, { input }, ctx) => mutationPayload('customer', () => duplicates.dismiss(viewer(ctx), input)),
    },
    Customer: {
      possibleDuplicates: async (c, _, ctx) => {
        const me = viewer(ctx);
        if (me.isPartner) return [];
        const load = async (ids: string[]) => (await ctx.loaders.get(loaders.customerById).loadMany(ids)).map((r) => (r instanceof Error ? null : r));
        const flags = await duplicates.candidatesOf(c, load);
        // A candidate out of the caller's reach is flagged without saying who it is (ids cannot be probed).
        return Promise.all(flags.map(async ({ candidate, flag }) => ({ customer: (await me.canRead(candidate)) ? candidate : null, matchedOn: flag.matchedOn, flaggedAt: flag.flaggedAt })));
      },
      mergedCustomerIds: (c) => (c.mergedFrom ?? []).map(String),
    },
  };
}
