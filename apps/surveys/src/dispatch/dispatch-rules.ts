import { hasRole, isPartner, type Caller } from '@crm/auth';
import { ConflictError } from '@crm/kernel';
import type { SurveyTemplateName } from '../survey-responses/survey-templates';

export const requestSources = ['ORDER_DELIVERED', 'MAINTENANCE_VISIT', 'TICKET_RESOLVED', 'MYSTERY_CHECK'] as const;
export type RequestSource = (typeof requestSources)[number];

export const requestStates = ['PENDING', 'ANSWERED', 'EXPIRED', 'SKIPPED'] as const;
export type RequestState = (typeof requestStates)[number];

export const skipReasons = ['FATIGUE', 'FOLLOW_UP_TICKET'] as const;
export type SkipReason = (typeof skipReasons)[number];

/** Which questionnaire each source asks (docs/domain/surveys.md); a mystery check names its own. */
export const templateOfSource: Record<Exclude<RequestSource, 'MYSTERY_CHECK'>, SurveyTemplateName> = {
  ORDER_DELIVERED: 'AFTER_SALE',
  MAINTENANCE_VISIT: 'VISIT',
  TICKET_RESOLVED: 'AFTER_SERVICE',
};

export const DAY_MS = 24 * 3600 * 1000;

/**
 * Fatigue throttling: at most one survey request per customer within the window. A request sent at `lastSentAt`
 * throttles every request until exactly `window` later; at that instant the customer may be asked again.
 */
export function throttledByFatigue(lastSentAt: Date | null, now: Date, windowMs: number): boolean {
  if (!lastSentAt) return false;
  return now.getTime() - lastSentAt.getTime() < windowMs;
}

/** Since when an earlier request throttles: requests created after this instant count. */
export function fatigueWindowStart(now: Date, windowMs: number): Date {
  return new Date(now.getTime() - windowMs);
}

/** When a request stops waiting for an answer. */
export function dueDateOf(createdAt: Date, dueDays: number): Date {
  return new Date(createdAt.getTime() + dueDays * DAY_MS);
}

/** Whether a pending request has passed its due date (due at the instant itself is still answerable). */
export function isPastDue(dueAt: Date, now: Date): boolean {
  return now.getTime() > dueAt.getTime();
}

/** A request that is not pending any more cannot be answered (or expired) again; a CONFLICT user error. */
export class RequestNotPendingError extends ConflictError {}

export function assertPending(state: RequestState, what: string): void {
  if (state !== 'PENDING') throw new RequestNotPendingError(`Cannot ${what} a survey request that is ${state}`, { state });
}

/** Mystery checks are planned by marketing, the general manager and department managers (for customers they read). */
export function mayPlanMysteryChecks(caller: Caller): boolean {
  return !isPartner(caller) && hasRole(caller, 'general_manager', 'marketing', 'department_manager');
}

/** Partners see nothing in surveys; every other member of staff reads requests within their customer scope. */
export function mayReadSurveyRequests(caller: Caller): boolean {
  return !isPartner(caller);
}
