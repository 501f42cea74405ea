import { defineReadableRecordLoader, type CustomerScopedLoaderDeps } from '@crm/customer-scope';
import { groupByKeys } from '@crm/data';
import { defineLoader } from '@crm/kernel';
import type { TicketRecord } from './ticket.model';
import type { TicketsService } from './tickets.service';

export function ticketsLoaders(tickets: TicketsService, scoped: CustomerScopedLoaderDeps) {
  return {
    // `ticket(id)` and references from other subgraphs: the read rule over the batch (one scope query).
    readableTicketById: defineReadableRecordLoader<TicketRecord>('readableTicketById', scoped, {
      entity: 'Ticket',
      fetch: (ids) => tickets.findByIds(ids),
      idOf: (t) => String(t._id),
      customerIdOf: (t) => t.customerId,
      departmentIdOf: (t) => t.customerDepartmentId,
    }),
    // Scoped to the caller inside the batch, so every customer's list is filtered with one query.
    visibleTicketsByCustomer: defineLoader<string, TicketRecord[]>('visibleTicketsByCustomer', async (customerIds, { caller }) =>
      caller ? groupByKeys(customerIds, await tickets.visibleForCustomers(caller, customerIds), (t) => t.customerId) : customerIds.map(() => []),
    ),
  };
}
export type TicketsLoaders = ReturnType<typeof ticketsLoaders>;
