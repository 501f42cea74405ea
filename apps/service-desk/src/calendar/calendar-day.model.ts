import { outboxPlugin, type WithPendingEvents } from '@crm/events';
import { Schema, type Connection, type Model } from 'mongoose';

export const calendarDayKinds = ['HOLIDAY', 'MAKE_UP_WORKDAY'] as const;
export type CalendarDayKind = (typeof calendarDayKinds)[number];

/** A day that differs from the Monday–Friday rule: a national holiday, or a weekend day worked instead (调休). */
export interface CalendarDayRecord extends Partial<WithPendingEvents> {
  /** The day itself, `YYYY-MM-DD` in the working calendar's time zone: one record per day. */
  _id: string;
  /** null once removed: the record stays until the relay has published the removal, and reads skip it. */
  kind: CalendarDayKind | null;
  name: string;
  updatedBy: string;
  updatedAt: Date;
}

const calendarDaySchema = new Schema<CalendarDayRecord>(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: [...calendarDayKinds, null], default: null },
    name: { type: String, required: true },
    updatedBy: { type: String, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// Each change carries its day-changed event in the same single-document write.
calendarDaySchema.plugin(outboxPlugin);

export function calendarDayModel(connection: Connection): Model<CalendarDayRecord> {
  return connection.model<CalendarDayRecord>('CalendarDay', calendarDaySchema, 'calendar_days');
}
