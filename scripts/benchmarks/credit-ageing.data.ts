// The credit benchmark's data (scripts/benchmarks/credit-ageing.bench.ts): customer ledgers of PER_LEDGER invoices,
// one delivered order per invoice and a sales tier per customer, as the credit subgraph stores them.
import { Types } from 'mongoose';
import { addDays, dayNumber } from '../../apps/credit/src/money/calendar-day';
import type { Batch } from './bench-seeding';

/** Invoices per customer ledger: 1,000,000 invoices are 20,000 customers' ledgers and 1,000,000 delivered orders. */
export const PER_LEDGER = 50;
export const AS_OF = '2025-12-31';
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
export function creditBatch(from: number, to: number): Batch {
  const ledgers: Record<string, unknown>[] = [];
  const orders: Record<string, unknown>[] = [];
  const tiers: Record<string, unknown>[] = [];
  for (let c = from; c < to; c += 1) {
    // Seeded per customer, so the data does not depend on the batch size.
    const next = random(c + 1);
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
  return { credit_ledgers: ledgers, credit_orders: orders, credit_sales_tiers: tiers };
}

