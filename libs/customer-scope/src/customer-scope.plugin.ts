import type { ServiceName } from '@crm/contracts';
import { defineSchemaLessPlugin, pluginToken } from '@crm/kernel';
import { CustomerScopeDirectory, customerScopeEventHandlers } from './customer-scope-directory';
import type { ScopedRecordKind } from './visibility-rules';

/** The service's customer-scope directory, for the plugins that filter customer-scoped records. */
export const customerScopeToken = pluginToken<CustomerScopeDirectory>('customer-scope');

/**
 * A service's copy of who may read each customer, kept from accounts' customer and access events (ADR 0003).
 * Until accounts announces a customer it is visible only to the roles that see every customer. `kind` picks the
 * row of the visibility rule table for the records this service keeps.
 */
export function customerScopePlugin(service: ServiceName, kind: ScopedRecordKind = 'internal-record') {
  return defineSchemaLessPlugin({
    name: 'customer-scope',
    provides: [customerScopeToken],
    sdl: [],
    register({ connection, provide }) {
      const directory = new CustomerScopeDirectory(connection, kind);
      provide(customerScopeToken, directory);
      return { models: directory.models, eventHandlers: customerScopeEventHandlers(directory, service) };
    },
  });
}
