import { figuresOf, parsePeriod, periodLabelOf, responseRate } from './analysis-rules';

describe('analysis figures', () => {
  it('scores each level 5 down to 1 and counts the two lowest as dissatisfied', () => {
    expect(figuresOf([1, 0, 0, 0, 0])).toEqual({ answers: 1, meanScore: 5, shareDissatisfied: 0 });
    expect(figuresOf([0, 1, 0, 0, 0]).meanScore).toBe(4);
    expect(figuresOf([0, 0, 1, 0, 0])).toEqual({ answers: 1, meanScore: 3, shareDissatisfied: 0 });
    expect(figuresOf([0, 0, 0, 1, 0])).toEqual({ answers: 1, meanScore: 2, shareDissatisfied: 1 });
    expect(figuresOf([0, 0, 0, 0, 1])).toEqual({ answers: 1, meanScore: 1, shareDissatisfied: 1 });
    expect(figuresOf([2, 1, 1, 0, 0]).meanScore).toBe(4.25);
    expect(figuresOf([1, 1, 1, 1, 0]).shareDissatisfied).toBe(0.25);
  });

  it('has no mean and no share without answers', () => {
    expect(figuresOf([0, 0, 0, 0, 0])).toEqual({ answers: 0, meanScore: null, shareDissatisfied: null });
  });

  it('rates answered over sent requests, none when nothing was sent', () => {
    expect(responseRate(4, 1)).toBe(0.25);
    expect(responseRate(0, 0)).toBeNull();
  });
});

describe('periods', () => {
  it('reads years, quarters and months in the time zone, end exclusive', () => {
    expect(parsePeriod('2025', 'UTC')).toEqual({ label: '2025', granularity: 'YEAR', start: new Date('2025-01-01T00:00:00Z'), end: new Date('2026-01-01T00:00:00Z') });
    expect(parsePeriod('2025-Q4', 'UTC')).toEqual({ label: '2025-Q4', granularity: 'QUARTER', start: new Date('2025-10-01T00:00:00Z'), end: new Date('2026-01-01T00:00:00Z') });
    expect(parsePeriod('2025-02', 'UTC')).toMatchObject({ granularity: 'MONTH', start: new Date('2025-02-01T00:00:00Z'), end: new Date('2025-03-01T00:00:00Z') });
    // Midnight in China is 16:00 UTC the day before.
    expect(parsePeriod('2025-02', 'Asia/Shanghai')).toMatchObject({ start: new Date('2025-01-31T16:00:00Z'), end: new Date('2025-02-28T16:00:00Z') });
  });

  it('refuses anything else', () => {
    for (const bad of ['2025-Q5', '2025-13', '2025-00', '25', '2025-Q', '2025-1']) expect(() => parsePeriod(bad, 'UTC')).toThrow('must read YYYY, YYYY-Qn or YYYY-MM');
  });

  it('labels an instant by the period it falls in, at the edges too', () => {
    expect(periodLabelOf(new Date('2025-03-31T23:59:59.999Z'), 'QUARTER', 'UTC')).toBe('2025-Q1');
    expect(periodLabelOf(new Date('2025-04-01T00:00:00Z'), 'QUARTER', 'UTC')).toBe('2025-Q2');
    expect(periodLabelOf(new Date('2025-12-31T23:59:59Z'), 'MONTH', 'UTC')).toBe('2025-12');
    expect(periodLabelOf(new Date('2026-01-01T00:00:00Z'), 'YEAR', 'UTC')).toBe('2026');
    expect(periodLabelOf(new Date('2025-03-31T15:59:59.999Z'), 'QUARTER', 'Asia/Shanghai')).toBe('2025-Q1');
    expect(periodLabelOf(new Date('2025-03-31T16:00:00Z'), 'QUARTER', 'Asia/Shanghai')).toBe('2025-Q2');
    expect(periodLabelOf(new Date('2025-12-31T16:00:00Z'), 'YEAR', 'Asia/Shanghai')).toBe('2026');
  });
});
