import { groupByKeys, orderByKeys } from '@crm/data';
import { defineLoader } from '@crm/kernel';
import type { TicketRecord } from './ticket.model';
import type { TicketsService } from './tickets.service';

export function ticketsLoaders(tickets: TicketsService) {
  return {
    ticketById: defineLoader<string, TicketRecord | null>('ticketById', async (ids) => orderByKeys(ids, await tickets.findByIds(ids), (t) => String(t._id))),
    // Scoped to the caller inside the batch, so every customer's list is filtered with one query.
    visibleTicketsByCustomer: defineLoader<string, TicketRecord[]>('visibleTicketsByCustomer', async (customerIds, { caller }) =>
      caller ? groupByKeys(customerIds, await tickets.visibleForCustomers(caller, customerIds), (t) => t.customerId) : customerIds.map(() => []),
    ),
  };
}
export type TicketsLoaders = ReturnType<typeof ticketsLoaders>;
