import { pluginDefinerFor } from '@crm/kernel';
import type { Resolvers } from './generated/graphql';

/** surveys's plugins, their resolvers checked against surveys's generated resolver map. */
export const definePlugin = pluginDefinerFor<Resolvers>();
