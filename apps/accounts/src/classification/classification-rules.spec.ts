import { creditGradeRank, isNewerCreditGrade, isNewerSalesTier, keyCustomerStaffing, staffOf } from './classification-rules';

describe('classification rules', () => {
  it('counts the owner among the staff, once', () => {
    expect(staffOf({ ownerId: 'alice', assignedStaffIds: ['bob', 'alice', 'bob'] })).toEqual(['alice', 'bob']);
    expect(staffOf({ ownerId: 'alice', assignedStaffIds: undefined as never })).toEqual(['alice']);
  });

  it('needs two staff for a KEY customer and blames the member that broke the rule', () => {
    expect(keyCustomerStaffing({ importance: 'GENERAL', ownerId: 'a', assignedStaffIds: [] }, null)).toBeNull();
    expect(keyCustomerStaffing({ importance: 'KEY', ownerId: 'a', assignedStaffIds: ['a', 'b'] }, null)).toBeNull();
    expect(keyCustomerStaffing({ importance: 'KEY', ownerId: 'a', assignedStaffIds: ['a'] }, { importance: 'GENERAL' })?.field).toBe('input.importance');
    expect(keyCustomerStaffing({ importance: 'KEY', ownerId: 'a', assignedStaffIds: ['a'] }, { importance: 'KEY' })?.field).toBe('input.assignedStaffIds');
  });

  it('ranks credit grades best first', () => {
    expect(['C', 'AAA', 'B', 'AA'].sort((x, y) => creditGradeRank(x as never) - creditGradeRank(y as never))).toEqual(['AAA', 'AA', 'B', 'C']);
  });

  it('takes a credit grade only from a later profile revision', () => {
    expect(isNewerCreditGrade({ creditGradeRevision: null }, 1)).toBe(true);
    expect(isNewerCreditGrade({ creditGradeRevision: 3 }, 3)).toBe(false);
    expect(isNewerCreditGrade({ creditGradeRevision: 3 }, 2)).toBe(false);
  });

  it('takes a sales tier for a later period, or a later computation of the same period', () => {
    const current = { tier: 'B' as const, periodStart: '2024-01-01', periodEnd: '2024-12-31', basis: 'PURCHASE_AMOUNT_ABC' as const, asOf: new Date('2025-01-05T00:00:00Z'), receivedAt: new Date() };
    expect(isNewerSalesTier(null, { periodEnd: '2024-12-31', asOf: new Date() })).toBe(true);
    expect(isNewerSalesTier(current, { periodEnd: '2025-01-31', asOf: new Date('2025-01-01T00:00:00Z') })).toBe(true);
    expect(isNewerSalesTier(current, { periodEnd: '2023-12-31', asOf: new Date('2026-01-01T00:00:00Z') })).toBe(false);
    expect(isNewerSalesTier(current, { periodEnd: '2024-12-31', asOf: new Date('2025-01-06T00:00:00Z') })).toBe(true);
    expect(isNewerSalesTier(current, { periodEnd: '2024-12-31', asOf: new Date('2025-01-05T00:00:00Z') })).toBe(false);
  });
});
