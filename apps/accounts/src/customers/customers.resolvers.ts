import { isPartner } from '@crm/auth';
import { loadExisting, requireCaller } from '@crm/kernel';
import type { Resolvers } from '../generated/graphql';
import type { OrganisationLoaders } from '../organisation/organisation.loaders';
import { canSeeCustomer, maskContactForPartner } from './customer-access';
import type { CustomersLoaders } from './customers.loaders';
import type { CustomersService } from './customers.service';

export function customersResolvers(customers: CustomersService, loaders: CustomersLoaders, organisation: OrganisationLoaders): Resolvers {
  return {
    Query: {
      customer: (_, { id }, ctx) => customers.findVisible(requireCaller(ctx), id),
      customers: (_, { filter, first, after }, ctx) => customers.list(requireCaller(ctx), filter ?? {}, { first, after }),
    },
    Mutation: {
      createCustomer: (_, { input }, ctx) => customers.create(requireCaller(ctx), input),
      updateCustomer: (_, { id, input }, ctx) => customers.update(requireCaller(ctx), id, input),
    },
    Customer: {
      // Other subgraphs reach customers through here: the same visibility rules as `customer(id)`.
      __resolveReference: async (ref, ctx) => {
        const caller = requireCaller(ctx);
        const customer = await ctx.loaders.get(loaders.customerById).load(String(ref.id));
        return customer && canSeeCustomer(caller, customer) ? customer : null;
      },
      id: (c) => String(c._id),
      contacts: (c, _, ctx) => (ctx.caller && isPartner(ctx.caller) ? c.contacts.map(maskContactForPartner) : c.contacts),
      owner: (c, _, ctx) => loadExisting(ctx.loaders.get(organisation.consultantById), c.ownerId, 'Consultant'),
      department: (c, _, ctx) => loadExisting(ctx.loaders.get(organisation.departmentById), c.departmentId, 'Department'),
      // The history names who changed what: internal readers only.
      history: (c, _, ctx) => (ctx.caller && isPartner(ctx.caller) ? [] : c.history),
    },
  };
}
