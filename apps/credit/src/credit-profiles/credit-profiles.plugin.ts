import { definePlugin } from '../define-plugin';
import { creditProfileModel } from './credit-profile.model';
import { creditProfilesLoaders } from './credit-profiles.loaders';
import { creditProfilesResolvers } from './credit-profiles.resolvers';
import { CreditProfilesService } from './credit-profiles.service';
import { customerScopeToken } from '@crm/customer-scope';

/** Customers' credit grade, limit and payment terms, reviewed by finance (docs/domain/credit.md). */
export const creditProfilesPlugin = definePlugin({
  name: 'credit-profiles',
  uses: [customerScopeToken],
  sdl: ['credit-profiles.graphql'],
  register({ connection, clock, use }) {
    const scopes = use(customerScopeToken);
    const CreditProfile = creditProfileModel(connection);
    const profiles = new CreditProfilesService(CreditProfile, clock, scopes);
    const loaders = creditProfilesLoaders(profiles, { scopes, clock });
    return {
      resolvers: creditProfilesResolvers(profiles, loaders),
      models: [CreditProfile],
      loaders: Object.values(loaders),
    };
  },
});
