import { hasRole, isPartner, type Caller } from '@crm/auth';

/** A device clock a little ahead of ours is not a future interaction. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * Who may log an interaction for a staff member: any internal caller for themself; managers and the
 * coordinator (who runs shared customer resources) for someone else. Partners never: interactions
 * are internal records.
 */
/** Who logs interactions at all: anyone inside; partners never. */
export function mayLogInteractions(caller: Caller): boolean {
  return !isPartner(caller);
}

export function mayLogInteractionFor(caller: Caller, staffId: string): boolean {
  if (isPartner(caller)) return false;
  if (staffId === caller.userId) return true;
  return hasRole(caller, 'department_manager', 'general_manager', 'coordinator');
}

/** Why an interaction time is unacceptable, or null: an interaction is logged after it happened. */
export function occurredAtProblem(occurredAt: Date, now: Date): string | null {
  return occurredAt.getTime() > now.getTime() + CLOCK_SKEW_MS ? 'cannot be in the future' : null;
}
