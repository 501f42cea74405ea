import { hasRole, isPartner, type Caller } from '@crm/auth';
import { ConflictError } from '@crm/kernel';

export const proposalStates = ['OPEN', 'IN_PROGRESS', 'DONE'] as const;
export type ProposalState = (typeof proposalStates)[number];

const steps: Record<ProposalState, readonly ProposalState[]> = { OPEN: ['IN_PROGRESS'], IN_PROGRESS: ['DONE'], DONE: [] };

/** A proposal step not allowed from its state; a CONFLICT user error. */
export class InvalidProposalTransitionError extends ConflictError {}

export function assertProposalStep(from: ProposalState, to: ProposalState): void {
  if (!steps[from].includes(to)) throw new InvalidProposalTransitionError(`An improvement proposal that is ${from} cannot become ${to}`, { state: from });
}

/** Overdue: not done and past its due date (due at the instant itself is not yet overdue). */
export function isOverdue(state: ProposalState, dueAt: Date, now: Date): boolean {
  return state !== 'DONE' && now.getTime() > dueAt.getTime();
}

/** Who raises a finding by hand: the general manager, marketing, and a department manager for their own department. */
export function mayProposeImprovement(caller: Caller, departmentId: string): boolean {
  if (isPartner(caller)) return false;
  return hasRole(caller, 'general_manager', 'marketing') || (hasRole(caller, 'department_manager') && caller.departmentId === departmentId);
}

/** Who works a proposal: the responsible department's manager, and the general manager. */
export function mayWorkOnProposal(caller: Caller, departmentId: string): boolean {
  if (isPartner(caller)) return false;
  return hasRole(caller, 'general_manager') || (hasRole(caller, 'department_manager') && caller.departmentId === departmentId);
}

/** Who reads proposals: staff of the department, marketing, coordination and the general manager. */
export function mayReadProposals(caller: Caller, departmentId: string | null): boolean {
  if (isPartner(caller)) return false;
  return hasRole(caller, 'general_manager', 'marketing', 'coordinator') || (departmentId !== null && caller.departmentId === departmentId);
}

export interface PeriodScore {
  period: string;
  meanScore: number;
  answers: number;
}

export interface FallingScoreSettings {
  /** Consecutive periods the score must fall over (3: two falls in a row). */
  periods: number;
  /** Fewer answers in a period say nothing. */
  minAnswers: number;
  /** The drop from the first to the last period, in points of the 5..1 scale. */
  minDrop: number;
}

export const defaultFallingScore: FallingScoreSettings = { periods: 3, minAnswers: 5, minDrop: 0.3 };

/**
 * A finding: the item's mean score fell in each of the last `periods` consecutive periods (oldest first, no gap),
 * each with enough answers, by at least `minDrop` in all. Returns the periods of the finding, or null.
 */
export function fallingScoreFinding(scores: readonly PeriodScore[], settings: FallingScoreSettings = defaultFallingScore): PeriodScore[] | null {
  if (scores.length < settings.periods) return null;
  const last = scores.slice(-settings.periods);
  if (last.some((s) => s.answers < settings.minAnswers)) return null;
  for (let i = 1; i < last.length; i++) if (!(last[i].meanScore < last[i - 1].meanScore)) return null;
  return last[0].meanScore - last[last.length - 1].meanScore >= settings.minDrop - 1e-9 ? last : null;
}

/** The `count` whole months before the month of `now` (UTC), oldest first, as YYYY-MM. */
export function lastCompleteMonths(now: Date, count: number): string[] {
  const months: string[] = [];
  for (let back = count; back >= 1; back--) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
    months.push(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
  }
  return months;
}
