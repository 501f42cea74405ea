import { groupByKeys, orderByKeys } from '@crm/data';
import { defineLoader } from '@crm/kernel';
import { MAX_INTERACTIONS_PAGE } from './interaction-input';
import type { InteractionRecord } from './interaction.model';
import type { InteractionsService } from './interactions.service';

export function interactionsLoaders(interactions: InteractionsService) {
  return {
    interactionById: defineLoader<string, InteractionRecord | null>('interactionById', async (ids) => orderByKeys(ids, await interactions.findByIds(ids), (i) => String(i._id))),
    // Keyed by customer only, so any `first` shares one query; resolvers cut each list to its `first`.
    latestInteractionsByCustomer: defineLoader<string, InteractionRecord[]>('latestInteractionsByCustomer', async (customerIds) =>
      groupByKeys(customerIds, await interactions.newestForCustomers(customerIds, MAX_INTERACTIONS_PAGE), (i) => i.customerId),
    ),
  };
}
export type InteractionsLoaders = ReturnType<typeof interactionsLoaders>;
