import { definePlugin } from '../define-plugin';
import { interactionModel } from './interaction.model';
import { interactionsLoaders } from './interactions.loaders';
import { interactionsResolvers } from './interactions.resolvers';
import { InteractionsService } from './interactions.service';
import { customerScopeToken } from '@crm/customer-scope';

/** Contacts with customers on every channel (docs/domain/engagement.md, interactions). */
export const interactionsPlugin = definePlugin({
  name: 'interactions',
  uses: [customerScopeToken],
  sdl: ['interactions.graphql'],
  register({ connection, clock, use }) {
    const scopes = use(customerScopeToken);
    const Interaction = interactionModel(connection);
    const interactions = new InteractionsService(Interaction, clock, scopes);
    const loaders = interactionsLoaders(interactions, { scopes, clock });
    return {
      resolvers: interactionsResolvers(interactions, loaders),
      models: [Interaction],
      loaders: Object.values(loaders),
    };
  },
});
