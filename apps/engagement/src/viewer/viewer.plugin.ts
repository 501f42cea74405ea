import { viewerResolvers } from '@crm/kernel';
import { mayLogInteractions } from '../interactions/interaction-rules';
import { definePlugin } from '../define-plugin';

/** What the caller may do in engagement, on accounts' `viewer`, from the rule the mutation applies. */
export const viewerPlugin = definePlugin({
  name: 'viewer',
  sdl: ['viewer.graphql'],
  register: () => ({ resolvers: viewerResolvers({ canLogInteractions: mayLogInteractions }) }),
});
