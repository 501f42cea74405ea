import { pluginToken } from '@crm/kernel';
import { definePlugin } from '../define-plugin';
import { z } from 'zod';
import { accessToken, type AccessService } from '../access/access.plugin';
import { organisationToken } from '../organisation/organisation.plugin';
import { CustomerExtensions } from './customer-extensions';
import { CustomerSchema } from './customer-schema';
import { CustomerStore } from './customer-store';
import { customersLoaders, type CustomersLoaders } from './customers.loaders';
import { customersResolvers } from './customers.resolvers';
import { CustomersService } from './customers.service';

/** What the customers plugin shares with the plugins that add to the customer aggregate. */
export interface CustomersModule {
  store: CustomerStore;
  customers: CustomersService;
  loaders: CustomersLoaders;
  extensions: CustomerExtensions;
  /** Extension plugins add their fields and indexes to it while they register. */
  schema: CustomerSchema;
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
    const schema = new CustomerSchema(connection);
    const extensions = new CustomerExtensions();
    const store = new CustomerStore(schema, extensions, clock);
    const customers = new CustomersService(store, organisation, extensions, { staleAfterDays: config.ACCOUNTS_STALE_AFTER_DAYS });
    const loaders = customersLoaders(customers, store);
    provide(customersToken, { store, customers, loaders, extensions, schema, access });
    return {
      resolvers: customersResolvers({ customers, loaders, organisation: organisationLoaders, access, clock }),
      // A getter: the kernel reads models after every plugin registered, so the extension parts are in the schema when it compiles.
      get models() {
        return [schema.model];
      },
      loaders: Object.values(loaders),
    };
  },
});
