import { createService } from '@crm/kernel';
import { viewerPlugin } from './viewer/viewer.plugin';
import { workingCalendarPlugin } from '@crm/working-calendar';
import { creditProfilesPlugin } from './credit-profiles/credit-profiles.plugin';
import { creditReviewsPlugin } from './credit-reviews/credit-reviews.plugin';
import { customerScopePlugin } from '@crm/customer-scope';
import { moneyPlugin } from './money/money.plugin';
import { customerFactsPlugin } from './customer-facts/customer-facts';
import { ordersPlugin } from './orders/orders.plugin';
import { receivablesPlugin } from './receivables/receivables.plugin';
import { salesFiguresPlugin } from './sales-figures/sales-figures.plugin';
import { salesTiersPlugin } from './sales-tiers/sales-tiers.plugin';
import { badCustomersPlugin } from './bad-customers/bad-customers.plugin';
import { creditStandingPlugin } from './credit-standing/credit-standing.plugin';

/** credit: credit profiles, receivables and bad customers (docs/domain/credit.md). */
export const creditService = createService({
  name: 'credit',
  plugins: [
    workingCalendarPlugin('credit'),
    customerScopePlugin('credit'),
    customerFactsPlugin,
    moneyPlugin,
    creditProfilesPlugin,
    creditReviewsPlugin,
    receivablesPlugin,
    ordersPlugin,
    badCustomersPlugin,
    salesFiguresPlugin,
    salesTiersPlugin,
    creditStandingPlugin,
    viewerPlugin,
  ],
});
