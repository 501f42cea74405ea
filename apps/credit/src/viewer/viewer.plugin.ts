import { viewerReference } from '@crm/kernel';
import { definePlugin } from '../define-plugin';
import { maySetCreditTerms } from '../credit-profiles/credit-profiles.service';

/** What the caller may do in credit, on accounts' `viewer`, from the rule the mutation applies. */
export const viewerPlugin = definePlugin({
  name: 'viewer',
  sdl: ['viewer.graphql'],
  register() {
    return {
      resolvers: {
        Viewer: {
          __resolveReference: (ref, ctx) => viewerReference(ref, ctx),
          id: (caller) => caller.userId,
          canSetCreditTerms: (caller) => maySetCreditTerms(caller),
        },
      },
    };
  },
});
