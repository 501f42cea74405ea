/*
 * ABC sales tiers (docs/domain/credit.md), the versioned rule: customers ranked by trailing-12-month sales; A are
 * the customers that make the top `aShare` of the total, B the next `bShare`, C the rest of the customers with
 * sales, D those without. A customer belongs to the share its rank starts in: it is A while the sales of everyone
 * ranked before it are less than aShare of the total (so the customer that crosses the line is still A). Customers
 * with equal sales share a rank and a tier. Shares are compared in basis points with integer arithmetic.
 */
export const ABC_RULE_VERSION = 'abc-trailing-12m-v1';
export const ABC_MONTHS = 12;

export type SalesTier = 'A' | 'B' | 'C' | 'D';

export interface AbcShares {
  /** Share of total sales the A customers make, 0..1 (0.8). */
  aShare: number;
  /** Share the B customers make next, 0..1 (0.15); aShare + bShare ≤ 1. */
  bShare: number;
}

export interface CustomerSales {
  customerId: string;
  salesMinor: number;
}

const BASIS = 10_000;
const basisPoints = (share: number) => Math.round(share * BASIS);

export function sharesProblem(shares: AbcShares): string | null {
  if (!(shares.aShare > 0 && shares.aShare < 1)) return 'the A share must be between 0 and 1';
  if (!(shares.bShare >= 0 && shares.aShare + shares.bShare <= 1)) return 'the B share must be at least 0 and A + B at most 1';
  return null;
}

/** The tier of every customer: those in `sales` by the rule, every other id of `universe` D. */
export function abcTiers(sales: readonly CustomerSales[], universe: readonly string[], shares: AbcShares): Map<string, SalesTier> {
  const tiers = new Map<string, SalesTier>(universe.map((id) => [id, 'D']));
  const selling = sales.filter((row) => row.salesMinor > 0).sort((x, y) => y.salesMinor - x.salesMinor || x.customerId.localeCompare(y.customerId));
  const total = selling.reduce((sum, row) => sum + row.salesMinor, 0);
  const a = basisPoints(shares.aShare);
  const ab = basisPoints(shares.aShare + shares.bShare);
  let before = 0;
  for (let i = 0; i < selling.length; ) {
    // One rank: every customer with these sales.
    let j = i;
    while (j < selling.length && selling[j].salesMinor === selling[i].salesMinor) j += 1;
    // before / total < a / BASIS, without floats (before and total are safe integers; BASIS is small).
    const tier: SalesTier = before * BASIS < a * total ? 'A' : before * BASIS < ab * total ? 'B' : 'C';
    for (let k = i; k < j; k += 1) {
      tiers.set(selling[k].customerId, tier);
      before += selling[k].salesMinor;
    }
    i = j;
  }
  for (const row of sales) if (row.salesMinor <= 0 && !tiers.has(row.customerId)) tiers.set(row.customerId, 'D');
  return tiers;
}
