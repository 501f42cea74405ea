import { hasRole, isPartner, type Caller } from '@crm/auth';
import { defineLoader } from '@crm/kernel';
import type { Model } from 'mongoose';
import type { CalendarService } from '../calendar/calendar.service';
import type { CustomerDirectory } from '../customer-directory/customer-directory.service';
import type { TicketAccess } from '../tickets/ticket-access';
import type { TicketRecord } from '../tickets/ticket.model';
import { parseReportPeriod } from './report-period';

export interface ComplaintFigures {
  /** Complaints received in the period about customers the consultant owned then, as far as the caller may see. */
  complaintCount: number;
  /** complaintCount ÷ customers the consultant owns; null when they own none. */
  complaintRate: number | null;
}

/** Whose complaint figures a caller may read: their own; a manager's or supervisor's anyone's (within what they see). */
export function mayReadComplaintFigures(caller: Caller, consultantId: string): boolean {
  if (isPartner(caller)) return false;
  if (hasRole(caller, 'general_manager', 'department_manager', 'coordinator', 'service_agent', 'internal_app')) return true;
  return caller.userId === consultantId;
}

/**
 * Complaint rate per consultant (a KPI that meets the others on the Consultant entity). A loader key is
 * `consultantId|period`; one aggregation per period per request, whatever the number of consultants.
 */
export function complaintFiguresLoader(tickets: Model<TicketRecord>, access: TicketAccess, directory: CustomerDirectory, calendar: CalendarService) {
  return defineLoader<string, ComplaintFigures | null>('complaintFiguresByConsultantPeriod', async (keys, { caller }) => {
    if (!caller) return keys.map(() => null);
    const { timeZone } = await calendar.calendar();
    const byPeriod = new Map<string, string[]>();
    for (const key of keys) {
      const [consultantId, period] = splitKey(key);
      if (!mayReadComplaintFigures(caller, consultantId)) continue;
      byPeriod.set(period, [...(byPeriod.get(period) ?? []), consultantId]);
    }
    const allConsultants = [...new Set([...byPeriod.values()].flat())];
    const owned = allConsultants.length > 0 ? await directory.countOwnedBy(allConsultants) : new Map<string, number>();
    const counts = new Map<string, number>();
    for (const [label, consultantIds] of byPeriod) {
      const period = parseReportPeriod(label, timeZone);
      const rows = await tickets.aggregate<{ _id: string; count: number }>([
        { $match: { $and: [{ type: 'COMPLAINT', consultantAtOpeningId: { $in: consultantIds }, openedAt: { $gte: period.from, $lt: period.to } }, await access.filter(caller)] } },
        { $group: { _id: '$consultantAtOpeningId', count: { $sum: 1 } } },
      ]);
      for (const row of rows) counts.set(`${row._id}|${label}`, row.count);
    }
    return keys.map((key) => {
      const [consultantId] = splitKey(key);
      if (!mayReadComplaintFigures(caller, consultantId)) return null;
      const complaintCount = counts.get(key) ?? 0;
      const customers = owned.get(consultantId) ?? 0;
      return { complaintCount, complaintRate: customers === 0 ? null : Math.round((complaintCount / customers) * 10_000) / 10_000 };
    });
  });
}

export function complaintFiguresKey(consultantId: string, period: string): string {
  return `${consultantId}|${period}`;
}

function splitKey(key: string): [string, string] {
  const at = key.lastIndexOf('|');
  return [key.slice(0, at), key.slice(at + 1)];
}
