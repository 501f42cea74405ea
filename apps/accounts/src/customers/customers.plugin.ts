import { definePlugin } from '@crm/kernel';
import { accessToken } from '../access/access.plugin';
import { organisationToken } from '../organisation/organisation.plugin';
import { customerModel } from './customer.model';
import { customersLoaders } from './customers.loaders';
import { customersResolvers } from './customers.resolvers';
import { CustomersService } from './customers.service';

/** The customer archive: customers, contacts, history and who may see them. */
export const customersPlugin = definePlugin({
  name: 'customers',
  dependsOn: ['organisation', 'access'],
  sdl: ['customers.graphql'],
  register({ connection, clock, use, publishPendingEvents }) {
    const { organisation, loaders: organisationLoaders } = use(organisationToken);
    const Customer = customerModel(connection);
    const customers = new CustomersService(Customer, organisation, clock, publishPendingEvents);
    const loaders = customersLoaders(customers);
    return {
      resolvers: customersResolvers(customers, loaders, organisationLoaders, use(accessToken)) as never,
      models: [Customer],
      loaders: Object.values(loaders),
    };
  },
});
