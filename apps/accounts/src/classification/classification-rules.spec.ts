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

describe('classification rules at their edges', () => {
  it('explains what a KEY customer lacks', () => {
    const problem = keyCustomerStaffing({ importance: 'KEY', ownerId: 'a', assignedStaffIds: [] }, null);
    expect(problem).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.importance', message: 'input.importance: a KEY customer needs at least 2 assigned staff (the owner and at least one more)' });
  });

  it('counts a second member of staff beside the owner as enough, even when the owner is not listed', () => {
    expect(keyCustomerStaffing({ importance: 'KEY', ownerId: 'a', assignedStaffIds: ['b'] }, null)).toBeNull();
    expect(keyCustomerStaffing({ importance: 'KEY', ownerId: 'a', assignedStaffIds: [] }, { importance: 'KEY' })?.field).toBe('input.assignedStaffIds');
  });

  it('ranks every grade by its place, AAA first', () => {
    expect((['AAA', 'AA', 'A', 'B', 'C', 'D'] as const).map(creditGradeRank)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('takes a grade from a later revision than the one held, and a first grade from any revision after 0', () => {
    expect(isNewerCreditGrade({ creditGradeRevision: 3 }, 4)).toBe(true);
    expect(isNewerCreditGrade({ creditGradeRevision: undefined }, 0)).toBe(false);
    expect(isNewerCreditGrade({ creditGradeRevision: undefined }, 1)).toBe(true);
  });

  it('reads a stored computation time given as a string', () => {
    const stored = { tier: 'B' as const, periodStart: '2024-01-01', periodEnd: '2024-12-31', basis: 'PURCHASE_AMOUNT_ABC' as const, asOf: '2025-01-05T00:00:00Z' as never, receivedAt: new Date() };
    expect(isNewerSalesTier(stored, { periodEnd: '2024-12-31', asOf: new Date('2025-01-05T00:00:01Z') })).toBe(true);
    expect(isNewerSalesTier(stored, { periodEnd: '2024-12-31', asOf: new Date('2025-01-04T23:59:59Z') })).toBe(false);
  });
});
