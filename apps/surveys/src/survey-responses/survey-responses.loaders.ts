import { defineCustomerKeyedLoader, defineReadableRecordLoader, type CustomerScopedLoaderDeps } from '@crm/customer-scope';
import { groupByKeys, orderByKeys } from '@crm/data';
import type { SurveyResponseRecord } from './survey-response.model';
import type { SurveyResponsesService } from './survey-responses.service';

// One response answers the read rule's error when the caller may not read it; a customer's list [] and its score null.
export function surveyResponsesLoaders(responses: SurveyResponsesService, scoped: CustomerScopedLoaderDeps) {
  return {
    readableSurveyResponseById: defineReadableRecordLoader<SurveyResponseRecord>('readableSurveyResponseById', scoped, responses.records),
    surveyResponsesByCustomer: defineCustomerKeyedLoader<SurveyResponseRecord[]>('surveyResponsesByCustomer', scoped, [], async (customerIds) =>
      groupByKeys(customerIds, await responses.ofCustomers(customerIds), (r) => r.customerId),
    ),
    satisfactionScoreByCustomer: defineCustomerKeyedLoader<number | null>('satisfactionScoreByCustomer', scoped, null, async (customerIds) =>
      orderByKeys(customerIds, await responses.scoresOfCustomers(customerIds), (row) => row._id).map((row) => row?.score ?? null),
    ),
  };
}
export type SurveyResponsesLoaders = ReturnType<typeof surveyResponsesLoaders>;
