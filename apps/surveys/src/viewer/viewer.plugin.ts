import { viewerReference } from '@crm/kernel';
import { definePlugin } from '../define-plugin';
import { mayRecordSurveyResponses } from '../survey-responses/survey-response-rules';

/** What the caller may do in surveys, on accounts' `viewer`, from the rule the mutation applies. */
export const viewerPlugin = definePlugin({
  name: 'viewer',
  sdl: ['viewer.graphql'],
  register() {
    return {
      resolvers: {
        Viewer: {
          __resolveReference: (ref, ctx) => viewerReference(ref, ctx),
          id: (caller) => caller.userId,
          canRecordSurveyResponses: (caller) => mayRecordSurveyResponses(caller),
        },
      },
    };
  },
});
