import { viewerResolvers } from '@crm/kernel';
import { maySetCreditTerms } from '../credit-profiles/credit-profiles.service';
import { definePlugin } from '../define-plugin';

/** What the caller may do in credit, on accounts' `viewer`, from the rule the mutation applies. */
export const viewerPlugin = definePlugin({
  name: 'viewer',
  sdl: ['viewer.graphql'],
  register: () => ({ resolvers: viewerResolvers({ canSetCreditTerms: maySetCreditTerms }) }),
});
