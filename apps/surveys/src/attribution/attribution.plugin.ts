import { customerCreatedV1, customerUpdatedV1 } from '@crm/contracts';
import { customerScopeToken } from '@crm/customer-scope';
import { defineSchemaLessPlugin, pluginToken } from '@crm/kernel';
import { Attributions, customerRegionModel } from './attribution';

export const attributionToken = pluginToken<Attributions>('surveys.attribution');

/** The consultant, department, region and products responses count for, from the customer's scope at the time. */
export const attributionPlugin = defineSchemaLessPlugin({
  name: 'attribution',
  uses: [customerScopeToken],
  provides: [attributionToken],
  sdl: [],
  register({ connection, use, provide }) {
    const attributions = new Attributions(use(customerScopeToken), customerRegionModel(connection));
    provide(attributionToken, attributions);
    return {
      models: [attributions.regions],
      eventHandlers: [
        { contract: customerCreatedV1, durable: 'surveys-attribution-created', handle: (event) => attributions.applyCustomer(event) },
        { contract: customerUpdatedV1, durable: 'surveys-attribution-updated', handle: (event) => attributions.applyCustomer(event) },
      ],
    };
  },
});
