import { pluginToken } from '@crm/kernel';
import { definePlugin } from '../define-plugin';
import { z } from 'zod';
import { accessToken, type AccessService } from '../access/access.plugin';
import { organisationToken } from '../organisation/organisation.plugin';
import { CustomerExtensions } from './customer-extensions';
import { CustomerStore } from './customer-store';
import { customerModel } from './customer.model';
import { customersLoaders, type CustomersLoaders } from './customers.loaders';
import { customersResolvers } from './customers.resolvers';
import { CustomersService } from './customers.service';

/** What the customers plugin shares with the plugins that add to the customer aggregate. */
export interface CustomersModule {
  store: CustomerStore;
  customers: CustomersService;
  loaders: CustomersLoaders;
  extensions: CustomerExtensions;
  access: AccessService;
}

export const customersToken = pluginToken<CustomersModule>('accounts.customers');

export const customersConfig = z.object({
  ACCOUNTS_STALE_AFTER_DAYS: z.coerce.number().int().positive().max(3650).default(365).describe('Customer data not verified for this many days shows as stale.'),
});

/** The customer archive: the data card, its history, verification and the customer list. */
export const customersPlugin = definePlugin({
  name: 'customers',
  uses: [accessToken, organisationToken],
  provides: [customersToken],
  sdl: ['customers.graphql'],
  config: customersConfig,
  register({ connection, clock, config, use, provide }) {
    const { organisation, loaders: organisationLoaders } = use(organisationToken);
    const access = use(accessToken);
    const Customer = customerModel(connection);
    const extensions = new CustomerExtensions();
    const store = new CustomerStore(Customer, extensions, clock);
    const customers = new CustomersService(store, organisation, extensions, { staleAfterDays: config.ACCOUNTS_STALE_AFTER_DAYS });
    const loaders = customersLoaders(customers, store);
    provide(customersToken, { store, customers, loaders, extensions, access });
    return {
      resolvers: customersResolvers({ customers, loaders, organisation: organisationLoaders, access, clock }),
      models: [Customer],
      loaders: Object.values(loaders),
    };
  },
});
