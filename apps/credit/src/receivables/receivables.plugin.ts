import { orderDeliveredV1 } from '@crm/contracts';
import { customerScopeToken } from '@crm/customer-scope';
import { pluginToken } from '@crm/kernel';
import { workingCalendarToken } from '@crm/working-calendar';
import { creditProfilesToken } from '../credit-profiles/credit-profiles.plugin';
import { customerFactsToken } from '../customer-facts/customer-facts';
import { definePlugin } from '../define-plugin';
import { ledgerModel } from './ledger.model';
import { receivablesLoaders } from './receivables.loaders';
import { receivablesResolvers } from './receivables.resolvers';
import { ReceivablesService } from './receivables.service';

/** The receivables ledger: the credit check's exposure, the figures and the bad-customer criteria read it. */
export const receivablesToken = pluginToken<ReceivablesService>('credit.receivables');

/** Invoices per delivered order, payments allocated oldest first, ageing and the collections list. */
export const receivablesPlugin = definePlugin({
  name: 'receivables',
  uses: [customerScopeToken, customerFactsToken, creditProfilesToken, workingCalendarToken],
  provides: [receivablesToken],
  sdl: ['receivables.graphql'],
  register({ connection, clock, logger, use, provide }) {
    const scopes = use(customerScopeToken);
    const Ledger = ledgerModel(connection);
    const receivables = new ReceivablesService(Ledger, clock, scopes, use(customerFactsToken), use(creditProfilesToken), use(workingCalendarToken), logger);
    provide(receivablesToken, receivables);
    const loaders = receivablesLoaders(receivables, { scopes, clock });
    return {
      resolvers: receivablesResolvers(receivables, loaders),
      models: [Ledger],
      loaders: Object.values(loaders),
      eventHandlers: [{ contract: orderDeliveredV1, durable: 'credit-receivables-order-delivered', handle: (event) => receivables.invoiceDelivered(event) }],
    };
  },
});
