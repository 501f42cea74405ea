import { acquisitionFigures, earlierPurchase, reachCondition } from './acquisition-rules';

describe('acquisitionFigures', () => {
  it.each([
    [0, 0, null],
    [3, 0, 0],
    [3, 2, 0.6667],
    [3, 3, 1],
    [8, 1, 0.125],
  ])('%i new, %i converted → rate %p', (created, converted, rate) => {
    expect(acquisitionFigures(created, converted)).toEqual({ newCustomers: created, convertedCustomers: converted, conversionRate: rate });
  });
});

describe('earlierPurchase', () => {
  const at = (iso: string, orderId: string) => ({ at: new Date(iso), orderId });
  it.each([
    ['none known: the announced one', null, at('2025-03-20T00:00:00Z', 'B'), 'B'],
    ['an earlier one known: kept', at('2025-03-01T00:00:00Z', 'A'), at('2025-03-20T00:00:00Z', 'B'), 'A'],
    ['the same instant: the known one kept', at('2025-03-20T00:00:00Z', 'A'), at('2025-03-20T00:00:00Z', 'B'), 'A'],
    ['a later one known: the announced one', at('2025-03-20T00:00:00.001Z', 'A'), at('2025-03-20T00:00:00Z', 'B'), 'B'],
  ])('%s', (_, known, announced, expected) => {
    expect(earlierPurchase(known, announced).orderId).toBe(expected);
  });
});

describe('reachCondition', () => {
  it('adds nothing for a full reach and the department for a manager looking elsewhere', () => {
    expect(reachCondition('ALL')).toEqual({});
    expect(reachCondition({ departmentId: 'D-EAST' })).toEqual({ departmentId: 'D-EAST' });
  });
});
