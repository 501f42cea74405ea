import { pluginDefinerFor } from '@crm/kernel';
import type { Resolvers } from './generated/graphql';

/** engagement's plugins, their resolvers checked against engagement's generated resolver map. */
export const definePlugin = pluginDefinerFor<Resolvers>();
