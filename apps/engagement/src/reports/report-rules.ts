import { hasRole, isPartner, type Caller } from '@crm/auth';
import { calendarDayBounds as dayBounds, calendarDayOf as dayOf, isValidCalendarDay } from '@crm/working-calendar';
import { managesDepartment, mayActForStaff } from '../common/staff-rules';

/*
 * Daily reports and urgent reports (docs/domain/engagement.md, reports). A daily report covers one calendar day of
 * the working calendar's time zone: what a staff member did that day (interactions had, visits reported, return
 * visits completed) with their own summary and plan, submitted once. A department manager sees the day of their
 * department's staff in one roll-up. Urgent reports go to the filer's department manager at once.
 */

/** A calendar day's instants [from, to) and the day an instant falls on, in a time zone (@crm/working-calendar). */
export { dayBounds, dayOf };

/** What is wrong with reporting on `day` at `now`: not a day, or a day that has not begun yet. */
export function reportDayProblem(day: string, now: Date, timeZone: string): string | null {
  if (!isValidCalendarDay(day)) return 'must be a calendar day, YYYY-MM-DD';
  return dayBounds(day, timeZone).from.getTime() > now.getTime() ? 'cannot be a day that has not begun yet' : null;
}

export const dailyReportStatuses = ['NOT_STARTED', 'DRAFT', 'SUBMITTED'] as const;
export type DailyReportStatus = (typeof dailyReportStatuses)[number];

/** Who reads a staff member's daily report: the staff member, a manager or the coordinator (as the boards). */
export const mayReadDailyReport = mayActForStaff;

/** Only the staff member writes and submits their own daily report. */
export function mayWriteDailyReport(caller: Caller, staffId: string): boolean {
  return !isPartner(caller) && caller.userId === staffId;
}

/**
 * The department whose roll-up the caller reads: a department manager their own (asking for another is refused),
 * the general manager the one named (or their own); anyone else is refused, with the reason.
 */
export function rollUpDepartment(caller: Caller, asked: string | null): { departmentId: string } | { refused: string } {
  if (isPartner(caller)) return { refused: 'Partners see no daily reports' };
  if (hasRole(caller, 'general_manager')) {
    const departmentId = asked ?? caller.departmentId ?? null;
    return departmentId ? { departmentId } : { refused: 'Name the department (departmentId)' };
  }
  if (!hasRole(caller, 'department_manager') || !caller.departmentId) return { refused: "Only a department manager (or the general manager) reads a department's daily reports" };
  if (asked !== null && asked !== caller.departmentId) return { refused: "A department manager reads their own department's daily reports only" };
  return { departmentId: caller.departmentId };
}

/** Whether the caller keeps an urgent-report inbox at all: department managers and the general manager. */
export function keepsUrgentInbox(caller: Caller): boolean {
  return !isPartner(caller) && hasRole(caller, 'department_manager', 'general_manager');
}

/** Whether a report is in the caller's inbox: the manager of its department, or the general manager. */
export function receivesUrgentReport(caller: Caller, report: { departmentId: string }): boolean {
  return managesDepartment(caller, report.departmentId);
}

/** Who reads an urgent report: the one who filed it and its receivers. */
export function mayReadUrgentReport(caller: Caller, report: { departmentId: string; filedBy: string }): boolean {
  return !isPartner(caller) && (report.filedBy === caller.userId || receivesUrgentReport(caller, report));
}

/** The department an urgent report goes to: the filer's, else the customer's; null when neither is known. */
export function urgentReportDepartment(callerDepartmentId: string | null | undefined, customerDepartmentId: string | null | undefined): string | null {
  return callerDepartmentId ?? customerDepartmentId ?? null;
}
