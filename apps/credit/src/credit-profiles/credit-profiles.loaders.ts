import { defineReadableCustomerKeyedLoader, type CustomerScopedLoaderDeps } from '@crm/customer-scope';
import { orderByKeys } from '@crm/data';
import type { CreditProfileRecord } from './credit-profile.model';
import type { CreditProfilesService } from './credit-profiles.service';

// A customer's profile, null when it has none, or the read rule's error for a customer the caller may not read.
export function creditProfilesLoaders(profiles: CreditProfilesService, scoped: CustomerScopedLoaderDeps) {
  return {
    readableCreditProfileByCustomer: defineReadableCustomerKeyedLoader<CreditProfileRecord | null>('readableCreditProfileByCustomer', scoped, 'CreditProfile', async (customerIds) =>
      orderByKeys(customerIds, await profiles.findByCustomerIds(customerIds), (p) => p._id),
    ),
  };
}
export type CreditProfilesLoaders = ReturnType<typeof creditProfilesLoaders>;
