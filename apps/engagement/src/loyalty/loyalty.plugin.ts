import { isPartner } from '@crm/auth';
import { customerScopeToken, defineCustomerKeyedLoader } from '@crm/customer-scope';
import { invoiceSettledV1, orderDeliveredV1 } from '@crm/contracts';
import { groupByKeys } from '@crm/data';
import { mutationPayload, parseInput, pluginToken, requiredActorRef, requireCaller } from '@crm/kernel';
import { workingCalendarToken } from '@crm/working-calendar';
import { z } from 'zod';
import { definePlugin } from '../define-plugin';
import type { Resolvers } from '../generated/graphql';
import { pageSize } from '../common/text-input';
import { loyaltyModels, type LoyaltyEntryRecord } from './loyalty.model';
import { LoyaltyService } from './loyalty.service';

/** A customer's loyalty account as LoyaltyAccount resolves it: the latest entries of the ledger. */
export interface LoyaltyAccountShape {
  customerId: string;
  latest: LoyaltyEntryRecord[];
}

export const loyaltyToken = pluginToken<LoyaltyService>('engagement.loyalty');

const MAX_ENTRIES = 100;
const entriesPageSize = pageSize(MAX_ENTRIES);

/** The loyalty programme as a points ledger (docs/domain/engagement.md, loyalty). */
export const loyaltyPlugin = definePlugin({
  name: 'loyalty',
  uses: [customerScopeToken, workingCalendarToken],
  provides: [loyaltyToken],
  sdl: ['loyalty.graphql'],
  config: z.object({
    LOYALTY_ANNIVERSARY_POINTS: z.coerce.number().int().min(0).max(100_000).default(100).describe('Points a customer earns for each completed year of cooperation (counted from the first delivery).'),
    LOYALTY_PURCHASE_UNITS_PER_POINT: z.coerce.number().int().min(1).max(1_000_000).default(100).describe('Currency units (yuan) of a paid invoice that earn one purchase point, rounded down.'),
  }),
  register({ connection, clock, config, use, provide }) {
    const scopes = use(customerScopeToken);
    const models = loyaltyModels(connection);
    const loyalty = new LoyaltyService(models, clock, scopes, use(workingCalendarToken), config.LOYALTY_ANNIVERSARY_POINTS, config.LOYALTY_PURCHASE_UNITS_PER_POINT);
    provide(loyaltyToken, loyalty);
    // The balance is the newest entry's: the same one query per batch of customers serves balance and entries.
    const latestEntriesByCustomer = defineCustomerKeyedLoader<LoyaltyEntryRecord[] | null>('latestLoyaltyEntriesByCustomer', { scopes, clock }, null, async (customerIds) =>
      groupByKeys(customerIds, await loyalty.latestForCustomers(customerIds, MAX_ENTRIES), (e) => e.customerId),
    );
    const resolvers: Resolvers = {
      Mutation: {
        redeemLoyaltyPoints: (_, { input }, ctx) => mutationPayload('entry', () => loyalty.redeem(requireCaller(ctx), input)),
      },
      LoyaltyEntry: {
        __resolveReference: async (ref, ctx) => {
          const caller = requireCaller(ctx);
          const entry = await models.entries.findById(String(ref.id)).lean<LoyaltyEntryRecord>().catch(() => null);
          return entry && (await scopes.canSee(caller, entry.customerId, clock.now())) ? entry : null;
        },
        id: (e) => String(e._id),
        recordedBy: (e) => requiredActorRef(e.recordedBy),
      },
      LoyaltyAccount: {
        id: (a) => `${a.customerId}:loyalty`,
        balance: (a) => a.latest[0]?.balanceAfter ?? 0,
        entries: (a, { first }) => a.latest.slice(0, parseInput(entriesPageSize, first, 'first')),
      },
      Customer: {
        loyaltyPoints: async (customer, _, ctx) => {
          const caller = requireCaller(ctx);
          if (isPartner(caller)) return null;
          const latest = await ctx.loaders.get(latestEntriesByCustomer).load(customer.id);
          return latest ? { customerId: customer.id, latest } : null;
        },
      },
    };
    return {
      resolvers,
      models: [models.entries, models.members],
      loaders: [latestEntriesByCustomer],
      eventHandlers: [
        // Cooperation is counted from the first delivery credit reports.
        { contract: orderDeliveredV1, durable: 'engagement-loyalty-order-delivered', handle: (event) => loyalty.noteDelivery(event.data.customerId, new Date(event.data.deliveredAt)) },
        // Purchase points once the customer has paid the invoice in full.
        { contract: invoiceSettledV1, durable: 'engagement-loyalty-invoice-settled', handle: async (event) => void (await loyalty.earnForSettledInvoice(event)) },
      ],
    };
  },
});
