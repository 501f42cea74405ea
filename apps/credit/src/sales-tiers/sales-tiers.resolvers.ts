import { mutationPayload, requiredActorRef, requireCaller } from '@crm/kernel';
import type { Resolvers } from '../generated/graphql';
import { money } from '../money/money';
import { parseReportPeriod as parsePeriod } from '@crm/working-calendar';
import { ABC_MONTHS } from './abc-rules';
import type { SalesTierChangeRecord } from './sales-tier.model';
import type { SalesTiersService, ShareRow } from './sales-tiers.service';

export type SalesTierChangeView = SalesTierChangeRecord & { currency: string };
export type ShareView = ShareRow & { currency: string; totalMinor: number };

export function salesTiersResolvers(tiers: SalesTiersService, timeZone: () => string): Resolvers {
  return {
    Query: {
      salesTierRun: (_, { id }, ctx) => tiers.findRun(requireCaller(ctx), id),
      salesComposition: (_, { period, currency }, ctx) => {
        const caller = requireCaller(ctx);
        return tiers.composition(caller, parsePeriod(period, timeZone()), currency ?? 'CNY');
      },
    },
    Mutation: {
      recomputeSalesTiers: (_, { input }, ctx) => mutationPayload('run', () => tiers.request(requireCaller(ctx), input ?? {})),
    },
    SalesTierRun: {
      id: (run) => String(run._id),
      requestedBy: (run) => requiredActorRef(run.requestedBy),
      rule: (run) => ({ version: run.ruleVersion, aShare: run.aShare, bShare: run.bShare, currency: run.currency, months: ABC_MONTHS }),
      progress: (run) => ({ processed: run.processed, total: run.total, percent: run.total === 0 ? (run.status === 'DONE' ? 100 : 0) : Math.floor((run.processed / run.total) * 100) }),
      changes: (run, { first }) => run.changes.slice(0, Math.min(Math.max(first ?? 100, 0), 1000)).map((change) => ({ ...change, currency: run.currency })),
      changeCount: (run) => run.total,
    },
    SalesTierChange: {
      customer: (change) => ({ id: change.customerId }),
      sales: (change) => money(change.salesMinor, change.currency),
    },
    SalesComposition: {
      total: (c) => money(c.totalMinor, c.currency),
      byProduct: (c) => c.byProduct.map((row) => ({ ...row, currency: c.currency, totalMinor: c.totalMinor })),
      byTier: (c) => c.byTier.map((row) => ({ ...row, currency: c.currency, totalMinor: c.totalMinor })),
      byRegion: (c) => c.byRegion.map((row) => ({ ...row, currency: c.currency, totalMinor: c.totalMinor })),
    },
    SalesShare: {
      amount: (row) => money(row.amountMinor, row.currency),
      share: (row) => (row.totalMinor === 0 ? 0 : Math.round((row.amountMinor / row.totalMinor) * 10_000) / 10_000),
    },
  };
}
