import { staffFigureReach, type Caller, type StaffFigureReach, type StaffFigureSubject } from '@crm/auth';

/**
 * How much of a consultant's or department's satisfaction KPI the caller reads: the platform's KPI rule, with marketing
 * and the coordinator (who run the surveys) reading everyone's.
 */
export function satisfactionReach(caller: Caller, subject: StaffFigureSubject): StaffFigureReach {
  return staffFigureReach(caller, subject, ['marketing', 'coordinator']);
}
