import { hasRole, isPartner, type Caller } from '@crm/auth';
import { salesTierComputedV1 } from '@crm/contracts';
import { createEvent, withEvents } from '@crm/events';
import { BadUserInputError, ForbiddenError, NotFoundError, parseInput, type Clock } from '@crm/kernel';
import { subMonths } from 'date-fns';
import { Types, type Model } from 'mongoose';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { CustomerFacts } from '../customer-facts/customer-facts';
import { addDays, calendarDayOf, startOfDay } from '../money/calendar-day';
import type { ReportPeriod } from '@crm/working-calendar';
import type { OrderRecord } from '../orders/order.model';
import { ABC_MONTHS, ABC_RULE_VERSION, abcTiers, type AbcShares, type CustomerSales } from './abc-rules';
import type { SalesTierChangeRecord, SalesTierRecord, SalesTierRunRecord } from './sales-tier.model';

/** Who recomputes tiers and reads the runs: finance and the general manager. */
export function mayRecomputeSalesTiers(caller: Caller): boolean {
  return !isPartner(caller) && hasRole(caller, 'finance', 'general_manager');
}

/** Who reads the sales composition: finance, marketing and the general manager. */
export function mayReadComposition(caller: Caller): boolean {
  return !isPartner(caller) && hasRole(caller, 'finance', 'general_manager', 'marketing');
}

export interface SalesTiersConfig extends AbcShares {
  currency: string;
}

export interface ShareRow {
  key: string;
  amountMinor: number;
}

export interface CompositionRecord {
  period: string;
  currency: string;
  totalMinor: number;
  byProduct: ShareRow[];
  byTier: ShareRow[];
  byRegion: ShareRow[];
}

const recomputeInput = z.object({
  asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a calendar day, YYYY-MM-DD').nullish(),
  dryRun: z.boolean().nullish().transform((v) => v ?? false),
});

/** Tier events are written in batches; the run's progress moves after each. */
const BATCH = 100;

/** ABC tiers (composition plugin): requested runs, the runner that computes them, and the share-of-sales reads. */
export class SalesTiersService {
  constructor(
    readonly tiers: Model<SalesTierRecord>,
    readonly runs: Model<SalesTierRunRecord>,
    private readonly orders: Model<OrderRecord>,
    private readonly facts: CustomerFacts,
    private readonly clock: Clock,
    private readonly timeZone: () => string,
    private readonly config: SalesTiersConfig,
    private readonly logger: Logger,
    private readonly kick: () => void = () => undefined,
  ) {}

  /** Ask for a recomputation as of a day (default today); a dry run lists the changes and publishes nothing. */
  async request(caller: Caller, rawInput: unknown): Promise<SalesTierRunRecord> {
    if (!mayRecomputeSalesTiers(caller)) throw new ForbiddenError('Only finance and the general manager recompute sales tiers');
    return this.requestAs(caller.userId, rawInput);
  }

  /** The schedule's run: as of today, published, by the platform. */
  requestScheduled(): Promise<SalesTierRunRecord> {
    return this.requestAs('system:sales-tiers', {});
  }

  private async requestAs(userId: string, rawInput: unknown): Promise<SalesTierRunRecord> {
    const input = parseInput(recomputeInput, rawInput ?? {});
    const today = calendarDayOf(this.clock.now(), this.timeZone());
    const asOf = input.asOf ?? today;
    if (asOf > today) throw new BadUserInputError('input.asOf', 'cannot be in the future');
    // Trailing twelve months ending with the day: 2024-07-01 to 2025-06-30 for 2025-06-30.
    const periodStart = calendarDayOf(subMonths(startOfDay(addDays(asOf, 1), this.timeZone()), ABC_MONTHS), this.timeZone());
    const run = await this.runs.create({
      dryRun: input.dryRun,
      status: 'REQUESTED',
      requestedBy: userId,
      requestedAt: this.clock.now(),
      asOf,
      periodStart,
      periodEnd: asOf,
      ruleVersion: ABC_RULE_VERSION,
      aShare: this.config.aShare,
      bShare: this.config.bShare,
      currency: this.config.currency,
    });
    this.kick();
    return run.toObject();
  }

  async findRun(caller: Caller, id: string): Promise<SalesTierRunRecord> {
    if (!mayRecomputeSalesTiers(caller)) throw new ForbiddenError('Only finance and the general manager read sales tier runs');
    if (!Types.ObjectId.isValid(id) || !/^[0-9a-f]{24}$/i.test(id)) throw new BadUserInputError('id', 'is not a valid id');
    const run = await this.runs.findById(id).lean<SalesTierRunRecord>();
    if (!run) throw new NotFoundError('SalesTierRun', id);
    return run;
  }

  /** Run every requested run, oldest first (the job, and a kick after each request). */
  async runPending(): Promise<number> {
    let done = 0;
    for (;;) {
      const run = await this.runs.findOneAndUpdate({ status: 'REQUESTED' }, { $set: { status: 'RUNNING', startedAt: this.clock.now() } }, { sort: { requestedAt: 1 }, returnDocument: 'after' }).lean<SalesTierRunRecord>();
      if (!run) return done;
      try {
        await this.execute(run);
      } catch (error) {
        this.logger.error({ err: error, runId: String(run._id) }, 'sales tier run failed');
        await this.runs.updateOne({ _id: run._id }, { $set: { status: 'FAILED', finishedAt: this.clock.now(), error: (error as Error).message } });
      }
      done += 1;
    }
  }

