import { definePlugin } from '../define-plugin';
import { creditProfileModel } from './credit-profile.model';
import { creditProfilesLoaders } from './credit-profiles.loaders';
import { creditProfilesResolvers } from './credit-profiles.resolvers';
import { CreditProfilesService } from './credit-profiles.service';
import { customerScopeToken } from '@crm/customer-scope';
import { pluginToken } from '@crm/kernel';

/** Customers' credit terms, for the credit check and the invoices' due dates. */
export const creditProfilesToken = pluginToken<CreditProfilesService>('credit.credit-profiles');

/** Customers' credit grade, limit and payment terms, reviewed by finance (docs/domain/credit.md). */
export const creditProfilesPlugin = definePlugin({
  name: 'credit-profiles',
  uses: [customerScopeToken],
  provides: [creditProfilesToken],
  sdl: ['credit-profiles.graphql'],
  register({ connection, clock, use, provide }) {
    const scopes = use(customerScopeToken);
    const CreditProfile = creditProfileModel(connection);
    const profiles = new CreditProfilesService(CreditProfile, clock, scopes);
    const loaders = creditProfilesLoaders(profiles, { scopes, clock });
    provide(creditProfilesToken, profiles);
    return {
      resolvers: creditProfilesResolvers(profiles, loaders),
      models: [CreditProfile],
      loaders: Object.values(loaders),
    };
  },
});
