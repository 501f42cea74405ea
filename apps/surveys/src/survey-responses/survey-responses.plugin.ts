import { definePlugin } from '../define-plugin';
import { surveyResponseModel } from './survey-response.model';
import { surveyResponsesLoaders } from './survey-responses.loaders';
import { surveyResponsesResolvers } from './survey-responses.resolvers';
import { SurveyResponsesService } from './survey-responses.service';
import { customerScopeToken } from '@crm/customer-scope';

/** Satisfaction survey responses and the scores derived from them (docs/domain/surveys.md). */
export const surveyResponsesPlugin = definePlugin({
  name: 'survey-responses',
  uses: [customerScopeToken],
  sdl: ['responses.graphql'],
  register({ connection, clock, use }) {
    const scopes = use(customerScopeToken);
    const SurveyResponse = surveyResponseModel(connection);
    const responses = new SurveyResponsesService(SurveyResponse, clock, scopes);
    const loaders = surveyResponsesLoaders(responses, { scopes, clock });
    return {
      resolvers: surveyResponsesResolvers(responses, loaders),
      models: [SurveyResponse],
      loaders: Object.values(loaders),
    };
  },
});
