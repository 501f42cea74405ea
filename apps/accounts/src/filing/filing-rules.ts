import type { WorkingCalendar } from '@crm/working-calendar';
import type { CustomerRecord } from '../customers/customer.model';
import { FILING_WORKING_DAYS, type FilingRecord } from './filing.model';

export const filingStatuses = ['UNFILED', 'FILING_OVERDUE', 'FILED', 'CHANGES_UNREPORTED', 'CHANGE_REPORT_OVERDUE'] as const;
export type FilingStatus = (typeof filingStatuses)[number];

export const expenseKinds = ['ENTERTAINMENT', 'TRAVEL', 'GIFT', 'OTHER'] as const;
export type ExpenseKind = (typeof expenseKinds)[number];
/** Stable reason codes of the expense check; clients may switch on them. */
export type ExpenseCheckReason = 'ALLOWED' | 'CUSTOMER_NOT_FILED' | 'CUSTOMER_NOT_FOUND' | 'CUSTOMER_REMOVED';

/** A new customer's filing obligation: due at the end of the 5th working day after the first contact. */
export function newFiling(firstContactAt: Date, departmentId: string, calendar: WorkingCalendar): FilingRecord {
  const dueAt = calendar.addWorkingDays(firstContactAt, FILING_WORKING_DAYS);
  return { firstContactAt, firstContactDepartmentId: departmentId, dueAt, filedAt: null, filedBy: null, unreportedChangeSince: null, changeReportDueAt: null, nextDueAt: dueAt, overdueRaisedAt: null };
}

/** Customers archived before filing was tracked count as filed when they were created. */
export function filingOf(customer: Pick<CustomerRecord, 'filing' | 'createdAt' | 'departmentId'>): FilingRecord {
  return customer.filing ?? { firstContactAt: customer.createdAt, firstContactDepartmentId: customer.departmentId, dueAt: customer.createdAt, filedAt: customer.createdAt, filedBy: null, nextDueAt: null };
}

export function filingStatus(filing: FilingRecord, now: Date): FilingStatus {
  if (!filing.filedAt) return filing.dueAt.getTime() < now.getTime() ? 'FILING_OVERDUE' : 'UNFILED';
  if (!filing.changeReportDueAt) return 'FILED';
  return filing.changeReportDueAt.getTime() < now.getTime() ? 'CHANGE_REPORT_OVERDUE' : 'CHANGES_UNREPORTED';
}

export function isOverdue(filing: FilingRecord, now: Date): boolean {
  return Boolean(filing.nextDueAt && filing.nextDueAt.getTime() < now.getTime());
}

/** The department files the customer; a change reported meanwhile is part of the filing. Null when already filed. */
export function fileNow(filing: FilingRecord, now: Date, by: string): Partial<FilingRecord> | null {
  if (filing.filedAt) return null;
  return { filedAt: now, filedBy: by, unreportedChangeSince: null, changeReportDueAt: null, nextDueAt: null, overdueRaisedAt: null };
}

/**
 * A change to a filed customer must be reported within 5 working days of the earliest unreported change;
 * more changes before the report do not move the deadline. Before filing, the filing itself covers changes.
 */
export function changeToReport(filing: FilingRecord, changedAt: Date, calendar: WorkingCalendar): Partial<FilingRecord> | null {
  if (!filing.filedAt || filing.unreportedChangeSince) return null;
  const dueAt = calendar.addWorkingDays(changedAt, FILING_WORKING_DAYS);
  return { unreportedChangeSince: changedAt, changeReportDueAt: dueAt, nextDueAt: dueAt, overdueRaisedAt: null };
}

/** The department reported the changes. Null when there is nothing to report. */
export function reportNow(filing: FilingRecord, now: Date, by: string): Partial<FilingRecord> | null {
  if (!filing.filedAt || !filing.unreportedChangeSince) return null;
  return { unreportedChangeSince: null, changeReportDueAt: null, lastReportedAt: now, lastReportedBy: by, nextDueAt: null, overdueRaisedAt: null };
}

/** Which obligation an overdue filing is about. */
export function overdueObligation(filing: FilingRecord): 'FILING' | 'CHANGE_REPORT' {
  return filing.filedAt ? 'CHANGE_REPORT' : 'FILING';
}

/** Entertainment, travel and gifts are refused for a customer that is not filed (docs/domain/accounts.md). */
export function expenseDecision(customer: Pick<CustomerRecord, 'lifecycle' | 'filing' | 'createdAt' | 'departmentId'> | null, now: Date): { allowed: boolean; reason: ExpenseCheckReason; message: string } {
  if (!customer) return { allowed: false, reason: 'CUSTOMER_NOT_FOUND', message: 'No such customer within your reach' };
  if (customer.lifecycle === 'REMOVED') return { allowed: false, reason: 'CUSTOMER_REMOVED', message: 'The customer was removed from the archive' };
  const filing = filingOf(customer);
  if (!filing.filedAt) {
    const when = filing.dueAt.getTime() < now.getTime() ? 'was due' : 'is due';
    return { allowed: false, reason: 'CUSTOMER_NOT_FILED', message: `The customer is not filed yet (filing ${when} by ${filing.dueAt.toISOString()}); expenses are refused until it is` };
  }
  return { allowed: true, reason: 'ALLOWED', message: 'The customer is filed' };
}

/** `$set` entries for a change of the filing (the whole sub-document when the customer has none stored yet). */
export function filingSet(customer: Pick<CustomerRecord, 'filing' | 'createdAt' | 'departmentId'>, patch: Partial<FilingRecord>): Record<string, unknown> {
  if (!customer.filing) return { filing: { ...filingOf(customer), ...patch } };
  return Object.fromEntries(Object.entries(patch).map(([member, value]) => [`filing.${member}`, value]));
}
