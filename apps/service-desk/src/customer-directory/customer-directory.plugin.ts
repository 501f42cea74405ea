import { customerCreatedV1, customerHandedOverV1, customerMergedV1, customerUpdatedV1 } from '@crm/contracts';
import { pluginToken } from '@crm/kernel';
import { definePlugin } from '../define-plugin';
import { CustomerDirectory } from './customer-directory.service';
import { knownCustomerModel } from './known-customer.model';

export const customerDirectoryToken = pluginToken<CustomerDirectory>('service-desk.customer-directory');

/** Listens to accounts so tickets are only opened for customers that exist, and scoped like them. */
export const customerDirectoryPlugin = definePlugin({
  name: 'customer-directory',
  provides: [customerDirectoryToken],
  sdl: [],
  register({ connection, provide }) {
    const KnownCustomer = knownCustomerModel(connection);
    const directory = new CustomerDirectory(KnownCustomer);
    provide(customerDirectoryToken, directory);
    return {
      resolvers: {},
      models: [KnownCustomer],
      eventHandlers: [
        { contract: customerCreatedV1, durable: 'service-desk-customer-directory-created', handle: (event) => directory.apply(event) },
        { contract: customerUpdatedV1, durable: 'service-desk-customer-directory-updated', handle: (event) => directory.apply(event) },
        { contract: customerHandedOverV1, durable: 'service-desk-customer-directory-handed-over', handle: (event) => directory.applyHandover(event) },
        { contract: customerMergedV1, durable: 'service-desk-customer-directory-merged', handle: (event) => directory.applyMerge(event) },
      ],
    };
  },
});
