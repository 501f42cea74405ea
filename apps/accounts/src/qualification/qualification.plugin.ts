import { definePlugin } from '../define-plugin';
import { customersToken } from '../customers/customers.plugin';
import { organisationToken } from '../organisation/organisation.plugin';
import { qualificationSchemaPart } from './qualification.model';
import { qualificationResolvers } from './qualification.resolvers';
import { QualificationService } from './qualification.service';

/** New-customer qualification for organisation customers (docs/domain/accounts.md); archiving notifies every service. */
export const qualificationPlugin = definePlugin({
  name: 'qualification',
  uses: [customersToken, organisationToken],
  sdl: ['qualification.graphql'],
  register({ use }) {
    const module = use(customersToken);
    const { loaders: organisationLoaders } = use(organisationToken);
    const qualification = new QualificationService(module.store, module.customers);
    module.schema.extend(qualificationSchemaPart);
    module.extensions.register(qualification.extension());
    return { resolvers: qualificationResolvers(qualification, module, organisationLoaders) };
  },
});
