import { balanceAfter, cooperationYears, purchasePoints } from './loyalty-rules';

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
    ['the day before the first anniversary', '2026-01-14T23:59:59', 0],
    ['on the first anniversary', '2026-01-15T00:00:00', 1],
    ['during the second year', '2026-12-31T12:00:00', 1],
    ['on the third anniversary', '2028-01-15T08:00:00', 3],
  ])('counts the years of cooperation %s', (_, now, years) => {
    expect(cooperationYears(cst('2025-01-15T10:00:00'), cst(now), TZ)).toBe(years);
  });
});
