// Benchmark (never part of `npm test`): credit's ageing and sales composition over many invoices on the dev
// MongoDB-wire server (ADR 0001; or any MONGO_URL/NATS_URL given). Seeds invoices in steps and times both queries
// through the credit subgraph's GraphQL at each size, so the growth is visible. Printed, not asserted.
// Run: `npx tsx scripts/benchmarks/credit-ageing.bench.ts --sizes=10000,100000` (or CREDIT_BENCH_SIZES=10000,100000;
// default 10k, 100k, 1M); CREDIT_BENCH_RUNS=3 repeats each query; CREDIT_BENCH_BATCH=1000 ledgers per insertMany.
// The in-memory dev server keeps ~7 KB of Java heap per invoice and its order, so 1M needs BENCH_MONGO_HEAP=12g, or
// BENCH_MONGO_DATA=<dir> for the server's file backend (H2), whose heap stays small. Results go to docs/adr/0011.
import { fixedClock } from '@crm/kernel';
import { graphql, testServiceEnv, tokenFor } from '@crm/testing';
import { performance } from 'node:perf_hooks';
import { creditService } from '../../apps/credit/src/credit.service';
import { benchServers, benchSizes, seedInBatches } from './bench-seeding';
import { AS_OF, creditBatch, PER_LEDGER } from './credit-ageing.data';

const sizes = benchSizes('CREDIT_BENCH_SIZES', [10_000, 100_000, 1_000_000]);
const runs = Number(process.env.CREDIT_BENCH_RUNS ?? 3);
/** Ledgers per batch: 1000 ledgers are 50,000 invoices and as many orders per round of insertMany. */
const batchSize = Number(process.env.CREDIT_BENCH_BATCH ?? 1000);

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await run();
  return { ms: performance.now() - t0, value };
}

async function main(): Promise<void> {
  const servers = await benchServers();
  process.env.MONGO_URL = servers.mongoUrl;
  process.env.NATS_URL = servers.natsUrl;
  const service = await creditService.start({ env: testServiceEnv('credit', { SALES_TIER_RECOMPUTE_EVERY_HOURS: '0', CREDIT_REVIEW_WATCH_INTERVAL_MS: '3600000', BAD_CUSTOMER_EVALUATION_INTERVAL_MS: '86400000' }), clock: fixedClock(`${AS_OF}T10:00:00Z`) });
  const finance = await tokenFor({ sub: 'fin-bench', roles: ['finance'] });
  const db = service.connection.db!;
  const rows: string[] = [];
  console.log(`credit benchmark: sizes ${sizes.map((n) => n.toLocaleString('en')).join(', ')} invoices; ${servers.source} servers${process.env.BENCH_MONGO_DATA ? ' (file backend)' : ''}`);
  try {
    let customers = 0;
    for (const size of sizes) {
      const target = Math.ceil(size / PER_LEDGER);
      const seeding = await timed(() => seedInBatches(db, { from: customers, to: target, batchSize, build: creditBatch, unit: 'ledgers', log: console.log }));
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
