import { orderByKeys } from '@crm/data';
import { defineLoader } from '@crm/kernel';
import type { CreditProfileRecord } from './credit-profile.model';
import type { CreditProfilesService } from './credit-profiles.service';

export function creditProfilesLoaders(profiles: CreditProfilesService) {
  return {
    creditProfileByCustomer: defineLoader<string, CreditProfileRecord | null>('creditProfileByCustomer', async (customerIds) =>
      orderByKeys(customerIds, await profiles.findByCustomerIds(customerIds), (p) => p._id),
    ),
  };
}
export type CreditProfilesLoaders = ReturnType<typeof creditProfilesLoaders>;
