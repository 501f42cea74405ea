// Benchmark (never part of `npm test`): credit's ageing and sales composition over many invoices on the dev
// MongoDB-wire server (ADR 0001; or any MONGO_URL/NATS_URL given). Seeds invoices in steps and times both queries
// through the credit subgraph's GraphQL at each size, so the growth is visible. Printed, not asserted.
// Run: `npx tsx scripts/benchmarks/credit-ageing.bench.ts` (default 1,000,000 invoices at the sizes 10k, 100k, 1M);
// CREDIT_BENCH_INVOICES=100000 stops earlier; CREDIT_BENCH_SIZES=5000,20000 chooses the steps; CREDIT_BENCH_RUNS=3
// repeats each query. Results go to docs/adr/0011-credit-ledger.md.
import { fixedClock } from '@crm/kernel';
import { graphql, resolveServers, testServiceEnv, tokenFor } from '@crm/testing';
import { Types } from 'mongoose';
import { performance } from 'node:perf_hooks';
import { creditService } from '../../apps/credit/src/credit.service';
import { addDays, dayNumber } from '../../apps/credit/src/money/calendar-day';

const total = Number(process.env.CREDIT_BENCH_INVOICES ?? 1_000_000);
const sizes = (process.env.CREDIT_BENCH_SIZES ?? '10000,100000,1000000')
  .split(',')
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0 && n < total)
  .concat(total)
  .filter((n, i, all) => all.indexOf(n) === i)
  .sort((a, b) => a - b);
const runs = Number(process.env.CREDIT_BENCH_RUNS ?? 3);

/** Invoices per customer ledger: 1,000,000 invoices are 20,000 customers' ledgers and 1,000,000 delivered orders. */
const PER_LEDGER = 50;
const AS_OF = '2025-12-31';
const FIRST_DAY = '2024-01-01';
const SPAN_DAYS = dayNumber(AS_OF) - dayNumber(FIRST_DAY);
const PRODUCTS = Array.from({ length: 20 }, (_, i) => `P-${String(i).padStart(2, '0')}`);
const REGIONS = ['East', 'West', 'North', 'South', 'Central', null];
const TIERS = ['A', 'B', 'C', 'D'];

/** A deterministic pseudo-random stream, so runs seed the same data. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

const customerIdOf = (n: number) => n.toString(16).padStart(24, '0');

/** Ledgers and delivered orders for customers [from, to): PER_LEDGER invoices each over 2024–2025, ~60 % paid. */
function seedBatch(from: number, to: number) {
  const next = random(from + 1);
  const ledgers: Record<string, unknown>[] = [];
  const orders: Record<string, unknown>[] = [];
  const tiers: Record<string, unknown>[] = [];
  for (let c = from; c < to; c += 1) {
    const customerId = customerIdOf(c + 1);
    const region = REGIONS[c % REGIONS.length];
    const invoices: Record<string, unknown>[] = [];
    let outstanding = 0;
    let oldestOpen: number | null = null;
    for (let i = 0; i < PER_LEDGER; i += 1) {
      const issuedOn = addDays(FIRST_DAY, Math.floor(next() * SPAN_DAYS));
      const issuedAt = new Date(`${issuedOn}T02:00:00Z`);
      const dueOn = addDays(issuedOn, 30);
      const amountMinor = 1_000 + Math.floor(next() * 5_000_000);
      const paid = next();
      const paidMinor = paid < 0.6 ? amountMinor : paid < 0.75 ? Math.floor(amountMinor / 2) : 0;
      const orderId = new Types.ObjectId();
      const product = PRODUCTS[Math.floor(next() * PRODUCTS.length)];
      invoices.push({
        id: new Types.ObjectId().toHexString(),
        orderId: orderId.toHexString(),
        consultantId: `c-${c % 50}`,
        departmentId: `D-${c % 5}`,
        region,
        amountMinor,
        paidMinor,
        issuedAt,
        issuedOn,
        dueOn,
        dueDayNumber: dayNumber(dueOn),
        paymentTermDays: 30,
        settledAt: paidMinor === amountMinor ? new Date(issuedAt.getTime() + 20 * 86_400_000) : null,
        allocations: paidMinor > 0 ? [{ paymentId: null, amountMinor: paidMinor, at: new Date(issuedAt.getTime() + 20 * 86_400_000) }] : [],
        dunningLevel: 0,
        lastReminderAt: null,
      });
      if (paidMinor < amountMinor) {
        outstanding += amountMinor - paidMinor;
        oldestOpen = oldestOpen === null ? dayNumber(dueOn) : Math.min(oldestOpen, dayNumber(dueOn));
      }
      orders.push({
        _id: orderId,
        customerId,
        consultantId: `c-${c % 50}`,
        departmentId: `D-${c % 5}`,
        region,
        eventId: null,
        lines: [{ product, quantity: 1, unitPriceMinor: amountMinor, amountMinor }],
        currency: 'CNY',
        amountMinor,
        status: 'DELIVERED',
        creditCheck: { at: issuedAt, outcome: 'PASSED', reasons: [], exposureMinor: 0, availableMinor: null, creditLimitMinor: null, openReceivablesMinor: 0, openOrdersMinor: 0, oldestOverdueDays: null },
        decisions: [],
        placedBy: 'bench',
        placedAt: issuedAt,
        orderedAt: issuedAt,
        deliveredAt: issuedAt,
        deliveredBy: 'bench',
        revision: 2,
        pendingEvents: [],
      });
    }
    ledgers.push({ _id: customerId, currency: 'CNY', invoices, payments: [], creditMinor: 0, outstandingMinor: outstanding, oldestOpenDueDayNumber: oldestOpen, revision: 1, pendingEvents: [] });
    tiers.push({ _id: customerId, tier: TIERS[c % TIERS.length], salesMinor: 0, currency: 'CNY', periodStart: '2025-01-01', periodEnd: AS_OF, ruleVersion: 'bench', computedAt: new Date(), runId: 'bench', pendingEvents: [] });
  }
  return { ledgers, orders, tiers };
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await run();
  return { ms: performance.now() - t0, value };
}

