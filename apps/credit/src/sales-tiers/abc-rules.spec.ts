import { abcTiers, sharesProblem, type CustomerSales } from './abc-rules';

const shares = { aShare: 0.8, bShare: 0.15 };
const tiersOf = (sales: [string, number][], universe: string[] = []) =>
  Object.fromEntries(abcTiers(sales.map(([customerId, salesMinor]): CustomerSales => ({ customerId, salesMinor })), universe, shares));

describe('ABC sales tiers', () => {
  it('gives A to the customers that make the top 80 %, B to the next 15 %, C to the rest', () => {
    // Before c: 80 → B; before d: 90 (< 95) → B; before e: 96 → C.
    expect(tiersOf([['a', 50], ['b', 30], ['c', 10], ['d', 6], ['e', 4]])).toEqual({ a: 'A', b: 'A', c: 'B', d: 'B', e: 'C' });
  });

  it('keeps the customer that crosses the A line in A, and starts B exactly at 80 % before it', () => {
    // Before c: 79 of 100 (< 80 %) → A; before d: 89 → B.
    expect(tiersOf([['a', 40], ['b', 39], ['c', 10], ['d', 6], ['e', 5]])).toEqual({ a: 'A', b: 'A', c: 'A', d: 'B', e: 'C' });
    // Before c: exactly 80 of 100 → B.
    expect(tiersOf([['a', 40], ['b', 40], ['c', 10], ['d', 6], ['e', 4]])).toEqual({ a: 'A', b: 'A', c: 'B', d: 'B', e: 'C' });
    // Before e: exactly 95 % → C.
    expect(tiersOf([['a', 8000], ['b', 1000], ['c', 500], ['d', 1], ['e', 499]])).toEqual({ a: 'A', b: 'B', c: 'B', e: 'C', d: 'C' });
    // Before x: 94.99 % → still B.
    expect(tiersOf([['a', 8000], ['b', 1000], ['c', 499], ['x', 300], ['y', 201]])).toEqual({ a: 'A', b: 'B', c: 'B', x: 'B', y: 'C' });
  });

  it('gives customers with equal sales the same tier, whatever their ids', () => {
    expect(tiersOf([['x', 40], ['y', 40], ['z', 20]])).toEqual({ x: 'A', y: 'A', z: 'B' });
    // A tie straddling the B line: both take the tier where their rank starts.
    expect(tiersOf([['big', 85], ['t1', 5], ['t2', 5], ['s', 5]])).toEqual({ big: 'A', t1: 'B', t2: 'B', s: 'B' });
    expect(tiersOf([['big', 90], ['t1', 4], ['t2', 4], ['s', 2]])).toEqual({ big: 'A', t1: 'B', t2: 'B', s: 'C' });
  });

  it('gives D to customers without sales, and to those with none in the universe', () => {
    expect(tiersOf([['a', 10], ['zero', 0]], ['a', 'zero', 'quiet'])).toEqual({ a: 'A', zero: 'D', quiet: 'D' });
    expect(tiersOf([], ['quiet'])).toEqual({ quiet: 'D' });
  });

  it('makes a single selling customer A', () => {
    expect(tiersOf([['only', 1]])).toEqual({ only: 'A' });
  });

  it('takes the shares from config', () => {
    const tiers = abcTiers([{ customerId: 'a', salesMinor: 50 }, { customerId: 'b', salesMinor: 30 }, { customerId: 'c', salesMinor: 20 }], [], { aShare: 0.5, bShare: 0.3 });
    expect(Object.fromEntries(tiers)).toEqual({ a: 'A', b: 'B', c: 'C' });
  });

  it('refuses shares that do not make sense', () => {
    expect(sharesProblem({ aShare: 0.8, bShare: 0.15 })).toBeNull();
    expect(sharesProblem({ aShare: 0, bShare: 0.1 })).not.toBeNull();
    expect(sharesProblem({ aShare: 0.9, bShare: 0.2 })).not.toBeNull();
    expect(sharesProblem({ aShare: 0.7, bShare: 0.3 })).toBeNull();
  });
});
