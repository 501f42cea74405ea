import { definePlugin } from '@crm/kernel';
import { customerDirectoryToken } from '../customer-directory/customer-directory.plugin';
import { ticketModel } from './ticket.model';
import { ticketsLoaders } from './tickets.loaders';
import { ticketsResolvers } from './tickets.resolvers';
import { TicketsService } from './tickets.service';

/** Tickets: complaints, service requests, inquiries, repairs and faults, owned by their first responder. */
export const ticketsPlugin = definePlugin({
  name: 'tickets',
  dependsOn: ['customer-directory'],
  sdl: ['tickets.graphql'],
  register({ connection, clock, use, publishPendingEvents }) {
    const Ticket = ticketModel(connection);
    const tickets = new TicketsService(Ticket, use(customerDirectoryToken), clock, publishPendingEvents);
    const loaders = ticketsLoaders(tickets);
    return { resolvers: ticketsResolvers(tickets, loaders) as never, models: [Ticket], loaders: Object.values(loaders) };
  },
});
