import { pluginToken } from '@crm/kernel';
import type { Model } from 'mongoose';
import type { CustomerRecord } from '../customers/customer.model';
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
    // The customers plugin registers after this one, so its collection is looked up when a partner reads staff.
    const linkedOwners = (partnerIds: readonly string[]) =>
      (connection.model('Customer') as Model<CustomerRecord>)
        .find({ partnerIds: { $in: [...partnerIds] }, mergedInto: null }, { ownerId: 1, partnerIds: 1 })
        .lean<Pick<CustomerRecord, 'ownerId' | 'partnerIds'>[]>()
        .exec();
    const organisation = new OrganisationService(models, linkedOwners);
    const loaders = organisationLoaders(organisation);
    provide(organisationToken, { organisation, loaders });
    return {
      resolvers: organisationResolvers(organisation, loaders),
      models: Object.values(models),
      loaders: Object.values(loaders),
    };
  },
});
