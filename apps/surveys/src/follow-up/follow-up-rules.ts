import type { SurveyResponseRecord } from '../survey-responses/survey-response.model';
import type { TicketCopyRecord } from './ticket-projection';

export type FollowUpState = 'AWAITING_TICKET' | 'OPEN' | 'CLOSED';

/** SurveyFollowUp as resolvers return it. */
export interface FollowUpView {
  id: string;
  state: FollowUpState;
  ticketId: string | null;
  ticketStatus: string | null;
  firstResponderId: string | null;
  openedAt: Date | null;
  closedAt: Date | null;
  closedBy: string | null;
  dueAt: Date;
  overdue: boolean;
}

/**
 * The follow-up of a dissatisfied response from its ticket (as the service desk published it). Closed when the
 * ticket closed (or the response already knows its loop closed); overdue while not closed after its due time.
 */
export function followUpOf(response: Pick<SurveyResponseRecord, '_id' | 'recordedAt' | 'followUpDueAt' | 'followUpClosedAt'>, ticket: TicketCopyRecord | null, now: Date): FollowUpView {
  const closedAt = ticket?.closedAt ?? response.followUpClosedAt ?? null;
  const state: FollowUpState = closedAt ? 'CLOSED' : ticket ? 'OPEN' : 'AWAITING_TICKET';
  const dueAt = response.followUpDueAt ?? response.recordedAt;
  return {
    id: `${String(response._id)}:follow-up`,
    state,
    ticketId: ticket?._id ?? null,
    ticketStatus: ticket?.status ?? null,
    firstResponderId: ticket?.firstResponderId ?? null,
    openedAt: ticket?.openedAt ?? null,
    closedAt,
    closedBy: ticket?.closedBy ?? null,
    dueAt,
    overdue: state !== 'CLOSED' && now.getTime() > dueAt.getTime(),
  };
}
