import { groupByKeys, orderByKeys } from '@crm/data';
import { defineLoader } from '@crm/kernel';
import type { SurveyResponseRecord } from './survey-response.model';
import type { SurveyResponsesService } from './survey-responses.service';

export function surveyResponsesLoaders(responses: SurveyResponsesService) {
  return {
    surveyResponseById: defineLoader<string, SurveyResponseRecord | null>('surveyResponseById', async (ids) =>
      orderByKeys(ids, await responses.findByIds(ids), (r) => String(r._id)),
    ),
    surveyResponsesByCustomer: defineLoader<string, SurveyResponseRecord[]>('surveyResponsesByCustomer', async (customerIds) =>
      groupByKeys(customerIds, await responses.ofCustomers(customerIds), (r) => r.customerId),
    ),
    satisfactionScoreByCustomer: defineLoader<string, number | null>('satisfactionScoreByCustomer', async (customerIds) =>
      orderByKeys(customerIds, await responses.scoresOfCustomers(customerIds), (row) => row._id).map((row) => row?.score ?? null),
    ),
  };
}
export type SurveyResponsesLoaders = ReturnType<typeof surveyResponsesLoaders>;
