import { staffFigureReach, type Caller } from '@crm/auth';
import type { StaffCustomerCount } from '../common/staff-counts';

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

/** The counts a period's figures are made of, per staff member and customer, limited to the period and the staff asked. */
export interface ActivitySources {
  visits: readonly StaffCustomerCount[];
  interactions: readonly StaffCustomerCount[];
  returnVisits: readonly StaffCustomerCount[];
  /** `late`: those of the minutes overdue (submitted after their due time, or still open past it). */
  minutes: readonly StaffCustomerCount[];
}

/**
 * Add up each staff member's counts in one period, skipping those about customers the caller may not read (a
 * manager looking at another department's consultant sees only what concerns their own customers).
 */
export function tallyActivity(staffIds: readonly string[], period: string, sources: ActivitySources, readable: (customerId: string) => boolean): Map<string, ActivityFigures> {
  const figures = new Map<string, ActivityFigures>(
    staffIds.map((staffId) => [staffId, { staffId, period, visitsDone: 0, interactionsLogged: 0, returnVisitsMissed: 0, minutesDue: 0, minutesOverdue: 0 }]),
  );
  const each = (counts: readonly StaffCustomerCount[], add: (row: ActivityFigures, count: StaffCustomerCount) => void) => {
    for (const count of counts) {
      const row = figures.get(count.staffId);
      if (row && readable(count.customerId)) add(row, count);
    }
  };
  each(sources.visits, (row, c) => (row.visitsDone += c.count));
  each(sources.interactions, (row, c) => (row.interactionsLogged += c.count));
  each(sources.returnVisits, (row, c) => (row.returnVisitsMissed += c.count));
  each(sources.minutes, (row, c) => {
    row.minutesDue += c.count;
    row.minutesOverdue += c.late;
  });
  return figures;
}

/** All customer ids the sources mention, for one visibility check. */
export function customersIn(sources: ActivitySources): string[] {
  return [...new Set([...sources.visits, ...sources.interactions, ...sources.returnVisits, ...sources.minutes].map((count) => count.customerId))];
}
