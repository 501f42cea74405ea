import type { CustomerScopeDirectory } from '@crm/data';
import { groupByKeys, orderByKeys } from '@crm/data';
import { defineLoader, type Clock, type LoaderScope } from '@crm/kernel';
import type { SurveyResponseRecord } from './survey-response.model';
import type { SurveyResponsesService } from './survey-responses.service';

// Every batch is filtered by the caller's customer scope (one scope query per batch): a response of a
// customer the caller may not read answers null, a customer's list [] and its score null.
export function surveyResponsesLoaders(responses: SurveyResponsesService, scopes: CustomerScopeDirectory, clock: Clock) {
  const visibleOf = async (customerIds: readonly string[], { caller }: LoaderScope) => (caller ? scopes.visibleCustomerIds(caller, customerIds, clock.now()) : new Set<string>());
  return {
    surveyResponseById: defineLoader<string, SurveyResponseRecord | null>('surveyResponseById', async (ids, scope) => {
      const rows = await responses.findByIds(ids);
      const visible = await visibleOf(
        rows.map((r) => r.customerId),
        scope,
      );
      return orderByKeys(ids, rows.filter((r) => visible.has(r.customerId)), (r) => String(r._id));
    }),
    surveyResponsesByCustomer: defineLoader<string, SurveyResponseRecord[]>('surveyResponsesByCustomer', async (customerIds, scope) => {
      const visible = await visibleOf(customerIds, scope);
      const readable = customerIds.filter((id) => visible.has(id));
      return groupByKeys(customerIds, readable.length > 0 ? await responses.ofCustomers(readable) : [], (r) => r.customerId);
    }),
    satisfactionScoreByCustomer: defineLoader<string, number | null>('satisfactionScoreByCustomer', async (customerIds, scope) => {
      const visible = await visibleOf(customerIds, scope);
      const readable = customerIds.filter((id) => visible.has(id));
      return orderByKeys(customerIds, readable.length > 0 ? await responses.scoresOfCustomers(readable) : [], (row) => row._id).map((row) => row?.score ?? null);
    }),
  };
}
export type SurveyResponsesLoaders = ReturnType<typeof surveyResponsesLoaders>;
