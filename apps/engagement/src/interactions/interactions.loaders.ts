import { defineCustomerKeyedLoader, defineCustomerRecordLoader, type CustomerScopedLoaderDeps } from '@crm/customer-scope';
import { groupByKeys } from '@crm/data';
import { MAX_INTERACTIONS_PAGE } from './interaction-input';
import type { InteractionRecord } from './interaction.model';
import type { InteractionsService } from './interactions.service';

// An interaction of a customer the caller may not read answers null, a customer's list answers [].
export function interactionsLoaders(interactions: InteractionsService, scoped: CustomerScopedLoaderDeps) {
  return {
    interactionById: defineCustomerRecordLoader<InteractionRecord>('interactionById', scoped, {
      fetch: (ids) => interactions.findByIds(ids),
      idOf: (i) => String(i._id),
      customerIdOf: (i) => i.customerId,
    }),
    // Keyed by customer only, so any `first` shares one query; resolvers cut each list to its `first`.
    latestInteractionsByCustomer: defineCustomerKeyedLoader<InteractionRecord[]>('latestInteractionsByCustomer', scoped, [], async (customerIds) =>
      groupByKeys(customerIds, await interactions.newestForCustomers(customerIds, MAX_INTERACTIONS_PAGE), (i) => i.customerId),
    ),
  };
}
export type InteractionsLoaders = ReturnType<typeof interactionsLoaders>;
