import { defineLoader } from '@crm/kernel';
import type { CustomerChangeRecord, CustomerRecord } from './customer.model';
import type { CustomerStore } from './customer-store';
import type { CustomersService } from './customers.service';

export function customersLoaders(customers: CustomersService, store: CustomerStore) {
  return {
    // Unfiltered by caller: resolvers apply the caller's CustomerAccess to what it returns. Merged ids load their survivor.
    customerById: defineLoader<string, CustomerRecord | null>('customerById', (ids) => customers.findByIds(ids)),
    // History is not loaded with the customer (it only grows); one query for every customer of a request.
    historyByCustomerId: defineLoader<string, CustomerChangeRecord[]>('historyByCustomerId', async (ids) => {
      const found = await store.historyOf(ids);
      return ids.map((id) => found.get(String(id)) ?? []);
    }),
  };
}
export type CustomersLoaders = ReturnType<typeof customersLoaders>;
