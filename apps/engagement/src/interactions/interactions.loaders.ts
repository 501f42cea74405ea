import type { CustomerScopeDirectory } from '@crm/data';
import { groupByKeys, orderByKeys } from '@crm/data';
import { defineLoader, type Clock } from '@crm/kernel';
import { MAX_INTERACTIONS_PAGE } from './interaction-input';
import type { InteractionRecord } from './interaction.model';
import type { InteractionsService } from './interactions.service';

// Every batch is filtered by the caller's customer scope (one scope query per batch): an interaction of a
// customer the caller may not read answers null, a customer's list answers [].
export function interactionsLoaders(interactions: InteractionsService, scopes: CustomerScopeDirectory, clock: Clock) {
  return {
    interactionById: defineLoader<string, InteractionRecord | null>('interactionById', async (ids, { caller }) => {
      const rows = await interactions.findByIds(ids);
      const visible = caller ? await scopes.visibleCustomerIds(caller, rows.map((i) => i.customerId), clock.now()) : new Set<string>();
      return orderByKeys(ids, rows.filter((i) => visible.has(i.customerId)), (i) => String(i._id));
    }),
    // Keyed by customer only, so any `first` shares one query; resolvers cut each list to its `first`.
    latestInteractionsByCustomer: defineLoader<string, InteractionRecord[]>('latestInteractionsByCustomer', async (customerIds, { caller }) => {
      const visible = caller ? await scopes.visibleCustomerIds(caller, customerIds, clock.now()) : new Set<string>();
      const readable = customerIds.filter((id) => visible.has(id));
      return groupByKeys(customerIds, readable.length > 0 ? await interactions.newestForCustomers(readable, MAX_INTERACTIONS_PAGE) : [], (i) => i.customerId);
    }),
  };
}
export type InteractionsLoaders = ReturnType<typeof interactionsLoaders>;
