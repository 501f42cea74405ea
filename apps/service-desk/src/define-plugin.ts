import { pluginDefinerFor } from '@crm/kernel';
import type { Resolvers } from './generated/graphql';

/** service-desk's plugins, their resolvers checked against service-desk's generated resolver map. */
export const definePlugin = pluginDefinerFor<Resolvers>();
