import { badCustomerCaseClosedV1, badCustomerCaseOpenedV1 } from '@crm/contracts';
import { defineSchemaLessPlugin } from '@crm/kernel';
import { customersToken } from '../customers/customers.plugin';
import { badCustomerCasesSchemaPart } from './bad-customer-case.model';
import { BadCustomerCasesService } from './bad-customer-cases.service';

/** credit's bad-customer cases move the customer's lifecycle (docs/domain/accounts.md, bad customers); no SDL of its own: the history shows it. */
export const badCustomerCasesPlugin = defineSchemaLessPlugin({
  name: 'bad-customer-cases',
  uses: [customersToken],
  sdl: [],
  register({ use, logger }) {
    const module = use(customersToken);
    module.schema.extend(badCustomerCasesSchemaPart);
    const cases = new BadCustomerCasesService(module.store, logger);
    return {
      eventHandlers: [
        { contract: badCustomerCaseOpenedV1, durable: 'accounts-bad-customer-cases-opened', handle: (event) => cases.applyOpened(event) },
        { contract: badCustomerCaseClosedV1, durable: 'accounts-bad-customer-cases-closed', handle: (event) => cases.applyClosed(event) },
      ],
    };
  },
});
