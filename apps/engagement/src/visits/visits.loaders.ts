import { defineCustomerKeyedLoader, defineReadableRecordLoader, type CustomerScopedLoaderDeps } from '@crm/customer-scope';
import { groupByKeys } from '@crm/data';
import { MAX_VISITS_PAGE } from './visit-input';
import type { VisitRecord } from './visit.model';
import type { VisitsService } from './visits.service';

export function visitsLoaders(visits: VisitsService, scoped: CustomerScopedLoaderDeps) {
  return {
    readableVisitById: defineReadableRecordLoader<VisitRecord>('readableVisitById', scoped, visits.records),
    // Keyed by customer only, so any `first` shares one query; resolvers cut each list to its `first`.
    latestVisitsByCustomer: defineCustomerKeyedLoader<VisitRecord[]>('latestVisitsByCustomer', scoped, [], async (customerIds) =>
      groupByKeys(customerIds, await visits.newestForCustomers(customerIds, MAX_VISITS_PAGE), (v) => v.customerId),
    ),
  };
}
export type VisitsLoaders = ReturnType<typeof visitsLoaders>;
