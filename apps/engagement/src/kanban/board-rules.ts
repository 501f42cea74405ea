import { TZDate } from '@date-fns/tz';
import { addDays, addWeeks, max, min, startOfDay, startOfMonth, startOfWeek } from 'date-fns';
import type { BoardItem } from '../common/board-item';

/*
 * The two boards of a staff member (docs/domain/engagement.md, kanban), in the working calendar's time zone.
 * Weeks start on Monday.
 * - weekly: OVERDUE (open work due before today), TODAY, TOMORROW and THIS_WEEK (the rest of the week after
 *   tomorrow; empty on Saturday and Sunday, when tomorrow closes the week or opens the next);
 * - monthly: one WEEK column per calendar week that meets the month, cut to the month.
 */

export type BoardColumnKey = 'OVERDUE' | 'TODAY' | 'TOMORROW' | 'THIS_WEEK' | 'WEEK';

export interface BoardColumn {
  key: BoardColumnKey;
  label: string;
  /** Null for OVERDUE: everything before `to`. */
  from: Date | null;
  to: Date;
}

export interface ArrangedColumn extends BoardColumn {
  items: BoardItem[];
}

const asDate = (d: Date): Date => new Date(d.getTime());

function dayLabel(day: Date, timeZone: string): string {
  return new TZDate(day, timeZone).toISOString().slice(0, 10);
}

export function weeklyColumns(now: Date, timeZone: string): BoardColumn[] {
  const today = startOfDay(new TZDate(now, timeZone));
  const tomorrow = addDays(today, 1);
  const dayAfter = addDays(today, 2);
  const weekEnd = max([dayAfter, addWeeks(startOfWeek(today, { weekStartsOn: 1 }), 1)]);
  return [
    { key: 'OVERDUE', label: 'Overdue', from: null, to: asDate(today) },
    { key: 'TODAY', label: dayLabel(today, timeZone), from: asDate(today), to: asDate(tomorrow) },
    { key: 'TOMORROW', label: dayLabel(tomorrow, timeZone), from: asDate(tomorrow), to: asDate(dayAfter) },
    { key: 'THIS_WEEK', label: `${dayLabel(dayAfter, timeZone)} to ${dayLabel(addDays(weekEnd, -1), timeZone)}`, from: asDate(dayAfter), to: asDate(weekEnd) },
  ];
}

/** `monthStart` is any instant of the month; the month is read in `timeZone`. */
export function monthlyColumns(monthStart: Date, timeZone: string): BoardColumn[] {
  const first = startOfMonth(new TZDate(monthStart, timeZone));
  const next = startOfMonth(addDays(first, 32));
  const columns: BoardColumn[] = [];
  for (let week = startOfWeek(first, { weekStartsOn: 1 }); week < next; week = addWeeks(week, 1)) {
    const from = max([week, first]);
    const to = min([addWeeks(week, 1), next]);
    columns.push({ key: 'WEEK', label: `${dayLabel(from, timeZone)} to ${dayLabel(addDays(to, -1), timeZone)}`, from: asDate(from), to: asDate(to) });
  }
  return columns;
}

/** Each item in the column its due time falls in, earliest first; items outside every column are dropped. */
export function arrange(columns: readonly BoardColumn[], items: readonly BoardItem[]): ArrangedColumn[] {
  const sorted = [...items].sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.recordId.localeCompare(b.recordId));
  return columns.map((column) => ({
    ...column,
    items: sorted.filter((item) => (column.from === null || item.dueAt >= column.from) && item.dueAt < column.to),
  }));
}
