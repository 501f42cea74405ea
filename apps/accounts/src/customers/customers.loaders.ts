import { orderByKeys } from '@crm/data';
import { defineLoader } from '@crm/kernel';
import type { CustomerRecord } from './customer.model';
import type { CustomersService } from './customers.service';

export function customersLoaders(customers: CustomersService) {
  return {
    // Unfiltered by caller: resolvers apply canSeeCustomer to what it returns.
    customerById: defineLoader<string, CustomerRecord | null>('customerById', async (ids) => orderByKeys(ids, await customers.findByIds(ids), (c) => String(c._id))),
  };
}
export type CustomersLoaders = ReturnType<typeof customersLoaders>;
