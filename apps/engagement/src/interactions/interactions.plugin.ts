import { definePlugin } from '@crm/kernel';
import { interactionModel } from './interaction.model';
import { interactionsLoaders } from './interactions.loaders';
import { interactionsResolvers } from './interactions.resolvers';
import { InteractionsService } from './interactions.service';

/** Contacts with customers on every channel (DOMAIN.md §2, interactions). */
export const interactionsPlugin = definePlugin({
  name: 'interactions',
  sdl: ['interactions.graphql'],
  register({ connection, clock, publishPendingEvents }) {
    const Interaction = interactionModel(connection);
    const interactions = new InteractionsService(Interaction, clock, publishPendingEvents);
    const loaders = interactionsLoaders(interactions);
    return {
      resolvers: interactionsResolvers(interactions, loaders) as never,
      models: [Interaction],
      loaders: Object.values(loaders),
    };
  },
});
