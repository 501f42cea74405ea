import { createService } from '@crm/kernel';
import { accessPlugin } from './access/access.plugin';
import { customersPlugin } from './customers/customers.plugin';
import { organisationPlugin } from './organisation/organisation.plugin';

/** accounts: the customer archive, consultants and departments (DOMAIN.md §1). */
export const accountsService = createService({ name: 'accounts', plugins: [organisationPlugin, accessPlugin, customersPlugin] });
