import { salesTierComputedV1, streamFor } from '@crm/contracts';
import type { RunningService } from '@crm/kernel';
import { eventually, eventsOnStream, graphql } from '@crm/testing';
import { creditTokens, DELIVER, knownCustomer, ok, payload, PLACE, setProfile, startCredit, user } from './credit-fixture';

jest.setTimeout(120_000);

const stream = streamFor('credit').name;
const RECOMPUTE = `mutation($i: RecomputeSalesTiersInput) { recomputeSalesTiers(input: $i) { run { id status dryRun periodStart periodEnd requestedBy { id } rule { version aShare bShare currency months } } userErrors { field code message } } }`;
const RUN = `query($id: ID!) { salesTierRun(id: $id) { id status dryRun progress { processed total percent } changeCount published error changes(first: 1000) { customerId from to sales { amountMinor } } } }`;
const COMPOSITION = `query($p: String!) { salesComposition(period: $p) { period total { amountMinor currency } byProduct { key amount { amountMinor } share } byTier { key amount { amountMinor } share } byRegion { key amount { amountMinor } share } } }`;

describe('credit: ABC sales tiers and the sales composition', () => {
  let service: RunningService;
  let clock: Awaited<ReturnType<typeof startCredit>>['clock'];
  let t: Awaited<ReturnType<typeof creditTokens>>;
  const customers: Record<string, string> = {};

  beforeAll(async () => {
    // Its own database: the ranking is over every customer this service knows.
    ({ service, clock } = await startCredit('2025-03-01T02:00:00Z', { SALES_TIER_RUNNER_INTERVAL_MS: '200' }));
    t = await creditTokens();
    // Sales in the trailing year to 2025-06-30: big 800, mid 150, small 40, tiny 10 (total 1000); quiet none; old only before the year.
    const plan: [string, string | null, [string, number, string][]][] = [
      ['big', 'East', [['2025-03-05T02:00:00Z', 500_00, 'PUMP'], ['2025-05-05T02:00:00Z', 300_00, 'VALVE']]],
      ['mid', 'West', [['2025-03-06T02:00:00Z', 150_00, 'PUMP']]],
      ['small', 'East', [['2025-04-07T02:00:00Z', 40_00, 'SEAL']]],
      ['tiny', null, [['2025-04-08T02:00:00Z', 10_00, 'SEAL']]],
      ['quiet', 'West', []],
      ['old', 'West', [['2024-06-30T02:00:00Z', 999_00, 'PUMP']]],
    ];
    for (const [name, region, sales] of plan) {
      customers[name] = await knownCustomer(service, { owner: user('alice'), region });
      // Terms long enough that no earlier invoice is overdue (and holds the next order) when a later sale is placed.
      await setProfile(service, t.finance, customers[name], { grade: 'AAA', creditLimit: 1_000_000, paymentTermDays: 60 });
      for (const [at, amountMinor, product] of sales) {
        clock.set(at);
        const order = await ok(service, PLACE, { i: { customerId: customers[name], lines: [{ product, quantity: 1, unitPriceMinor: amountMinor }] } }, t.finance, 'order');
        await ok(service, DELIVER, { i: { id: order.id } }, t.finance, 'order');
      }
    }
    clock.set('2025-07-01T02:00:00Z');
  });
  afterAll(() => service.stop());

  const finished = (id: string) =>
    eventually(async () => {
      const run = (await graphql(service.url, RUN, { id }, t.finance)).data!.salesTierRun;
      if (run.status !== 'DONE' && run.status !== 'FAILED') throw new Error(`run ${run.status}`);
      return run;
    }, 30_000);
  const tierOf = (run: { changes: { customerId: string; to: string }[] }) => Object.fromEntries(Object.entries(customers).map(([name, id]) => [name, run.changes.find((c) => c.customerId === id)?.to ?? null]));

  it('lists the changes of a dry run without writing or publishing anything', async () => {
    const requested = await ok(service, RECOMPUTE, { i: { asOf: '2025-06-30', dryRun: true } }, t.finance, 'run');
    expect(requested).toMatchObject({ status: 'REQUESTED', dryRun: true, periodStart: '2024-07-01', periodEnd: '2025-06-30', requestedBy: { id: 'fin-1' }, rule: { version: 'abc-trailing-12m-v1', aShare: 0.8, bShare: 0.15, currency: 'CNY', months: 12 } });
    const run = await finished(requested.id);
    expect(run).toMatchObject({ status: 'DONE', dryRun: true, changeCount: 6, published: 0, progress: { processed: 6, total: 6, percent: 100 } });
    // Before big: 0 → A; before mid: 80 % → B; before small: 95 % → C; tiny C; no sales in the year: D.
    expect(tierOf(run)).toEqual({ big: 'A', mid: 'B', small: 'C', tiny: 'C', quiet: 'D', old: 'D' });
    expect(run.changes.find((c: { customerId: string }) => c.customerId === customers.big)).toEqual({ customerId: customers.big, from: null, to: 'A', sales: { amountMinor: 800_00 } });
    expect(await service.connection.collection('credit_sales_tiers').countDocuments()).toBe(0);
    await service.flushOutbox();
    expect(await eventsOnStream(service.bus.jsm, stream, salesTierComputedV1.type, customers.big)).toEqual([]);
  });

  it('publishes sales-tier.computed once for each customer whose tier changed, and only for those the next time', async () => {
    const first = await finished((await ok(service, RECOMPUTE, { i: { asOf: '2025-06-30' } }, t.gm, 'run')).id);
    expect(first).toMatchObject({ status: 'DONE', dryRun: false, changeCount: 6, published: 6 });
    await service.flushOutbox();
    const events = await eventsOnStream(service.bus.jsm, stream, salesTierComputedV1.type, customers.mid);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorid: 'system:sales-tiers', data: { customerId: customers.mid, tier: 'B', periodStart: '2024-07-01', periodEnd: '2025-06-30', basis: 'PURCHASE_AMOUNT_ABC' } });

    // A big July sale for quiet, recomputed as of today (the year to 2025-07-01): only the tiers that move are published.
    const order = await ok(service, PLACE, { i: { customerId: customers.quiet, lines: [{ product: 'PUMP', quantity: 1, unitPriceMinor: 5_000_00 }] } }, t.finance, 'order');
    await ok(service, DELIVER, { i: { id: order.id } }, t.finance, 'order');
    const second = await finished((await ok(service, RECOMPUTE, { i: {} }, t.finance, 'run')).id);
    // quiet now sells 5000 of 6000: A; big 800 → before it 5000/6000 = 83 % → B; mid before 5800 = 96.7 % → C.
    expect(Object.fromEntries(second.changes.map((c: { customerId: string; from: string; to: string }) => [Object.keys(customers).find((k) => customers[k] === c.customerId), `${c.from}→${c.to}`]))).toEqual({ quiet: 'D→A', big: 'A→B', mid: 'B→C' });
    expect(second.published).toBe(3);
    await service.flushOutbox();
    expect(await eventsOnStream(service.bus.jsm, stream, salesTierComputedV1.type, customers.small)).toHaveLength(1);
    expect((await eventsOnStream(service.bus.jsm, stream, salesTierComputedV1.type, customers.quiet)).map((e) => e.data.tier)).toEqual(['D', 'A']);
  });

  it('answers the share of sales by product, tier and region in a period', async () => {
    const res = await graphql(service.url, COMPOSITION, { p: '2025-Q2' }, t.finance);
    expect(res.errors).toBeUndefined();
    // Q2 (Shanghai): big's VALVE 300, small's SEAL 40, tiny's SEAL 10 (March and the July sale are outside).
    expect(res.data!.salesComposition).toEqual({
      period: '2025-Q2',
      total: { amountMinor: 350_00, currency: 'CNY' },
      byProduct: [
        { key: 'VALVE', amount: { amountMinor: 300_00 }, share: 0.8571 },
        { key: 'SEAL', amount: { amountMinor: 50_00 }, share: 0.1429 },
      ],
      byTier: [
        { key: 'B', amount: { amountMinor: 300_00 }, share: 0.8571 },
        { key: 'C', amount: { amountMinor: 50_00 }, share: 0.1429 },
      ],
      byRegion: [
        { key: 'East', amount: { amountMinor: 340_00 }, share: 0.9714 },
        { key: 'NONE', amount: { amountMinor: 10_00 }, share: 0.0286 },
      ],
    });
    expect((await graphql(service.url, COMPOSITION, { p: '2025-Q2' }, t.alice)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await graphql(service.url, COMPOSITION, { p: 'Q2' }, t.finance)).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'period' });
  });

  it('refuses a recomputation to consultants (FORBIDDEN) and a day in the future as a user error', async () => {
    expect((await graphql(service.url, RECOMPUTE, { i: { dryRun: true } }, t.alice)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const runs = await service.connection.collection('credit_sales_tier_runs').countDocuments();
    expect((await payload(service, RECOMPUTE, { i: { asOf: '2030-01-01' } }, t.finance)).userErrors).toEqual([{ field: ['input', 'asOf'], code: 'BAD_USER_INPUT', message: 'cannot be in the future' }]);
    expect(await service.connection.collection('credit_sales_tier_runs').countDocuments()).toBe(runs);
  });
});
