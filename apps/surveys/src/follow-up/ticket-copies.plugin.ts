import { ticketClosedV1, ticketOpenedV1, ticketReopenedV1, ticketResolvedV1 } from '@crm/contracts';
import { defineSchemaLessPlugin, pluginToken } from '@crm/kernel';
import { TicketCopies, ticketCopyModel } from './ticket-projection';

export const ticketCopiesToken = pluginToken<TicketCopies>('surveys.ticket-copies');

/** surveys' copy of the service desk's tickets (first responders, follow-up links and states), from its lifecycle events. */
export const ticketCopiesPlugin = defineSchemaLessPlugin({
  name: 'ticket-copies',
  provides: [ticketCopiesToken],
  sdl: [],
  register({ connection, provide }) {
    const copies = new TicketCopies(ticketCopyModel(connection));
    provide(ticketCopiesToken, copies);
    return {
      models: [copies.model],
      eventHandlers: [
        // Durables named after the ticket.* events they read (the complaint.* ones they replaced stay behind, idle).
        { contract: ticketOpenedV1, durable: 'surveys-ticket-copies-ticket-opened', handle: (event) => copies.opened(event) },
        { contract: ticketResolvedV1, durable: 'surveys-ticket-copies-ticket-resolved', handle: (event) => copies.resolved(event) },
        { contract: ticketReopenedV1, durable: 'surveys-ticket-copies-ticket-reopened', handle: (event) => copies.reopened(event) },
        { contract: ticketClosedV1, durable: 'surveys-ticket-copies-ticket-closed', handle: (event) => copies.closed(event) },
      ],
    };
  },
});
