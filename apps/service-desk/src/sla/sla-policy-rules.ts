import type { WorkingCalendar } from '@crm/working-calendar';
import { aroundTheClock, workingTime, type ClockTargets, type TimeMeasure } from './sla-clock';
import { customerImportances, type CustomerImportance, type SlaPolicyRecord, type SlaTargetRecord } from './sla-policy.model';

export const slaSeverities = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
type Severity = (typeof slaSeverities)[number];

const HOUR = 60;
/** Working day of the default calendar (09:00–18:00). */
const DAY = 9 * HOUR;

/**
 * The policy a fresh database starts with (version 1). Key customers get tighter targets; a CRITICAL matter
 * runs around the clock, everything else in working hours.
 */
export const defaultSlaTargets: SlaTargetRecord[] = [
  { severity: 'CRITICAL', importance: 'KEY', firstResponseMinutes: 30, resolutionMinutes: 4 * HOUR, businessHoursOnly: false },
  { severity: 'CRITICAL', importance: 'GENERAL', firstResponseMinutes: HOUR, resolutionMinutes: 8 * HOUR, businessHoursOnly: false },
  { severity: 'HIGH', importance: 'KEY', firstResponseMinutes: HOUR, resolutionMinutes: DAY, businessHoursOnly: true },
  { severity: 'HIGH', importance: 'GENERAL', firstResponseMinutes: 2 * HOUR, resolutionMinutes: 2 * DAY, businessHoursOnly: true },
  { severity: 'MEDIUM', importance: 'KEY', firstResponseMinutes: 2 * HOUR, resolutionMinutes: 2 * DAY, businessHoursOnly: true },
  { severity: 'MEDIUM', importance: 'GENERAL', firstResponseMinutes: 4 * HOUR, resolutionMinutes: 3 * DAY, businessHoursOnly: true },
  { severity: 'LOW', importance: 'KEY', firstResponseMinutes: 4 * HOUR, resolutionMinutes: 3 * DAY, businessHoursOnly: true },
  { severity: 'LOW', importance: 'GENERAL', firstResponseMinutes: DAY, resolutionMinutes: 5 * DAY, businessHoursOnly: true },
];
export const DEFAULT_NEAR_BREACH_PERCENT = 80;
export const DEFAULT_GENERAL_MANAGER_AFTER_OVERDUE_MINUTES = 4 * HOUR;

/** The version in effect at an instant: latest effective date not after it, the higher version on a tie. */
export function policyInEffect<P extends Pick<SlaPolicyRecord, 'version' | 'effectiveFrom'>>(policies: readonly P[], at: Date): P | null {
  let best: P | null = null;
  for (const policy of policies) {
    if (policy.effectiveFrom.getTime() > at.getTime()) continue;
    if (!best || policy.effectiveFrom.getTime() > best.effectiveFrom.getTime() || (policy.effectiveFrom.getTime() === best.effectiveFrom.getTime() && policy.version > best.version)) best = policy;
  }
  return best;
}

export function targetFor(policy: Pick<SlaPolicyRecord, 'targets' | 'version'>, severity: Severity, importance: CustomerImportance): SlaTargetRecord {
  const target = policy.targets.find((t) => t.severity === severity && t.importance === importance);
  if (!target) throw new Error(`SLA policy v${policy.version} has no target for ${severity} × ${importance}`);
  return target;
}

/**
 * Problems with a set of targets: every severity × importance exactly once, resolution not before response.
 * `index` names the target a problem is about; null for a missing or duplicated pair (the set as a whole).
 */
export function targetIssues(targets: readonly SlaTargetRecord[]): { index: number | null; message: string }[] {
  const issues: { index: number | null; message: string }[] = [];
  for (const severity of slaSeverities) {
    for (const importance of customerImportances) {
      const count = targets.filter((t) => t.severity === severity && t.importance === importance).length;
      if (count !== 1) issues.push({ index: null, message: `${severity} × ${importance} must appear exactly once (found ${count})` });
    }
  }
  targets.forEach((t, index) => {
    if (t.resolutionMinutes < t.firstResponseMinutes) issues.push({ index, message: `${t.severity} × ${t.importance}: resolution cannot be due before the first response` });
  });
  return issues;
}

/** The messages of `targetIssues`. */
export function targetProblems(targets: readonly SlaTargetRecord[]): string[] {
  return targetIssues(targets).map((issue) => issue.message);
}

/** Clock targets and the way time is counted for one ticket under a policy. */
export function clockRules(
  policy: Pick<SlaPolicyRecord, 'targets' | 'version' | 'nearBreachPercent'>,
  severity: Severity,
  importance: CustomerImportance,
  calendar: WorkingCalendar,
): { targets: ClockTargets; measure: TimeMeasure; businessHoursOnly: boolean } {
  const target = targetFor(policy, severity, importance);
  return {
    targets: { firstResponseMinutes: target.firstResponseMinutes, resolutionMinutes: target.resolutionMinutes, nearBreachPercent: policy.nearBreachPercent },
    measure: target.businessHoursOnly ? workingTime(calendar) : aroundTheClock,
    businessHoursOnly: target.businessHoursOnly,
  };
}
