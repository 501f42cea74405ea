import { CustomerScopeDirectory, customerScopeEventHandlers } from '@crm/data';
import { pluginToken } from '@crm/kernel';
import { definePlugin } from '../define-plugin';

export const customerScopeToken = pluginToken<CustomerScopeDirectory>('surveys.customer-scope');

/**
 * surveys's copy of who may read each customer, kept from accounts' customer and access events (ADR 0003).
 * Until accounts announces a customer it is visible only to the roles that see every customer.
 */
export const customerScopePlugin = definePlugin({
  name: 'customer-scope',
  provides: [customerScopeToken],
  sdl: [],
  register({ connection, provide }) {
    const directory = new CustomerScopeDirectory(connection);
    provide(customerScopeToken, directory);
    return { resolvers: {}, models: directory.models, eventHandlers: customerScopeEventHandlers(directory, 'surveys') };
  },
});