async function main(): Promise<void> {
  process.env.CRM_SKIP_DOCKER ??= 'true';
  const servers = await resolveServers({ env: process.env });
  process.env.MONGO_URL = servers.mongoUrl;
  process.env.NATS_URL = servers.natsUrl;
  const service = await creditService.start({ env: testServiceEnv('credit', { SALES_TIER_RECOMPUTE_EVERY_HOURS: '0', CREDIT_REVIEW_WATCH_INTERVAL_MS: '3600000' }), clock: fixedClock(`${AS_OF}T10:00:00Z`) });
  const finance = await tokenFor({ sub: 'fin-bench', roles: ['finance'] });
  const db = service.connection;
  const rows: string[] = [];
  try {
    let customers = 0;
    for (const size of sizes) {
      const target = Math.ceil(size / PER_LEDGER);
      const seeding = await timed(async () => {
        for (let from = customers; from < target; from += 200) {
          const batch = seedBatch(from, Math.min(target, from + 200));
          await db.collection('credit_ledgers').insertMany(batch.ledgers as never[], { ordered: false });
          await db.collection('credit_orders').insertMany(batch.orders as never[], { ordered: false });
          await db.collection('credit_sales_tiers').insertMany(batch.tiers as never[], { ordered: false });
        }
      });
      customers = target;
      const invoices = customers * PER_LEDGER;
      const ageing: number[] = [];
      const composition: number[] = [];
      let check = '';
      for (let r = 0; r < runs; r += 1) {
        const a = await timed(() => graphql(service.url, `query($d: Date!) { ageing(asOf: $d) { total { amountMinor } buckets { bucket invoiceCount } } }`, { d: AS_OF }, finance));
        if (a.value.errors) throw new Error(JSON.stringify(a.value.errors));
        ageing.push(a.ms);
        const s = await timed(() => graphql(service.url, `{ salesComposition(period: "2025") { total { amountMinor } byProduct { key } byTier { key share } byRegion { key share } } }`, {}, finance));
        if (s.value.errors) throw new Error(JSON.stringify(s.value.errors));
        composition.push(s.ms);
        const buckets = a.value.data!.ageing.buckets as { bucket: string; invoiceCount: number }[];
        check = `${buckets.reduce((n, b) => n + b.invoiceCount, 0)} open invoices, ${s.value.data!.salesComposition.byTier.length} tiers`;
      }
      const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
      const row = `| ${invoices.toLocaleString('en')} | ${customers.toLocaleString('en')} | ${(seeding.ms / 1000).toFixed(1)} | ${median(ageing).toFixed(0)} (${Math.min(...ageing).toFixed(0)}) | ${median(composition).toFixed(0)} (${Math.min(...composition).toFixed(0)}) | ${check} |`;
      rows.push(row);
      console.log(row);
    }
    console.log(`\ncredit ageing / composition benchmark (${new Date().toISOString()}, servers: ${servers.source}, node ${process.version}, ${runs} runs each, as of ${AS_OF}; ${PER_LEDGER} invoices per ledger, one delivered order per invoice)`);
    console.log('| invoices | customer ledgers | seeding s (this step) | ageing ms, median (min) | salesComposition ms, median (min) | check |');
    console.log('| ---: | ---: | ---: | ---: | ---: | --- |');
    for (const row of rows) console.log(row);
  } catch (error) {
    // Report what failed before stopping: a slow shutdown must not hide it.
    console.error('benchmark failed at the next size:', (error as Error).message);
    process.exitCode = 1;
  } finally {
    await service.stop().catch((error) => console.error('credit did not stop cleanly:', (error as Error).message));
    await servers.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
