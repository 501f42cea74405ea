import { customerScopeToken, defineCustomerKeyedLoader, defineReadableRecordLoader } from '@crm/customer-scope';
import { groupByKeys } from '@crm/data';
import { actorRef, env, mutationPayload, pluginToken, requireCaller, requiredActorRef } from '@crm/kernel';
import { isPartner } from '@crm/auth';
import { z } from 'zod';
import { attributionToken } from '../attribution/attribution.plugin';
import { definePlugin } from '../define-plugin';
import { templatesToken, versionKey } from '../templates/templates.plugin';
import { surveyRequestModel, type SurveyRequestRecord } from './survey-request.model';
import { SurveyRequestsService } from './survey-requests.service';
import { dispatchHandlers } from './dispatch-handlers';

export const surveyRequestsToken = pluginToken<SurveyRequestsService>('surveys.requests');

/** Survey requests dispatched from credit's, engagement's and the service desk's events, throttled against fatigue. */
export const dispatchPlugin = definePlugin({
  name: 'dispatch',
  uses: [customerScopeToken, templatesToken, attributionToken],
  provides: [surveyRequestsToken],
  sdl: ['requests.graphql'],
  config: z.object({
    SURVEYS_FATIGUE_WINDOW_DAYS: z.coerce.number().int().min(0).max(3650).default(30).describe('At most one survey request per customer within this many days (0: no throttling).'),
    SURVEYS_REQUEST_DUE_DAYS: env.positiveInt(14).describe('Days a survey request waits for its answer before it expires.'),
    SURVEYS_EXPIRY_INTERVAL_MS: env.positiveInt(15 * 60_000).describe('How often pending survey requests past their due date are expired.'),
  }),
  register({ connection, clock, config, use, provide }) {
    const scopes = use(customerScopeToken);
    const { templates, versionByKey } = use(templatesToken);
    const Request = surveyRequestModel(connection);
    const requests = new SurveyRequestsService(Request, templates, use(attributionToken), scopes, clock, {
      fatigueWindowDays: config.SURVEYS_FATIGUE_WINDOW_DAYS,
      dueDays: config.SURVEYS_REQUEST_DUE_DAYS,
    });
    provide(surveyRequestsToken, requests);
    const deps = { scopes, clock };
    const readableRequestById = defineReadableRecordLoader<SurveyRequestRecord>('readableSurveyRequestById', deps, requests.records);
    const requestsByCustomer = defineCustomerKeyedLoader<SurveyRequestRecord[]>('surveyRequestsByCustomer', deps, [], async (customerIds) =>
      groupByKeys(customerIds, await requests.ofCustomers(customerIds), (r) => r.customerId),
    );
    return {
      resolvers: {
        Query: {
          surveyRequest: (_, { id }, ctx) => (requireCaller(ctx), ctx.loaders.get(readableRequestById).load(id)),
          surveyRequests: (_, args, ctx) => requests.list(requireCaller(ctx), args),
        },
        Mutation: {
          planMysteryCheck: (_, { input }, ctx) => mutationPayload('surveyRequest', () => requests.planMysteryCheck(requireCaller(ctx), input)),
        },
        SurveyRequest: {
          __resolveReference: (ref, ctx) => (requireCaller(ctx), ctx.loaders.get(readableRequestById).load(String(ref.id))),
          id: (r) => String(r._id),
          customer: (r) => ({ id: r.customerId }),
          questionnaire: (r, _, ctx) => ctx.loaders.get(versionByKey).load(versionKey(r.template, r.templateVersion)),
          skip: (r) => (r.skipReason ? { reason: r.skipReason, note: r.skipNote ?? '', throttledBy: r.throttledBy ? String(r.throttledBy) : null } : null),
          attribution: (r) => r.attribution,
          responseId: (r) => (r.responseId ? String(r.responseId) : null),
          requestedBy: (r) => requiredActorRef(r.requestedBy),
          sourceTicketFirstResponder: (r) => actorRef(r.sourceTicketFirstResponderId),
        },
        Customer: {
          surveyRequests: (customer, _, ctx) => (isPartner(requireCaller(ctx)) ? [] : ctx.loaders.get(requestsByCustomer).load(customer.id)),
        },
      },
      models: [Request],
      loaders: [readableRequestById, requestsByCustomer],
      eventHandlers: dispatchHandlers(requests),
      jobs: [{ name: 'survey-request-expiry', intervalMs: config.SURVEYS_EXPIRY_INTERVAL_MS, run: async () => void (await requests.expireDue()) }],
    };
  },
});
