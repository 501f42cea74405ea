import { isPartner } from '@crm/auth';
import { customerScopeToken, defineReadableCustomerKeyedLoader } from '@crm/customer-scope';
import { requireCaller } from '@crm/kernel';
import { badCustomersToken } from '../bad-customers/bad-customers.plugin';
import { creditProfilesToken } from '../credit-profiles/credit-profiles.plugin';
import { customerFactsToken } from '../customer-facts/customer-facts';
import { definePlugin } from '../define-plugin';
import { calendarDayOf, dayNumber } from '../money/calendar-day';
import { money, toMinor } from '../money/money';
import { ordersToken } from '../orders/orders.plugin';
import { receivablesToken } from '../receivables/receivables.plugin';
import { creditStandingOf, type CreditStandingStatus, type StandingReason } from './standing-rules';

export interface CreditStandingRecord {
  customerId: string;
  status: CreditStandingStatus;
  reasons: StandingReason[];
  currency: string;
  exposureMinor: number;
  creditLimitMinor: number | null;
}

/** Customer.creditStanding (OK / ON_HOLD / FROZEN / BAD_CASE_OPEN with reasons; an open bad-customer case among them), batched: one read per collection. */
export const creditStandingPlugin = definePlugin({
  name: 'credit-standing',
  uses: [customerScopeToken, customerFactsToken, creditProfilesToken, receivablesToken, ordersToken, badCustomersToken],
  sdl: ['credit-standing.graphql'],
  register({ clock, use }) {
    const scopes = use(customerScopeToken);
    const facts = use(customerFactsToken);
    const profiles = use(creditProfilesToken);
    const receivables = use(receivablesToken);
    const orders = use(ordersToken);
    const badCustomers = use(badCustomersToken);
    const loader = defineReadableCustomerKeyedLoader<CreditStandingRecord>('readableCreditStandingByCustomer', { scopes, clock }, 'CreditStanding', async (customerIds) => {
      const [profileRows, ledgerRows, factRows, openCases, orderRows] = await Promise.all([
        profiles.findByCustomerIds(customerIds),
        receivables.findByCustomerIds(customerIds),
        facts.findMany(customerIds),
        badCustomers.withOpenCase(customerIds),
        orders.orders.aggregate<{ _id: { customerId: string; status: string; currency: string }; count: number; total: number }>([
          { $match: { customerId: { $in: customerIds }, status: { $in: ['HELD', 'OPEN'] } } },
          { $group: { _id: { customerId: '$customerId', status: '$status', currency: '$currency' }, count: { $sum: 1 }, total: { $sum: '$amountMinor' } } },
        ]),
      ]);
      const today = dayNumber(calendarDayOf(clock.now(), receivables.timeZone()));
      return customerIds.map((customerId) => {
        const profile = profileRows.find((p) => p._id === customerId) ?? null;
        const ledger = ledgerRows.find((l) => l._id === customerId) ?? null;
        const currency = profile?.currency ?? ledger?.currency ?? 'CNY';
        const mine = orderRows.filter((row) => row._id.customerId === customerId);
        const openOrders = mine.filter((row) => row._id.status === 'OPEN' && row._id.currency === currency).reduce((sum, row) => sum + row.total, 0);
        const receivable = ledger && ledger.currency === currency ? Math.max(0, ledger.outstandingMinor - ledger.creditMinor) : 0;
        const overdue = ledger?.oldestOpenDueDayNumber != null ? today - ledger.oldestOpenDueDayNumber : null;
        const creditLimitMinor = profile ? toMinor(profile.creditLimit, profile.currency) : null;
        const exposureMinor = receivable + openOrders;
        const standing = creditStandingOf({
          badCaseOpen: openCases.has(customerId),
          lifecycle: factRows.get(customerId)?.lifecycle ?? null,
          frozen: profile?.frozen ?? false,
          currency,
          creditLimitMinor,
          exposureMinor,
          heldOrders: mine.filter((row) => row._id.status === 'HELD').reduce((sum, row) => sum + row.count, 0),
          oldestOverdueDays: overdue !== null && overdue > 0 ? overdue : null,
          holdOverdueDays: orders.config.holdOverdueDays,
        });
        return { customerId, ...standing, currency, exposureMinor, creditLimitMinor };
      });
    });
    return {
      resolvers: {
        Customer: {
          creditStanding: (customer, _, ctx) => (isPartner(requireCaller(ctx)) ? null : ctx.loaders.get(loader).load(customer.id)),
        },
        CreditStanding: {
          id: (s) => `${s.customerId}:credit-standing`,
          exposure: (s) => money(s.exposureMinor, s.currency),
          creditLimit: (s) => (s.creditLimitMinor === null ? null : money(s.creditLimitMinor, s.currency)),
        },
      },
      loaders: [loader],
    };
  },
});
