import { defineCustomerKeyedLoader, defineReadableRecordLoader, type CustomerScopedLoaderDeps } from '@crm/customer-scope';
import { groupByKeys } from '@crm/data';
import { MAX_INTERACTIONS_PAGE } from './interaction-input';
import type { InteractionRecord } from './interaction.model';
import type { InteractionsService } from './interactions.service';

// One interaction answers the read rule's error when the caller may not read it; a customer's list answers [].
export function interactionsLoaders(interactions: InteractionsService, scoped: CustomerScopedLoaderDeps) {
  return {
    readableInteractionById: defineReadableRecordLoader<InteractionRecord>('readableInteractionById', scoped, interactions.records),
    // Keyed by customer only, so any `first` shares one query; resolvers cut each list to its `first`.
    latestInteractionsByCustomer: defineCustomerKeyedLoader<InteractionRecord[]>('latestInteractionsByCustomer', scoped, [], async (customerIds) =>
      groupByKeys(customerIds, await interactions.newestForCustomers(customerIds, MAX_INTERACTIONS_PAGE), (i) => i.customerId),
    ),
  };
}
export type InteractionsLoaders = ReturnType<typeof interactionsLoaders>;
