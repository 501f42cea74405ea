import { WorkingCalendar, type CalendarDay, type WorkingCalendarConfig } from './working-calendar';

/** A day stored through the graph: it wins over the environment for its date; `kind: null` means removed. */
export interface StoredCalendarDay {
  date: CalendarDay;
  kind: 'HOLIDAY' | 'MAKE_UP_WORKDAY' | null;
}

/** The environment's calendar with the stored days applied on top (a removed day falls back to the environment). */
export function calendarWithStoredDays(base: WorkingCalendarConfig, stored: readonly StoredCalendarDay[]): WorkingCalendar {
  const kept = stored.filter((day) => day.kind !== null);
  const storedDates = new Set(kept.map((day) => day.date));
  const holidays = [...(base.holidays ?? []).filter((day) => !storedDates.has(day)), ...kept.filter((day) => day.kind === 'HOLIDAY').map((day) => day.date)];
  const makeUpWorkdays = [...(base.makeUpWorkdays ?? []).filter((day) => !storedDates.has(day)), ...kept.filter((day) => day.kind === 'MAKE_UP_WORKDAY').map((day) => day.date)];
  return new WorkingCalendar({ ...base, holidays, makeUpWorkdays });
}
