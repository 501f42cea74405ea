import type { CustomerScopeDirectory } from '@crm/data';
import { orderByKeys } from '@crm/data';
import { defineLoader, type Clock } from '@crm/kernel';
import type { CreditProfileRecord } from './credit-profile.model';
import type { CreditProfilesService } from './credit-profiles.service';

// Every batch is filtered by the caller's customer scope (one scope query per batch): the profile of a
// customer the caller may not read answers null, as if there were none.
export function creditProfilesLoaders(profiles: CreditProfilesService, scopes: CustomerScopeDirectory, clock: Clock) {
  return {
    creditProfileByCustomer: defineLoader<string, CreditProfileRecord | null>('creditProfileByCustomer', async (customerIds, { caller }) => {
      const visible = caller ? await scopes.visibleCustomerIds(caller, customerIds, clock.now()) : new Set<string>();
      const readable = customerIds.filter((id) => visible.has(id));
      return orderByKeys(customerIds, readable.length > 0 ? await profiles.findByCustomerIds(readable) : [], (p) => p._id);
    }),
  };
}
export type CreditProfilesLoaders = ReturnType<typeof creditProfilesLoaders>;
