import { calendarDayChangedV1, type EventData, type ServiceName } from '@crm/contracts';
import { upsertUnlessNewer } from '@crm/data';
import type { CloudEvent } from '@crm/events';
import { ConfigError, defineSchemaLessPlugin, pluginToken } from '@crm/kernel';
import { Schema, type Connection, type Model } from 'mongoose';
import { z } from 'zod';
import { calendarWithStoredDays, type StoredCalendarDay } from './calendar-days';
import type { WorkingCalendar, WorkingCalendarConfig } from './working-calendar';
import { workingCalendarConfigFields, workingCalendarConfigFromEnv, workingCalendarEnvProblems } from './working-calendar.config';

interface CalendarDayCopy {
  _id: string;
  kind: StoredCalendarDay['kind'];
  name: string | null;
  /** Time of the change this copy reflects: an older event never rolls it back. */
  changedAt: Date;
}

const calendarDayCopySchema = new Schema<CalendarDayCopy>(
  { _id: { type: String, required: true }, kind: { type: String, default: null }, name: { type: String, default: null }, changedAt: { type: Date, required: true } },
  { versionKey: false },
);

// Other replicas of the service learn a change (delivered to one of them) within this long.
const REFRESH_MS = 30_000;

/**
 * A service's copy of the platform's working calendar: the environment's defaults plus the days edited through
 * the graph (service-desk's `setCalendarDay`), kept from `crm.service-desk.calendar.day-changed` events. Rules
 * read `current()` synchronously; the copy is reloaded at start, on every event and every 30 s.
 */
export class WorkingCalendarCopy {
  private calendar: WorkingCalendar;

  constructor(
    readonly days: Model<CalendarDayCopy>,
    private readonly base: WorkingCalendarConfig,
  ) {
    this.calendar = calendarWithStoredDays(base, []);
  }

  current(): WorkingCalendar {
    return this.calendar;
  }

  async refresh(): Promise<void> {
    const stored = await this.days.find().lean<CalendarDayCopy[]>();
    this.calendar = calendarWithStoredDays(
      this.base,
      stored.map((day) => ({ date: day._id, kind: day.kind })),
    );
  }

  async apply(event: CloudEvent<EventData<typeof calendarDayChangedV1>>): Promise<void> {
    const { date, kind, name, changedAt } = event.data;
    const at = new Date(changedAt);
    await upsertUnlessNewer(this.days, date, { kind, name }, 'changedAt', at);
    await this.refresh();
  }
}

/** The service's working calendar, for every rule that counts working days. */
export const workingCalendarToken = pluginToken<WorkingCalendarCopy>('working-calendar');

export function calendarDayCopyModel(connection: Connection): Model<CalendarDayCopy> {
  return connection.model<CalendarDayCopy>('CalendarDayCopy', calendarDayCopySchema, 'calendar_days_copy');
}

/** The working calendar of a service that counts working days but does not own the calendar. */
export function workingCalendarPlugin(service: ServiceName) {
  return defineSchemaLessPlugin({
    name: 'working-calendar',
    provides: [workingCalendarToken],
    sdl: [],
    config: z.object(workingCalendarConfigFields),
    register({ connection, config, provide }) {
      const problems = workingCalendarEnvProblems(config);
      if (problems.length > 0) throw new ConfigError(problems.map((p) => `${p.variable}: ${p.message}`));
      const copy = new WorkingCalendarCopy(calendarDayCopyModel(connection), workingCalendarConfigFromEnv(config));
      provide(workingCalendarToken, copy);
      return {
        models: [copy.days],
        onStart: () => copy.refresh(),
        jobs: [{ name: 'working-calendar-refresh', intervalMs: REFRESH_MS, run: () => copy.refresh() }],
        eventHandlers: [{ contract: calendarDayChangedV1, durable: `${service}-working-calendar-day-changed`, handle: (event) => copy.apply(event) }],
      };
    },
  });
}
