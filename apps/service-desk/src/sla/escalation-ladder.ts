import type { SlaClockKind, SlaClockState } from './sla-clock';

/*
 * Escalation goes up one rung at a time: the handler (0) → service supervisor (1) → the customer's
 * department manager (2) → the general manager (3). A clock near breach calls the supervisor, a breach the
 * department manager, and a breach left overdue for the policy's grace the general manager. A major matter
 * (CRITICAL) goes to the general manager at once (docs/domain/service-desk.md).
 */

export const escalationLevelNames = ['HANDLER', 'SUPERVISOR', 'DEPARTMENT_MANAGER', 'GENERAL_MANAGER'] as const;
export type EscalationLevel = 0 | 1 | 2 | 3;
export type EscalationLevelName = (typeof escalationLevelNames)[number];
export type EscalationReason = 'MANUAL' | 'SLA_NEAR_BREACH' | 'SLA_BREACH' | 'MAJOR_MATTER';
export const GENERAL_MANAGER_LEVEL: EscalationLevel = 3;

export function escalationLevelName(level: number): EscalationLevelName {
  return escalationLevelNames[Math.max(0, Math.min(3, level))];
}

export interface EscalationStep {
  level: EscalationLevel;
  previousLevel: EscalationLevel;
  reason: EscalationReason;
  clock: SlaClockKind | null;
}

export type SlaAlertKind = 'NEAR_BREACH' | 'BREACHED';

export interface SlaAlert {
  clock: SlaClockKind;
  round: number;
  kind: SlaAlertKind;
  dueAt: Date;
}

export interface RecordedSlaAlert {
  clock: SlaClockKind;
  round: number;
  kind: SlaAlertKind;
}

/** The rung a clock calls for, and why. */
export function levelDemandedBy(clock: SlaClockState, generalManagerAfterOverdueMinutes: number): { level: EscalationLevel; reason: EscalationReason | null } {
  if (clock.status === 'BREACHED') {
    return { level: clock.overdueMs >= generalManagerAfterOverdueMinutes * 60_000 ? 3 : 2, reason: 'SLA_BREACH' };
  }
  if (clock.status === 'NEAR_BREACH') return { level: 1, reason: 'SLA_NEAR_BREACH' };
  return { level: 0, reason: null };
}

/** Each rung between the current level and what the clocks demand, in order; nothing when already there. */
export function escalationSteps(currentLevel: EscalationLevel, clocks: readonly SlaClockState[], generalManagerAfterOverdueMinutes: number): EscalationStep[] {
  let demanded: { level: EscalationLevel; reason: EscalationReason | null; clock: SlaClockKind | null } = { level: 0, reason: null, clock: null };
  for (const clock of clocks) {
    const wanted = levelDemandedBy(clock, generalManagerAfterOverdueMinutes);
    if (wanted.level > demanded.level) demanded = { ...wanted, clock: clock.kind };
  }
  const steps: EscalationStep[] = [];
  for (let level = currentLevel + 1; level <= demanded.level; level += 1) {
    steps.push({ level: level as EscalationLevel, previousLevel: (level - 1) as EscalationLevel, reason: demanded.reason ?? 'SLA_BREACH', clock: demanded.clock });
  }
  return steps;
}

/** A major matter skips the ladder: straight to the general manager. */
export function majorMatterStep(severity: string, currentLevel: EscalationLevel): EscalationStep | null {
  if (severity !== 'CRITICAL' || currentLevel >= GENERAL_MANAGER_LEVEL) return null;
  return { level: GENERAL_MANAGER_LEVEL, previousLevel: currentLevel, reason: 'MAJOR_MATTER', clock: null };
}

/** Near-breaches and breaches not yet recorded for the clock's current round (a reopen starts a new round). */
export function newSlaAlerts(clocks: readonly SlaClockState[], recorded: readonly RecordedSlaAlert[]): SlaAlert[] {
  const alerts: SlaAlert[] = [];
  const has = (clock: SlaClockState, kind: SlaAlertKind) => recorded.some((r) => r.clock === clock.kind && r.round === clock.round && r.kind === kind);
  for (const clock of clocks) {
    if (!clock.dueAt) continue;
    if (clock.status === 'BREACHED' && !has(clock, 'BREACHED')) alerts.push({ clock: clock.kind, round: clock.round, kind: 'BREACHED', dueAt: clock.dueAt });
    else if (clock.status === 'NEAR_BREACH' && !has(clock, 'NEAR_BREACH') && !has(clock, 'BREACHED')) {
      alerts.push({ clock: clock.kind, round: clock.round, kind: 'NEAR_BREACH', dueAt: clock.dueAt });
    }
  }
  return alerts;
}
