import { viewerReference } from '@crm/kernel';
import { definePlugin } from '../define-plugin';
import { mayLogInteractions } from '../interactions/interaction-rules';

/** What the caller may do in engagement, on accounts' `viewer`, from the rule the mutation applies. */
export const viewerPlugin = definePlugin({
  name: 'viewer',
  sdl: ['viewer.graphql'],
  register() {
    return {
      resolvers: {
        Viewer: {
          __resolveReference: (ref, ctx) => viewerReference(ref, ctx),
          id: (caller) => caller.userId,
          canLogInteractions: (caller) => mayLogInteractions(caller),
        },
      },
    };
  },
});
