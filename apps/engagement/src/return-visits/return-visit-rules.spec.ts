import { dueAtFor, dueWithinHorizon, isMissed, lastSequence, missedAfter, monthsAfterDelivery } from './return-visit-rules';

const TZ = 'Asia/Shanghai';
const cst = (local: string) => new Date(`${local}+08:00`);
const policy = { years: 3, horizonMonths: 6, graceDays: 7 };

describe('the return-visit schedule', () => {
  it.each([
    [1, 1],
    [11, 11],
    [12, 12],
    [13, 15],
    [14, 18],
    [20, 36],
  ])('puts return visit %i at %i months after the delivery (monthly in the first year, quarterly after)', (sequence, months) => {
    expect(monthsAfterDelivery(sequence)).toBe(months);
  });

  it('refuses a sequence that is not a positive integer', () => {
    expect(() => monthsAfterDelivery(0)).toThrow(RangeError);
    expect(() => monthsAfterDelivery(1.5)).toThrow(RangeError);
  });

  it('ends after the configured years: 12 in one year, 16 in two, 20 in three', () => {
    expect([lastSequence(1), lastSequence(2), lastSequence(3)]).toEqual([12, 16, 20]);
  });

  it('is due by the end of the day, counted in the calendar time zone (a delivery late in the evening is that day)', () => {
    expect(dueAtFor(cst('2025-01-15T10:00:00'), 1, TZ).toISOString()).toBe(cst('2025-02-15T23:59:59.999').toISOString());
    // 23:30 in China is still 15 January there, though 15:30 UTC.
    expect(dueAtFor(cst('2025-01-15T23:30:00'), 1, TZ).toISOString()).toBe(cst('2025-02-15T23:59:59.999').toISOString());
    // The end of a month clamps: 31 January + 1 month is 28 February.
    expect(dueAtFor(cst('2025-01-31T10:00:00'), 1, TZ).toISOString()).toBe(cst('2025-02-28T23:59:59.999').toISOString());
    expect(dueAtFor(cst('2025-01-15T10:00:00'), 13, TZ).toISOString()).toBe(cst('2026-04-15T23:59:59.999').toISOString());
  });

  it('generates only what falls within the rolling horizon, and continues from where it stopped', () => {
    const delivered = cst('2025-01-15T10:00:00');
    const first = dueWithinHorizon(delivered, 0, cst('2025-01-16T09:00:00'), policy, TZ);
    // Six months after 16 January: up to 15 July (the 15 August one lies beyond).
    expect(first.map((v) => v.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
    const later = dueWithinHorizon(delivered, 6, cst('2025-12-20T09:00:00'), policy, TZ);
    // Six months after 20 December 2025: the monthly visits up to January 2026 and the quarterly one of April.
    expect(later.map((v) => v.sequence)).toEqual([7, 8, 9, 10, 11, 12, 13]);
    expect(dueWithinHorizon(delivered, 20, cst('2030-01-01T00:00:00'), policy, TZ)).toEqual([]);
    const end = dueWithinHorizon(delivered, 13, cst('2030-01-01T00:00:00'), policy, TZ);
    expect(end.map((v) => v.sequence)).toEqual([14, 15, 16, 17, 18, 19, 20]);
  });

  it('counts a due return visit as missed only after the grace', () => {
    const dueAt = cst('2025-02-15T23:59:59.999');
    expect(missedAfter(dueAt, policy).toISOString()).toBe(cst('2025-02-22T23:59:59.999').toISOString());
    expect(isMissed({ status: 'DUE', dueAt }, cst('2025-02-22T23:59:59.999'), policy)).toBe(false);
    expect(isMissed({ status: 'DUE', dueAt }, cst('2025-02-23T00:00:00'), policy)).toBe(true);
    expect(isMissed({ status: 'COMPLETED', dueAt }, cst('2025-03-01T00:00:00'), policy)).toBe(false);
  });
});
