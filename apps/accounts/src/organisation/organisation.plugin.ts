import { pluginToken } from '@crm/kernel';
import { definePlugin } from '../define-plugin';
import { organisationLoaders, type OrganisationLoaders } from './organisation.loaders';
import { organisationModels } from './organisation.model';
import { organisationResolvers } from './organisation.resolvers';
import { OrganisationService } from './organisation.service';

export const organisationToken = pluginToken<{ organisation: OrganisationService; loaders: OrganisationLoaders }>('accounts.organisation');

/** Departments and consultants, the people customers belong to. */
export const organisationPlugin = definePlugin({
  name: 'organisation',
  provides: [organisationToken],
  sdl: ['organisation.graphql'],
  register({ connection, provide }) {
    const models = organisationModels(connection);
    const organisation = new OrganisationService(models);
    const loaders = organisationLoaders(organisation);
    provide(organisationToken, { organisation, loaders });
    return {
      resolvers: organisationResolvers(organisation, loaders),
      models: Object.values(models),
      loaders: Object.values(loaders),
    };
  },
});
