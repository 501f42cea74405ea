import { z } from 'zod';

/**
 * Money in credit: integer minor units with an ISO 4217 code, never a float (ADR 0011). A safe integer
 * (|n| ≤ 2^53 − 1 = 9,007,199,254,740,991) is exact in a JavaScript number, in JSON and in MongoDB's double and
 * long alike, and 9 × 10^15 fen is 90 trillion CNY: far beyond any order, ledger or report total.
 */
export interface MoneyRecord {
  amountMinor: number;
  currency: string;
}

export const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as CNY');

/** An amount in minor units: an integer a JavaScript number holds exactly. */
export const minorUnits = z
  .number()
  .int('must be a whole number of minor units (fen, cents)')
  .refine(Number.isSafeInteger, 'is too large');

/** How many decimals a currency's minor unit has: 2 for CNY, USD and EUR, 0 for JPY, 3 for KWD. */
export function minorDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** A major-unit amount (a credit limit of 800000 CNY) in minor units, rounded to the nearest minor unit. */
export function toMinor(major: number, currency: string): number {
  return Math.round(major * 10 ** minorDigits(currency));
}

export function money(amountMinor: number, currency: string): MoneyRecord {
  return { amountMinor, currency };
}

/** Sum of safe integers that refuses to lose precision. */
export function addMinor(...amounts: number[]): number {
  const total = amounts.reduce((sum, amount) => sum + amount, 0);
  if (!Number.isSafeInteger(total)) throw new RangeError('amount beyond the safe integer range');
  return total;
}

/** `amount` in words for messages: 1234567 CNY minor → "12345.67 CNY". */
export function formatMoney(amountMinor: number, currency: string): string {
  const digits = minorDigits(currency);
  const sign = amountMinor < 0 ? '-' : '';
  const abs = Math.abs(amountMinor);
  if (digits === 0) return `${sign}${abs} ${currency}`;
  const unit = 10 ** digits;
  return `${sign}${Math.floor(abs / unit)}.${String(abs % unit).padStart(digits, '0')} ${currency}`;
}
