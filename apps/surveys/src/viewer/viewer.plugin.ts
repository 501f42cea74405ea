import { viewerResolvers } from '@crm/kernel';
import { mayRecordSurveyResponses } from '../survey-responses/survey-response-rules';
import { definePlugin } from '../define-plugin';

/** What the caller may do in surveys, on accounts' `viewer`, from the rule the mutation applies. */
export const viewerPlugin = definePlugin({
  name: 'viewer',
  sdl: ['viewer.graphql'],
  register: () => ({ resolvers: viewerResolvers({ canRecordSurveyResponses: mayRecordSurveyResponses }) }),
});
