import { viewerResolvers } from '@crm/kernel';
import { mayWorkBadCustomerCases } from '../bad-customers/bad-customers.service';
import { maySetCreditTerms } from '../credit-profiles/credit-profiles.service';
import { definePlugin } from '../define-plugin';
import { mayDecideCredit, mayPlaceOrders } from '../orders/orders.service';
import { mayWorkReceivables } from '../receivables/receivables.service';
import { mayRecomputeSalesTiers } from '../sales-tiers/sales-tiers.service';

/** What the caller may do in credit, on accounts' `viewer`, from the rule the mutation applies. */
export const viewerPlugin = definePlugin({
  name: 'viewer',
  sdl: ['viewer.graphql'],
  register: () => ({ resolvers: viewerResolvers({ canSetCreditTerms: maySetCreditTerms, canPlaceOrders: mayPlaceOrders, canDecideCredit: mayDecideCredit, canWorkReceivables: mayWorkReceivables, canRecomputeSalesTiers: mayRecomputeSalesTiers, canWorkBadCustomerCases: mayWorkBadCustomerCases }) }),
});
