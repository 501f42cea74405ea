import { staffFigureReach, type Caller, type StaffFigureReach, type StaffFigureSubject } from '@crm/auth';
import { defineLoader } from '@crm/kernel';
import type { Model } from 'mongoose';
import type { CalendarService } from '../calendar/calendar.service';
import type { CustomerDirectory } from '../customer-directory/customer-directory.service';
import type { TicketAccess } from '../tickets/ticket-access';
import type { TicketRecord } from '../tickets/ticket.model';
import { parseReportPeriod } from './report-period';

export interface ComplaintFigures {
  /** Complaints received in the period, as far as the caller may see. */
  complaintCount: number;
  /** complaintCount ÷ the customers the consultant owns (the department has); null when there are none. */
  complaintRate: number | null;
}

/** How much of a complaint figure a caller reads: the platform's KPI rule, with the coordinator and service agents reading everyone's (within the tickets they see). */
export function complaintFiguresReach(caller: Caller, subject: StaffFigureSubject): StaffFigureReach {
  return staffFigureReach(caller, subject, ['coordinator', 'service_agent']);
}

/** Whose complaint figures a caller may read at all. */
export function mayReadComplaintFigures(caller: Caller, consultantId: string): boolean {
  return complaintFiguresReach(caller, { kind: 'CONSULTANT', id: consultantId }) !== null;
}

/** A consultant's complaints count where the customer's owner was when the matter was received; a department's by the customer's department. */
const fieldOf = { CONSULTANT: 'consultantAtOpeningId', DEPARTMENT: 'customerDepartmentId' } as const;

/**
 * Complaint count and rate per consultant and per department (KPIs that meet the others on Consultant and
 * Department). A loader key is `kind|id|period`; one aggregation per (kind, period, reach) per request and one count
 * of the customers, whatever the number of consultants or departments.
 */
export function complaintFiguresLoader(tickets: Model<TicketRecord>, access: TicketAccess, directory: CustomerDirectory, calendar: CalendarService) {
  return defineLoader<string, ComplaintFigures | null>('complaintFiguresByStaffPeriod', async (rawKeys, { caller }) => {
    if (!caller) return rawKeys.map(() => null);
    const { timeZone } = await calendar.calendar();
    const keys = rawKeys.map(splitKey).map((key) => ({ ...key, reach: complaintFiguresReach(caller, key) }));
    const groups = new Map<string, { kind: StaffFigureSubject['kind']; period: string; reach: Exclude<StaffFigureReach, null>; ids: Set<string> }>();
    for (const key of keys) {
      if (key.reach === null) continue;
      const name = groupOf(key.kind, key.period, key.reach);
      const group = groups.get(name) ?? { kind: key.kind, period: key.period, reach: key.reach, ids: new Set<string>() };
      group.ids.add(key.id);
      groups.set(name, group);
    }
    const readable = keys.filter((key) => key.reach !== null);
    const ofKind = (kind: StaffFigureSubject['kind']) => [...new Set(readable.filter((key) => key.kind === kind).map((key) => key.id))];
    const [consultants, departments] = [ofKind('CONSULTANT'), ofKind('DEPARTMENT')];
    const [ownedByConsultant, ownedByDepartment] = await Promise.all([
      consultants.length > 0 ? directory.countOwnedBy(consultants) : new Map<string, number>(),
      departments.length > 0 ? directory.countInDepartments(departments) : new Map<string, number>(),
    ]);
    const visible = groups.size > 0 ? await access.filter(caller) : {};
    const counts = new Map<string, number>();
    for (const [name, group] of groups) {
      const period = parseReportPeriod(group.period, timeZone);
      const field = fieldOf[group.kind];
      const booked = group.reach === 'ALL' ? {} : { customerDepartmentId: group.reach.departmentId };
      const rows = await tickets.aggregate<{ _id: string; count: number }>([
        { $match: { $and: [{ type: 'COMPLAINT', [field]: { $in: [...group.ids] }, openedAt: { $gte: period.from, $lt: period.to }, ...booked }, visible] } },
        { $group: { _id: `$${field}`, count: { $sum: 1 } } },
      ]);
      for (const row of rows) counts.set(`${name}|${row._id}`, row.count);
    }
    return keys.map((key) => {
      if (key.reach === null) return null;
      const complaintCount = counts.get(`${groupOf(key.kind, key.period, key.reach)}|${key.id}`) ?? 0;
      const customers = (key.kind === 'CONSULTANT' ? ownedByConsultant : ownedByDepartment).get(key.id) ?? 0;
      return { complaintCount, complaintRate: customers === 0 ? null : Math.round((complaintCount / customers) * 10_000) / 10_000 };
    });
  });
}

const groupOf = (kind: string, period: string, reach: Exclude<StaffFigureReach, null>) => JSON.stringify([kind, period, reach === 'ALL' ? null : reach.departmentId]);

export function complaintFiguresKey(kind: StaffFigureSubject['kind'], id: string, period: string): string {
  return JSON.stringify([kind, id, period]);
}

function splitKey(key: string): StaffFigureSubject & { period: string } {
  const [kind, id, period] = JSON.parse(key) as [StaffFigureSubject['kind'], string, string];
  return { kind, id, period };
}
