import { defineCustomerKeyedLoader, type CustomerScopedLoaderDeps } from '@crm/customer-scope';
import { orderByKeys } from '@crm/data';
import type { CreditProfileRecord } from './credit-profile.model';
import type { CreditProfilesService } from './credit-profiles.service';

// The profile of a customer the caller may not read answers null, as if there were none.
export function creditProfilesLoaders(profiles: CreditProfilesService, scoped: CustomerScopedLoaderDeps) {
  return {
    creditProfileByCustomer: defineCustomerKeyedLoader<CreditProfileRecord | null>('creditProfileByCustomer', scoped, null, async (customerIds) =>
      orderByKeys(customerIds, await profiles.findByCustomerIds(customerIds), (p) => p._id),
    ),
  };
}
export type CreditProfilesLoaders = ReturnType<typeof creditProfilesLoaders>;
