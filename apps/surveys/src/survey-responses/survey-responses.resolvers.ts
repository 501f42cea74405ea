import { isPartner } from '@crm/auth';
import { mutationPayload, requiredActorRef, requireCaller, type LoaderFactory } from '@crm/kernel';
import type { TemplateVersionRecord } from '../templates/template.model';
import { versionKey } from '../templates/templates.plugin';
import type { Resolvers } from '../generated/graphql';
import type { SurveyResponsesLoaders } from './survey-responses.loaders';
import type { SurveyResponsesService } from './survey-responses.service';

// Partners see nothing of survey responses (internal records, and consultant KPIs): one response answers them
// NOT_FOUND, as a missing one would, and a customer's list [] and its score null.
export function surveyResponsesResolvers(responses: SurveyResponsesService, loaders: SurveyResponsesLoaders, versionByKey: LoaderFactory<string, TemplateVersionRecord | null>): Resolvers {
  return {
    Query: {
      surveyResponse: (_, { id }, ctx) => (requireCaller(ctx), ctx.loaders.get(loaders.readableSurveyResponseById).load(id)),
    },
    Mutation: {
      recordSurveyResponse: (_, { input }, ctx) => mutationPayload('surveyResponse', () => responses.record(requireCaller(ctx), input)),
    },
    SurveyResponse: {
      __resolveReference: (ref, ctx) => (requireCaller(ctx), ctx.loaders.get(loaders.readableSurveyResponseById).load(String(ref.id))),
      id: (r) => String(r._id),
      customer: (r) => ({ id: r.customerId }),
      recordedBy: (r) => requiredActorRef(r.recordedBy),
      questionnaire: (r, _, ctx) => ctx.loaders.get(versionByKey).load(versionKey(r.template, r.templateVersion)),
      // Read against the version answered: its wording of each question.
      answers: async (r, _, ctx) => {
        const version = await ctx.loaders.get(versionByKey).load(versionKey(r.template, r.templateVersion));
        const wording = new Map(version?.items.map((q) => [q.item, q.question]) ?? []);
        return r.answers.map((a) => ({ ...a, question: wording.get(a.item) ?? null }));
      },
      attribution: (r) => r.attribution,
      requestId: (r) => (r.requestId ? String(r.requestId) : null),
    },
    Customer: {
      // accounts owns the customer; here it is only a key. Its fields go through the loaders, which keep to the
      // caller's customer scope (customer-scope plugin), as do the root fields and this service's own entities.
      __resolveReference: (ref) => ({ id: String(ref.id) }),
      surveyResponses: (customer, _, ctx) => {
        const caller = requireCaller(ctx);
        return isPartner(caller) ? [] : ctx.loaders.get(loaders.surveyResponsesByCustomer).load(customer.id);
      },
      satisfactionScore: (customer, _, ctx) => {
        const caller = requireCaller(ctx);
        return isPartner(caller) ? null : ctx.loaders.get(loaders.satisfactionScoreByCustomer).load(customer.id);
      },
    },
  };
}
