import { complaintClosedV1, complaintReopenedV1, complaintResolvedV1 } from '@crm/contracts';
import { defineSchemaLessPlugin, pluginToken } from '@crm/kernel';
import { TicketCopies, ticketCopyModel, ticketOpenedAsRead } from './ticket-projection';

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
        { contract: ticketOpenedAsRead, durable: 'surveys-ticket-copies-opened', handle: (event) => copies.opened(event) },
        { contract: complaintResolvedV1, durable: 'surveys-ticket-copies-resolved', handle: (event) => copies.resolved(event) },
        { contract: complaintReopenedV1, durable: 'surveys-ticket-copies-reopened', handle: (event) => copies.reopened(event) },
        { contract: complaintClosedV1, durable: 'surveys-ticket-copies-closed', handle: (event) => copies.closed(event) },
      ],
    };
  },
});
