import { pluginDefinerFor } from '@crm/kernel';
import type { Resolvers } from './generated/graphql';

/** credit's plugins, their resolvers checked against credit's generated resolver map. */
export const definePlugin = pluginDefinerFor<Resolvers>();
