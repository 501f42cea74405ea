import type { BoardItem } from '../common/board-item';
import { arrange, monthlyColumns, weeklyColumns } from './board-rules';

const TZ = 'Asia/Shanghai';
const iso = (d: Date | null) => d?.toISOString() ?? null;
const spans = (columns: { key: string; from: Date | null; to: Date }[]) => columns.map((c) => [c.key, iso(c.from), iso(c.to)]);
const item = (recordId: string, dueAt: string): BoardItem => ({ kind: 'VISIT', recordId, customerId: null, title: recordId, dueAt: new Date(dueAt), state: 'APPROVED', record: {} });

describe('weekly board columns (Monday-first weeks, calendar time zone)', () => {
  it('splits a Wednesday into overdue, today, tomorrow and the rest of the week', () => {
    // Wednesday 15 January 2025, 10:00 in Shanghai.
    expect(spans(weeklyColumns(new Date('2025-01-15T02:00:00Z'), TZ))).toEqual([
      ['OVERDUE', null, '2025-01-14T16:00:00.000Z'],
      ['TODAY', '2025-01-14T16:00:00.000Z', '2025-01-15T16:00:00.000Z'],
      ['TOMORROW', '2025-01-15T16:00:00.000Z', '2025-01-16T16:00:00.000Z'],
      ['THIS_WEEK', '2025-01-16T16:00:00.000Z', '2025-01-19T16:00:00.000Z'],
    ]);
  });

  it.each([
    ['Saturday', '2025-01-18T02:00:00Z'],
    ['Sunday', '2025-01-19T02:00:00Z'],
  ])('leaves this week empty on %s', (_day, now) => {
    const thisWeek = weeklyColumns(new Date(now), TZ)[3];
    expect(thisWeek.from).toEqual(thisWeek.to);
  });

  it('reads the day in the calendar time zone, not UTC', () => {
    // 23:30 UTC on Tuesday is already 07:30 on Wednesday in Shanghai.
    const [, today] = weeklyColumns(new Date('2025-01-14T23:30:00Z'), TZ);
    expect(today.label).toBe('2025-01-15');
    expect(iso(today.from)).toBe('2025-01-14T16:00:00.000Z');
  });

  it('labels this week by its first and last day', () => {
    expect(weeklyColumns(new Date('2025-01-13T02:00:00Z'), TZ)[3].label).toBe('2025-01-15 to 2025-01-19');
  });
});

describe('monthly board columns', () => {
  it('cuts the weeks that meet the month to the month', () => {
    // March 2025 starts on a Saturday and ends on a Monday.
    const columns = monthlyColumns(new Date('2025-03-10T00:00:00Z'), TZ);
    expect(columns.map((c) => c.label)).toEqual([
      '2025-03-01 to 2025-03-02',
      '2025-03-03 to 2025-03-09',
      '2025-03-10 to 2025-03-16',
      '2025-03-17 to 2025-03-23',
      '2025-03-24 to 2025-03-30',
      '2025-03-31 to 2025-03-31',
    ]);
    expect(iso(columns[0].from)).toBe('2025-02-28T16:00:00.000Z');
    expect(iso(columns.at(-1)!.to)).toBe('2025-03-31T16:00:00.000Z');
  });

  it('has four columns for a February that starts on a Monday', () => {
    expect(monthlyColumns(new Date('2027-02-01T00:00:00Z'), TZ)).toHaveLength(4);
  });
});

describe('arranging items', () => {
  const columns = weeklyColumns(new Date('2025-01-15T02:00:00Z'), TZ);

  it('puts an item due at a column start in that column and one just before it in the previous one', () => {
    const [overdue, today, tomorrow] = arrange(columns, [item('at-today', '2025-01-14T16:00:00Z'), item('just-before', '2025-01-14T15:59:59.999Z'), item('at-tomorrow', '2025-01-15T16:00:00Z')]);
    expect(overdue.items.map((i) => i.recordId)).toEqual(['just-before']);
    expect(today.items.map((i) => i.recordId)).toEqual(['at-today']);
    expect(tomorrow.items.map((i) => i.recordId)).toEqual(['at-tomorrow']);
  });

  it('orders each column by due time and drops what falls after the board', () => {
    const [, today, , thisWeek] = arrange(columns, [item('b', '2025-01-15T05:00:00Z'), item('a', '2025-01-15T01:00:00Z'), item('next-week', '2025-01-19T16:00:00Z')]);
    expect(today.items.map((i) => i.recordId)).toEqual(['a', 'b']);
    expect(thisWeek.items).toEqual([]);
  });
});
