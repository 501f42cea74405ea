import { staffFigureReach, type Caller } from '@crm/auth';

/** A staff member's engagement over one period: what the consultant KPIs of engagement count. */
export interface ActivityFigures {
  staffId: string;
  period: string;
  /** Visits reported with a visit time in the period. */
  visitsDone: number;
  /** Interactions logged with a time in the period. */
  interactionsLogged: number;
  /** Return visits due in the period that were missed. */
  returnVisitsMissed: number;
  /** Minutes due in the period. */
  minutesDue: number;
  /** Of those, the ones not submitted by their due time (late, or still open past it). */
  minutesOverdue: number;
}

/**
 * Whose activity a caller reads: the platform's KPI rule (staffFigureReach), with the coordinator and marketing
 * reading everyone's. What is counted is then limited to the customers the caller may read, so a department manager
 * looking at a consultant elsewhere sees the part about their department's customers.
 */
export function mayReadStaffActivity(caller: Caller, staffId: string): boolean {
  return staffFigureReach(caller, { kind: 'CONSULTANT', id: staffId }, ['coordinator', 'marketing']) !== null;
}

/** Minutes count as overdue when they were submitted after their due time, or are still unsubmitted past it. */
export function minutesOverdue(minutes: { dueAt: Date; submittedAt: Date | null }, now: Date): boolean {
  const submittedOrNow = minutes.submittedAt ?? now;
  return submittedOrNow.getTime() > minutes.dueAt.getTime();
}

interface StaffRecord {
  staffId: string;
  customerId: string;
}

/** The records a period's figures are counted from, already limited to the period and the staff asked. */
export interface ActivitySources {
  visits: readonly StaffRecord[];
  interactions: readonly StaffRecord[];
  returnVisits: readonly StaffRecord[];
  minutes: readonly (StaffRecord & { dueAt: Date; submittedAt: Date | null })[];
}

/**
 * Count each staff member's records in one period, skipping records about customers the caller may not read (a
 * manager looking at another department's consultant sees only what concerns their own customers).
 */
export function tallyActivity(staffIds: readonly string[], period: string, sources: ActivitySources, readable: (customerId: string) => boolean, now: Date): Map<string, ActivityFigures> {
  const figures = new Map<string, ActivityFigures>(
    staffIds.map((staffId) => [staffId, { staffId, period, visitsDone: 0, interactionsLogged: 0, returnVisitsMissed: 0, minutesDue: 0, minutesOverdue: 0 }]),
  );
  const each = <T extends StaffRecord>(records: readonly T[], count: (row: ActivityFigures, record: T) => void) => {
    for (const record of records) {
      const row = figures.get(record.staffId);
      if (row && readable(record.customerId)) count(row, record);
    }
  };
  each(sources.visits, (row) => (row.visitsDone += 1));
  each(sources.interactions, (row) => (row.interactionsLogged += 1));
  each(sources.returnVisits, (row) => (row.returnVisitsMissed += 1));
  each(sources.minutes, (row, m) => {
    row.minutesDue += 1;
    if (minutesOverdue(m, now)) row.minutesOverdue += 1;
  });
  return figures;
}

/** All customer ids the sources mention, for one visibility check. */
export function customersIn(sources: ActivitySources): string[] {
  return [...new Set([...sources.visits, ...sources.interactions, ...sources.returnVisits, ...sources.minutes].map((record) => record.customerId))];
}
