import { definePlugin } from '../define-plugin';
import { customersToken } from '../customers/customers.plugin';
import { customerImportSchemaPart } from './customer-import.model';
import { customerImportResolvers } from './customer-import.resolvers';
import { CustomerImportService } from './customer-import.service';

/** Bulk import of customers from CSV rows with createCustomer's rules, idempotent through each row's import key. */
export const customerImportPlugin = definePlugin({
  name: 'customer-import',
  uses: [customersToken],
  sdl: ['customer-import.graphql'],
  register({ use }) {
    const module = use(customersToken);
    module.schema.extend(customerImportSchemaPart);
    return { resolvers: customerImportResolvers(new CustomerImportService(module.store, module.customers), module) };
  },
});
