import { requireCaller } from '@crm/kernel';
import type { Resolvers } from '../generated/graphql';
import { canSeeTicket } from './ticket-access';
import type { TicketsLoaders } from './tickets.loaders';
import type { TicketsService } from './tickets.service';

export function ticketsResolvers(tickets: TicketsService, loaders: TicketsLoaders): Resolvers {
  return {
    Query: {
      ticket: (_, { id }, ctx) => tickets.findVisible(requireCaller(ctx), id),
    },
    Mutation: {
      openTicket: (_, { input }, ctx) => tickets.open(requireCaller(ctx), input),
    },
    Ticket: {
      __resolveReference: async (ref, ctx) => {
        const caller = requireCaller(ctx);
        const ticket = await ctx.loaders.get(loaders.ticketById).load(String(ref.id));
        return ticket && canSeeTicket(caller, ticket) ? ticket : null;
      },
      id: (t) => String(t._id),
      customer: (t) => ({ id: t.customerId }),
    },
    Customer: {
      __resolveReference: (ref) => ({ id: ref.id }),
      tickets: async (customer, { status }, ctx) => {
        requireCaller(ctx);
        const all = await ctx.loaders.get(loaders.visibleTicketsByCustomer).load(String(customer.id));
        return status ? all.filter((t) => t.status === status) : all;
      },
    },
  };
}