  /** Trailing sales per customer over the run's period, in the tier currency (one aggregation). */
  private async salesOver(run: SalesTierRunRecord): Promise<CustomerSales[]> {
    const from = startOfDay(run.periodStart, this.timeZone());
    const to = startOfDay(addDays(run.periodEnd, 1), this.timeZone());
    const rows = await this.orders.aggregate<{ _id: string; total: number }>([
      { $match: { status: 'DELIVERED', currency: run.currency, deliveredAt: { $gte: from, $lt: to } } },
      { $group: { _id: '$customerId', total: { $sum: '$amountMinor' } } },
    ]);
    return rows.map((row) => ({ customerId: row._id, salesMinor: row.total }));
  }

  private async execute(run: SalesTierRunRecord): Promise<void> {
    const sales = await this.salesOver(run);
    const universe = [...new Set([...(await this.facts.allActiveIds()), ...sales.map((row) => row.customerId)])];
    const tiers = abcTiers(sales, universe, { aShare: run.aShare, bShare: run.bShare });
    const salesOf = new Map(sales.map((row) => [row.customerId, row.salesMinor]));
    const current = new Map((await this.tiers.find({}, { tier: 1 }).lean<Pick<SalesTierRecord, '_id' | 'tier'>[]>()).map((row) => [row._id, row.tier]));
    const changes: SalesTierChangeRecord[] = [...tiers]
      .filter(([customerId, tier]) => current.get(customerId) !== tier)
      .map(([customerId, to]) => ({ customerId, from: current.get(customerId) ?? null, to, salesMinor: salesOf.get(customerId) ?? 0 }))
      .sort((x, y) => x.customerId.localeCompare(y.customerId));
    await this.runs.updateOne({ _id: run._id }, { $set: { total: changes.length, changes } });
    if (run.dryRun) {
      await this.runs.updateOne({ _id: run._id }, { $set: { status: 'DONE', processed: changes.length, finishedAt: this.clock.now() } });
      return;
    }
    const runId = String(run._id);
    let published = 0;
    for (let i = 0; i < changes.length; i += BATCH) {
      const batch = changes.slice(i, i + BATCH);
      // One single-document write per customer: its new tier and the event announcing it.
      await Promise.all(
        batch.map((change) => {
          const event = createEvent(salesTierComputedV1, {
            subject: change.customerId,
            actor: { userId: `system:sales-tiers`, roles: [] },
            time: this.clock.now(),
            data: { customerId: change.customerId, tier: change.to, periodStart: run.periodStart, periodEnd: run.periodEnd, basis: 'PURCHASE_AMOUNT_ABC' },
          });
          return this.tiers.updateOne(
            { _id: change.customerId },
            withEvents<SalesTierRecord>({ $set: { tier: change.to, salesMinor: change.salesMinor, currency: run.currency, periodStart: run.periodStart, periodEnd: run.periodEnd, ruleVersion: run.ruleVersion, computedAt: this.clock.now(), runId } }, event),
            { upsert: true },
          );
        }),
      );
      published += batch.length;
      await this.runs.updateOne({ _id: run._id }, { $set: { processed: published, published } });
    }
    await this.runs.updateOne({ _id: run._id }, { $set: { status: 'DONE', processed: published, published, finishedAt: this.clock.now() } });
  }

  /** Share of sales by product, by current sales tier and by region in a period (one aggregation with facets). */
  async composition(caller: Caller, period: ReportPeriod, currency: string): Promise<CompositionRecord> {
    if (!mayReadComposition(caller)) throw new ForbiddenError('Only finance, marketing and the general manager read the sales composition');
    type Row = { _id: string | null; amount: number };
    const byAmount = [{ $sort: { amount: -1 as const, _id: 1 as const } }];
    const [facets] = await this.orders.aggregate<{ total: { amount: number }[]; byProduct: Row[]; byTier: Row[]; byRegion: Row[] }>([
      { $match: { status: 'DELIVERED', currency, deliveredAt: { $gte: period.from, $lt: period.to } } },
      {
        $facet: {
          total: [{ $group: { _id: null, amount: { $sum: '$amountMinor' } } }],
          byProduct: [{ $unwind: '$lines' }, { $group: { _id: '$lines.product', amount: { $sum: '$lines.amountMinor' } } }, ...byAmount],
          byRegion: [{ $group: { _id: '$region', amount: { $sum: '$amountMinor' } } }, ...byAmount],
          byTier: [
            { $lookup: { from: this.tiers.collection.name, localField: 'customerId', foreignField: '_id', as: 'tier' } },
            { $group: { _id: { $ifNull: [{ $arrayElemAt: ['$tier.tier', 0] }, 'NONE'] }, amount: { $sum: '$amountMinor' } } },
            ...byAmount,
          ],
        },
      },
    ]);
    const rows = (list: Row[]) => list.map((row) => ({ key: row._id ?? 'NONE', amountMinor: row.amount }));
    return { period: period.label, currency, totalMinor: facets.total[0]?.amount ?? 0, byProduct: rows(facets.byProduct), byTier: rows(facets.byTier), byRegion: rows(facets.byRegion) };
  }

  /** The last run that published (for the schedule). */
  async lastPublishingRun(): Promise<SalesTierRunRecord | null> {
    return this.runs.findOne({ dryRun: false }).sort({ requestedAt: -1 }).lean<SalesTierRunRecord>();
  }
}
