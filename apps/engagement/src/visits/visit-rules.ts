import { isPartner, type Caller } from '@crm/auth';
import { ConflictError } from '@crm/kernel';
import { managesDepartment, mayActForStaff } from '../common/staff-rules';
import type { VisitRecord, VisitStatus } from './visit.model';

/*
 * The visit plan (客户拜访表) and its report (docs/domain/engagement.md, visits):
 *
 *   PLANNED ─► APPROVED ─► REPORTED
 *      └────► REJECTED (with the reason; final: a new plan is a new visit)
 *
 * A plan is approved by the customer's department manager (or the general manager) before the visit; it cannot
 * be reported before approval.
 */

export type VisitCommand = 'APPROVE' | 'REJECT' | 'REPORT';

const allowedFrom: Record<VisitCommand, VisitStatus> = { APPROVE: 'PLANNED', REJECT: 'PLANNED', REPORT: 'APPROVED' };
const resultOf: Record<VisitCommand, VisitStatus> = { APPROVE: 'APPROVED', REJECT: 'REJECTED', REPORT: 'REPORTED' };

/** A command the visit's state does not allow: a CONFLICT user error. */
export class InvalidVisitTransitionError extends ConflictError {
  constructor(command: VisitCommand, status: VisitStatus) {
    super(command === 'REPORT' && status === 'PLANNED' ? 'The visit plan has not been approved yet: it cannot be reported' : `A ${status.toLowerCase()} visit cannot be ${command === 'APPROVE' ? 'approved' : command === 'REJECT' ? 'rejected' : 'reported'}`, { status });
  }
}

/** The status after `command`, or the conflict that refuses it. */
export function visitTransition(status: VisitStatus, command: VisitCommand): VisitStatus {
  if (allowedFrom[command] !== status) throw new InvalidVisitTransitionError(command, status);
  return resultOf[command];
}

/** Who plans a visit for a staff member: the staff member, or a manager or the coordinator for them. */
export const mayPlanVisitFor = mayActForStaff;

/** Who decides a plan: the department manager of the customer's department, or the general manager; never for their own visit unless general manager. */
export function mayDecideVisit(caller: Caller, visit: Pick<VisitRecord, 'departmentId' | 'staffId'>): boolean {
  if (!managesDepartment(caller, visit.departmentId)) return false;
  return visit.staffId !== caller.userId || caller.roles.includes('general_manager');
}

/** Who reports a visit: the staff member who made it, or a manager or the coordinator for them. */
export function mayReportVisit(caller: Caller, visit: Pick<VisitRecord, 'staffId'>): boolean {
  return mayActForStaff(caller, visit.staffId);
}

/** Who plans or reports visits at all (the viewer's ability): anyone inside. */
export function mayPlanVisits(caller: Caller): boolean {
  return !isPartner(caller);
}

/** A visit is planned ahead: a plan for a time already past (beyond the grace) is refused. */
export const PLAN_GRACE_MS = 60 * 60 * 1000;

export function plannedAtProblem(plannedAt: Date, now: Date): string | null {
  return plannedAt.getTime() < now.getTime() - PLAN_GRACE_MS ? 'must not be in the past: a visit is planned before it happens' : null;
}

/** Reported visits have happened: never in the future (five minutes of clock skew allowed). */
export const REPORT_SKEW_MS = 5 * 60 * 1000;

export function visitedAtProblem(visitedAt: Date, now: Date): string | null {
  return visitedAt.getTime() > now.getTime() + REPORT_SKEW_MS ? 'cannot be in the future' : null;
}
