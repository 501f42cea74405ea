import type { EventActor } from '@crm/events';
import type { Clock } from '@crm/kernel';
import type { Logger } from 'pino';
import type { CustomerDirectory } from '../customer-directory/customer-directory.service';
import type { TicketRecord } from '../tickets/ticket.model';
import type { TicketsService } from '../tickets/tickets.service';
import { followUpFirstResponder, followUpKey, followUpMatter, followUpReceivedAt, followUpSeverity, needsFollowUpTicket, type SurveyResponseRecorded } from './survey-follow-up-rules';

/** Who opens survey follow-ups: recorded on the ticket's history and its events. */
export const SURVEY_FOLLOW_UP_ACTOR: EventActor = { userId: 'system:survey-follow-up', roles: ['internal_app'] };

/** A customer the directory does not know yet: the delivery fails and is retried until accounts' event arrives. */
export class CustomerNotKnownYetError extends Error {
  constructor(customerId: string) {
    super(`customer ${customerId} is not known to service-desk yet; retrying`);
  }
}

/** Opens the service desk's follow-up ticket for a survey response the customer was not satisfied with. */
export class SurveyFollowUpService {
  constructor(
    private readonly tickets: TicketsService,
    private readonly directory: CustomerDirectory,
    private readonly clock: Clock,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  /**
   * One COMPLAINT ticket per response needing a follow-up, through the ticket opening path (so the SLA follows the
   * customer's importance as for any ticket), once: a redelivered or replayed event answers the ticket opened first.
   * Null when the response needs no follow-up, or the customer has left the archive.
   */
  async onResponseRecorded(response: SurveyResponseRecorded, recordedAt: Date): Promise<TicketRecord | null> {
    if (!needsFollowUpTicket(response)) return null;
    const customer = await this.directory.find(response.customerId);
    if (!customer) throw new CustomerNotKnownYetError(response.customerId);
    if (customer.lifecycle === 'REMOVED') {
      this.logger.warn({ responseId: response.responseId, customerId: response.customerId }, 'survey follow-up not opened: the customer has been removed from the archive');
      return null;
    }
    return this.tickets.openOnBehalf(
      { actor: SURVEY_FOLLOW_UP_ACTOR, firstResponderId: followUpFirstResponder(response), surveyResponseId: response.responseId, idempotencyKey: followUpKey(response.responseId) },
      {
        customerId: response.customerId,
        type: 'COMPLAINT',
        // The dissatisfaction reached the desk through surveys' record, not a call.
        channel: 'ONLINE',
        severity: followUpSeverity(response),
        matter: followUpMatter(response),
        complainant: { name: customer.name, contact: null },
        receivedAt: followUpReceivedAt(recordedAt, this.clock.now()),
      },
    );
  }
}
