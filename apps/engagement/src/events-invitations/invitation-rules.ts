import { hasRole, isPartner, type Caller } from '@crm/auth';
import { TZDate } from '@date-fns/tz';
import { addDays, format } from 'date-fns';

/*
 * Customer events and invitations across departments (docs/domain/engagement.md, events):
 * - a customer confirmed by one department cannot be invited (or confirmed) by another: CONFLICT naming the
 *   department that holds the customer; the coordinator resolves conflicts;
 * - a confirmation made at or after 18:00 (the working calendar's time zone) counts for the next day;
 * - on the event day the list closes at 10:00 for an afternoon event and 16:00 for an evening event.
 * Pure functions of the instant and the time zone.
 */

export const eventKinds = ['PRODUCT_EXPERIENCE', 'APPRECIATION', 'SEMINAR', 'ANNUAL_CONFERENCE'] as const;
export type EventKind = (typeof eventKinds)[number];
export const eventTimesOfDay = ['AFTERNOON', 'EVENING'] as const;
export type EventTimeOfDay = (typeof eventTimesOfDay)[number];

/** From this hour on, a confirmation counts for the next day. */
export const CONFIRMATION_CUTOFF_HOUR = 18;
/** The hour the list closes on the event day. */
export const LIST_CLOSES_AT_HOUR: Record<EventTimeOfDay, number> = { AFTERNOON: 10, EVENING: 16 };

/** The calendar day (YYYY-MM-DD) a confirmation at `at` counts for. */
export function confirmationCountsFor(at: Date, timeZone: string): string {
  const local = new TZDate(at.getTime(), timeZone);
  return format(local.getHours() >= CONFIRMATION_CUTOFF_HOUR ? addDays(local, 1) : local, 'yyyy-MM-dd');
}

/** When the invitation list of an event on `date` closes. */
export function listClosesAt(date: string, timeOfDay: EventTimeOfDay, timeZone: string): Date {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(new TZDate(year, month - 1, day, LIST_CLOSES_AT_HOUR[timeOfDay], 0, 0, 0, timeZone).getTime());
}

export function listClosed(now: Date, event: { date: string; timeOfDay: EventTimeOfDay }, timeZone: string): boolean {
  return now.getTime() >= listClosesAt(event.date, event.timeOfDay, timeZone).getTime();
}

/** Who organises events: managers, marketing and the coordinator. */
export function mayOrganiseEvents(caller: Caller): boolean {
  return !isPartner(caller) && hasRole(caller, 'department_manager', 'general_manager', 'marketing', 'coordinator');
}

/** Who invites: staff of a department (the invitation is the department's). */
export function mayInvite(caller: Caller): boolean {
  return !isPartner(caller) && caller.departmentId !== undefined;
}

/** Who resolves a conflict between departments: the coordinator (who runs shared customer resources). */
export function mayResolveConflicts(caller: Caller): boolean {
  return !isPartner(caller) && hasRole(caller, 'coordinator');
}
