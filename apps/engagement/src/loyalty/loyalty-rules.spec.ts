import { balanceAfter, cooperationYears, formatAmount, purchasePoints, purchasePointsFor } from './loyalty-rules';

const TZ = 'Asia/Shanghai';
const cst = (local: string) => new Date(`${local}+08:00`);

describe('loyalty rules', () => {
  it.each([
    [100, 40, 140],
    [100, -100, 0],
    [100, -101, null],
    [0, -1, null],
  ])('from a balance of %i, %i points leave %s', (balance, points, after) => {
    expect(balanceAfter(balance, points)).toBe(after);
  });

  it('gives a point per whole 100 yuan paid', () => {
    expect(purchasePoints(1_250_000)).toBe(125);
    expect(purchasePoints(9_999)).toBe(0);
    expect(purchasePoints(-500)).toBe(0);
    expect(purchasePoints(1_000, 100)).toBe(10);
  });

  it.each([
    [{ amountMinor: 1_250_000, currency: 'CNY' }, 100, 125],
    [{ amountMinor: 9_999, currency: 'CNY' }, 100, 0],
    [{ amountMinor: 10_000, currency: 'CNY' }, 100, 1],
    [{ amountMinor: 19_999, currency: 'CNY' }, 100, 1],
    [{ amountMinor: 20_000, currency: 'CNY' }, 100, 2],
    [{ amountMinor: 0, currency: 'CNY' }, 100, 0],
    [{ amountMinor: 1_250_000, currency: 'CNY' }, 1, 12_500],
    [{ amountMinor: 1_250_000, currency: 'CNY' }, 1_000, 12],
    // Yen have no minor unit: 100 yen are 100 minor units.
    [{ amountMinor: 12_599, currency: 'JPY' }, 100, 125],
  ])('gives %j %i currency units to the point: %i points, rounded down', (amount, unitsPerPoint, points) => {
    expect(purchasePointsFor(amount, unitsPerPoint)).toBe(points);
  });

  it('says the amount in currency units', () => {
    expect(formatAmount({ amountMinor: 1_234_567, currency: 'CNY' })).toBe('12345.67 CNY');
    expect(formatAmount({ amountMinor: 1_234, currency: 'JPY' })).toBe('1234 JPY');
  });

  it.each([
    ['the day before the first anniversary', '2026-01-14T23:59:59', 0],
    ['on the first anniversary', '2026-01-15T00:00:00', 1],
    ['during the second year', '2026-12-31T12:00:00', 1],
    ['on the third anniversary', '2028-01-15T08:00:00', 3],
  ])('counts the years of cooperation %s', (_, now, years) => {
    expect(cooperationYears(cst('2025-01-15T10:00:00'), cst(now), TZ)).toBe(years);
  });
});
