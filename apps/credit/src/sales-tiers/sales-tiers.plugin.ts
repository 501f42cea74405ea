import { env } from '@crm/kernel';
import { workingCalendarToken } from '@crm/working-calendar';
import { z } from 'zod';
import { customerFactsToken } from '../customer-facts/customer-facts';
import { definePlugin } from '../define-plugin';
import { ordersToken } from '../orders/orders.plugin';
import { sharesProblem } from './abc-rules';
import { salesTierModel, salesTierRunModel } from './sales-tier.model';
import { salesTiersResolvers } from './sales-tiers.resolvers';
import { SalesTiersService } from './sales-tiers.service';

const share = (fallback: number) => z.coerce.number().min(0).max(1).default(fallback);

/** Composition: ABC sales tiers (published to accounts) and the share of sales by product, tier and region. */
export const salesTiersPlugin = definePlugin({
  name: 'sales-tiers',
  uses: [ordersToken, customerFactsToken, workingCalendarToken],
  sdl: ['sales-tiers.graphql'],
  config: z.object({
    SALES_TIER_A_SHARE: share(0.8).describe('Share of trailing-12-month sales the A customers make (ABC rule).'),
    SALES_TIER_B_SHARE: share(0.15).describe('Share of sales the B customers make next; A + B at most 1.'),
    SALES_TIER_CURRENCY: z.string().regex(/^[A-Z]{3}$/).default('CNY').describe('Currency of the sales the ABC rule ranks.'),
    SALES_TIER_RUNNER_INTERVAL_MS: env.positiveInt(5_000).describe('How often the runner looks for requested sales tier runs (a request also wakes it at once).'),
    SALES_TIER_RECOMPUTE_EVERY_HOURS: z.coerce.number().min(0).default(24).describe('Request a published recomputation when the last is older than this (0: only on request). The first comes one period after start.'),
  }),
  register({ connection, clock, config, logger, use }) {
    const problem = sharesProblem({ aShare: config.SALES_TIER_A_SHARE, bShare: config.SALES_TIER_B_SHARE });
    if (problem) throw new Error(`SALES_TIER_A_SHARE / SALES_TIER_B_SHARE: ${problem}`);
    const calendar = use(workingCalendarToken);
    const timeZone = () => calendar.current().timeZone;
    const Tier = salesTierModel(connection);
    const Run = salesTierRunModel(connection);
    let running: Promise<unknown> | null = null;
    const kick = () => {
      running ??= tiers.runPending().catch((error) => logger.error({ err: error }, 'sales tier runner failed')).finally(() => (running = null));
    };
    const tiers: SalesTiersService = new SalesTiersService(Tier, Run, use(ordersToken).orders, use(customerFactsToken), clock, timeZone, { aShare: config.SALES_TIER_A_SHARE, bShare: config.SALES_TIER_B_SHARE, currency: config.SALES_TIER_CURRENCY }, logger, kick);
    const startedAt = clock.now();
    const everyMs = config.SALES_TIER_RECOMPUTE_EVERY_HOURS * 3_600_000;
    return {
      resolvers: salesTiersResolvers(tiers, timeZone),
      models: [Tier, Run],
      onStop: async () => void (await running),
      jobs: [
        {
          name: 'sales-tier-runner',
          intervalMs: config.SALES_TIER_RUNNER_INTERVAL_MS,
          run: async () => {
            if (everyMs > 0) {
              const last = await tiers.lastPublishingRun();
              const since = (last?.requestedAt ?? startedAt).getTime();
              if (clock.now().getTime() - since >= everyMs) await tiers.requestScheduled();
            }
            await tiers.runPending();
          },
        },
      ],
    };
  },
});
