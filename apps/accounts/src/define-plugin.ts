import { pluginDefinerFor } from '@crm/kernel';
import type { Resolvers } from './generated/graphql';

/** accounts's plugins, their resolvers checked against accounts's generated resolver map. */
export const definePlugin = pluginDefinerFor<Resolvers>();
