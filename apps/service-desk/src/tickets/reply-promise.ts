import { addHours } from 'date-fns';
import type { Severity } from './ticket.model';

// Hours within which the customer is promised an answer. Working-hour SLA policies come with the service-desk issue.
const replyHoursBySeverity: Record<Severity, number> = { CRITICAL: 2, HIGH: 4, MEDIUM: 24, LOW: 72 };

export function promisedReplyBy(openedAt: Date, severity: Severity): Date {
  return addHours(openedAt, replyHoursBySeverity[severity]);
}
