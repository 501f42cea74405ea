import { customerScopeToken } from '@crm/customer-scope';
import { env, pluginToken } from '@crm/kernel';
import { z } from 'zod';
import { attributionToken } from '../attribution/attribution.plugin';
import { definePlugin } from '../define-plugin';
import { surveyRequestsToken } from '../dispatch/dispatch.plugin';
import { templatesToken } from '../templates/templates.plugin';
import { surveyResponseModel } from './survey-response.model';
import { surveyResponsesLoaders } from './survey-responses.loaders';
import { surveyResponsesResolvers } from './survey-responses.resolvers';
import { SurveyResponsesService } from './survey-responses.service';

export const surveyResponsesToken = pluginToken<SurveyResponsesService>('surveys.responses');

/** Satisfaction survey responses and the scores derived from them (docs/domain/surveys.md). */
export const surveyResponsesPlugin = definePlugin({
  name: 'survey-responses',
  uses: [customerScopeToken, templatesToken, surveyRequestsToken, attributionToken],
  provides: [surveyResponsesToken],
  sdl: ['responses.graphql'],
  config: z.object({
    SURVEYS_FOLLOW_UP_SLA_HOURS: env.positiveInt(48).describe('Hours within which the follow-up ticket of a dissatisfied response should be closed; after that it shows as overdue.'),
  }),
  register({ connection, clock, config, use, provide }) {
    const scopes = use(customerScopeToken);
    const { templates, versionByKey } = use(templatesToken);
    const SurveyResponse = surveyResponseModel(connection);
    const responses = new SurveyResponsesService(SurveyResponse, clock, scopes, templates, use(surveyRequestsToken), use(attributionToken), {
      followUpSlaHours: config.SURVEYS_FOLLOW_UP_SLA_HOURS,
    });
    provide(surveyResponsesToken, responses);
    const loaders = surveyResponsesLoaders(responses, { scopes, clock });
    return {
      resolvers: surveyResponsesResolvers(responses, loaders, versionByKey),
      models: [SurveyResponse],
      loaders: Object.values(loaders),
    };
  },
});
