import { definePlugin } from '@crm/kernel';
import { customerScopeToken } from '../customer-scope/customer-scope.plugin';
import { interactionModel } from './interaction.model';
import { interactionsLoaders } from './interactions.loaders';
import { interactionsResolvers } from './interactions.resolvers';
import { InteractionsService } from './interactions.service';

/** Contacts with customers on every channel (DOMAIN.md §2, interactions). */
export const interactionsPlugin = definePlugin({
  name: 'interactions',
  dependsOn: ['customer-scope'],
  sdl: ['interactions.graphql'],
  register({ connection, clock, publishPendingEvents, use }) {
    const scopes = use(customerScopeToken);
    const Interaction = interactionModel(connection);
    const interactions = new InteractionsService(Interaction, clock, publishPendingEvents, scopes);
    const loaders = interactionsLoaders(interactions, scopes, clock);
    return {
      resolvers: interactionsResolvers(interactions, loaders) as never,
      models: [Interaction],
      loaders: Object.values(loaders),
    };
  },
});
