import { definePlugin } from '@crm/kernel';
import { creditProfileModel } from './credit-profile.model';
import { creditProfilesLoaders } from './credit-profiles.loaders';
import { creditProfilesResolvers } from './credit-profiles.resolvers';
import { CreditProfilesService } from './credit-profiles.service';

/** Customers' credit grade, limit and payment terms, reviewed by finance (DOMAIN.md §5). */
export const creditProfilesPlugin = definePlugin({
  name: 'credit-profiles',
  sdl: ['credit-profiles.graphql'],
  register({ connection, clock, publishPendingEvents }) {
    const CreditProfile = creditProfileModel(connection);
    const profiles = new CreditProfilesService(CreditProfile, clock, publishPendingEvents);
    const loaders = creditProfilesLoaders(profiles);
    return {
      resolvers: creditProfilesResolvers(profiles, loaders) as never,
      models: [CreditProfile],
      loaders: Object.values(loaders),
    };
  },
});
