import { loadExisting, requireCaller, type RequestContext } from '@crm/kernel';
import type { AccessService } from '../access/access.plugin';
import type { Resolvers } from '../generated/graphql';
import type { OrganisationLoaders } from '../organisation/organisation.loaders';
import type { CustomersLoaders } from './customers.loaders';
import type { CustomersService } from './customers.service';

export function customersResolvers(customers: CustomersService, loaders: CustomersLoaders, organisation: OrganisationLoaders, access: AccessService): Resolvers {
  const viewer = (ctx: RequestContext) => access.forRequest(ctx, requireCaller(ctx));
  return {
    Query: {
      customer: (_, { id }, ctx) => customers.findVisible(viewer(ctx), id),
      customers: (_, { filter, first, after }, ctx) => customers.list(viewer(ctx), filter ?? {}, { first, after }),
    },
    Mutation: {
      createCustomer: (_, { input }, ctx) => customers.create(viewer(ctx), input),
      updateCustomer: (_, { id, input }, ctx) => customers.update(viewer(ctx), id, input),
    },
    Customer: {
      // Other subgraphs reach customers through here: the same visibility rules as `customer(id)`.
      __resolveReference: async (ref, ctx) => {
        const customer = await ctx.loaders.get(loaders.customerById).load(String(ref.id));
        return customer && (await viewer(ctx).canRead(customer)) ? customer : null;
      },
      id: (c) => String(c._id),
      contacts: (c, _, ctx) => viewer(ctx).contactsOf(c),
      owner: (c, _, ctx) => loadExisting(ctx.loaders.get(organisation.consultantById), c.ownerId, 'Consultant'),
      department: (c, _, ctx) => loadExisting(ctx.loaders.get(organisation.departmentById), c.departmentId, 'Department'),
      // The history names who changed what: internal readers only.
      history: (c, _, ctx) => (viewer(ctx).isPartner ? [] : c.history),
    },
  };
}
