import { TZDate } from '@date-fns/tz';
import { differenceInCalendarYears } from 'date-fns';

/*
 * The loyalty programme (docs/domain/engagement.md): a points ledger, never a bare counter. Each entry records its
 * points and the balance after it; the balance is the last entry's, which is the sum of the ledger. A redemption never
 * drives the balance below zero, and each entry takes the next sequence number of the customer's ledger, so two
 * redemptions written at once cannot both take the same balance (the second insert fails on the sequence).
 */

export const earningKinds = ['PURCHASE', 'ANNIVERSARY'] as const;
export const redemptionKinds = ['GIFT', 'DISCOUNT'] as const;
export type LoyaltyEntryKind = (typeof earningKinds)[number] | (typeof redemptionKinds)[number];

/** The balance after adding `points` to `balance`, or null when it would fall below zero. */
export function balanceAfter(balance: number, points: number): number | null {
  const next = balance + points;
  return next < 0 ? null : next;
}

/** Purchase points: one point per whole `minorUnitsPerPoint` of the amount paid (100 yuan per point by default), rounded down. */
export function purchasePoints(amountMinor: number, minorUnitsPerPoint = 10_000): number {
  return amountMinor <= 0 ? 0 : Math.floor(amountMinor / minorUnitsPerPoint);
}

/** How many decimals a currency's minor unit has: 2 for CNY and USD, 0 for JPY, 3 for KWD. */
export function minorDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Points for an amount paid: one per whole `unitsPerPoint` currency units (yuan, dollars, yen), rounded down. */
export function purchasePointsFor(amount: { amountMinor: number; currency: string }, unitsPerPoint: number): number {
  return purchasePoints(amount.amountMinor, unitsPerPoint * 10 ** minorDigits(amount.currency));
}

/** An amount in words for a ledger entry: 1234567 CNY minor → "12345.67 CNY". */
export function formatAmount(amount: { amountMinor: number; currency: string }): string {
  const digits = minorDigits(amount.currency);
  return `${(amount.amountMinor / 10 ** digits).toFixed(digits)} ${amount.currency}`;
}

/** Whole years of cooperation completed at `now` since `since`, counted on calendar days in `timeZone`. */
export function cooperationYears(since: Date, now: Date, timeZone: string): number {
  const from = new TZDate(since.getTime(), timeZone);
  const to = new TZDate(now.getTime(), timeZone);
  let years = differenceInCalendarYears(to, from);
  const anniversaryPassed = to.getMonth() > from.getMonth() || (to.getMonth() === from.getMonth() && to.getDate() >= from.getDate());
  if (!anniversaryPassed) years -= 1;
  return Math.max(0, years);
}
