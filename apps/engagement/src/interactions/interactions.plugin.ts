import { definePlugin } from '../define-plugin';
import { interactionModel } from './interaction.model';
import { interactionsLoaders } from './interactions.loaders';
import { interactionsResolvers } from './interactions.resolvers';
import { InteractionsService } from './interactions.service';
import { customerScopeToken } from '@crm/customer-scope';
import { pluginToken } from '@crm/kernel';

/** The interactions service, for the plugins that act on logged interactions (return visits). */
export const interactionsToken = pluginToken<InteractionsService>('engagement.interactions');

/** Contacts with customers on every channel (docs/domain/engagement.md, interactions). */
export const interactionsPlugin = definePlugin({
  name: 'interactions',
  uses: [customerScopeToken],
  provides: [interactionsToken],
  sdl: ['interactions.graphql'],
  register({ connection, clock, use, provide }) {
    const scopes = use(customerScopeToken);
    const Interaction = interactionModel(connection);
    const interactions = new InteractionsService(Interaction, clock, scopes);
    provide(interactionsToken, interactions);
    const loaders = interactionsLoaders(interactions, { scopes, clock });
    return {
      resolvers: interactionsResolvers(interactions, loaders),
      models: [Interaction],
      loaders: Object.values(loaders),
    };
  },
});
