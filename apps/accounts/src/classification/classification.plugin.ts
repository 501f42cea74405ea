import { creditProfileChangedV1, salesTierComputedV1 } from '@crm/contracts';
import { definePlugin } from '../define-plugin';
import { customersToken } from '../customers/customers.plugin';
import { organisationToken } from '../organisation/organisation.plugin';
import { classificationSchemaPart } from './classification.model';
import { classificationResolvers } from './classification.resolvers';
import { ClassificationService } from './classification.service';

/** Classification axes (docs/domain/accounts.md): category, importance, loyalty, route, staff; sales tier and credit grade from credit. */
export const classificationPlugin = definePlugin({
  name: 'classification',
  uses: [customersToken, organisationToken],
  sdl: ['classification.graphql'],
  register({ use, logger }) {
    const module = use(customersToken);
    const { organisation, loaders: organisationLoaders } = use(organisationToken);
    const classification = new ClassificationService(module.store, module.customers, organisation, logger);
    module.schema.extend(classificationSchemaPart);
    module.extensions.register(classification.extension());
    return {
      resolvers: classificationResolvers(classification, module, organisationLoaders),
      eventHandlers: [
        { contract: creditProfileChangedV1, durable: 'accounts-classification-credit-grade', handle: (event) => classification.applyCreditGrade(event) },
        { contract: salesTierComputedV1, durable: 'accounts-classification-sales-tier', handle: (event) => classification.applySalesTier(event) },
      ],
    };
  },
});
