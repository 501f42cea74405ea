import { orderDeliveredV1, ticketResolvedV1, visitReportedV1, type EventData } from '@crm/contracts';
import type { CloudEvent, EventHandlerDefinition } from '@crm/events';
import type { SurveyRequestsService } from './survey-requests.service';

/*
 * Where survey requests come from (docs/domain/surveys.md):
 * - engagement's visit report of a MAINTENANCE visit → the visit questionnaire, for the staff member who visited;
 * - the service desk's resolved ticket of any type (crm.service-desk.ticket.resolved: repairs, service requests,
 *   complaints …) → the after-service questionnaire, for the ticket's first responder named in the event;
 * - credit's delivered order → the after-sale questionnaire, for the order's consultant, department and region
 *   (the customer's at order entry) and the products of its lines.
 */
export function dispatchHandlers(requests: SurveyRequestsService) {
  const orderDelivered: EventHandlerDefinition<typeof orderDeliveredV1> = {
    contract: orderDeliveredV1,
    durable: 'surveys-dispatch-order-delivered',
    handle: async (event: CloudEvent<EventData<typeof orderDeliveredV1>>) => {
      const order = event.data;
      await requests.fromEvent({
        eventId: event.id,
        source: 'ORDER_DELIVERED',
        customerId: order.customerId,
        reference: order.orderId,
        context: { consultantId: order.consultantId, departmentId: order.departmentId, region: order.region, products: order.lines.map((line) => line.product) },
        actorId: event.actorid,
      });
    },
  };
  const visitReported: EventHandlerDefinition<typeof visitReportedV1> = {
    contract: visitReportedV1,
    durable: 'surveys-dispatch-visit-reported',
    handle: async (event: CloudEvent<EventData<typeof visitReportedV1>>) => {
      const visit = event.data;
      if (visit.kind !== 'MAINTENANCE') return;
      await requests.fromEvent({
        eventId: event.id,
        source: 'MAINTENANCE_VISIT',
        customerId: visit.customerId,
        reference: visit.visitId,
        context: { consultantId: visit.staffId, products: visit.product ? [visit.product] : [] },
        actorId: event.actorid,
      });
    },
  };
  const ticketResolved: EventHandlerDefinition<typeof ticketResolvedV1> = {
    contract: ticketResolvedV1,
    // Named after ticket.resolved (every type); the durable that read complaint.resolved stays behind, idle.
    durable: 'surveys-dispatch-any-ticket-resolved',
    handle: async (event: CloudEvent<EventData<typeof ticketResolvedV1>>) => {
      const resolved = event.data;
      await requests.fromEvent({
        eventId: event.id,
        source: 'TICKET_RESOLVED',
        customerId: resolved.customerId,
        reference: resolved.ticketId,
        context: { consultantId: resolved.firstResponderId },
        actorId: event.actorid,
        sourceTicketFirstResponderId: resolved.firstResponderId,
        // A follow-up of a survey is not surveyed again: the customer would be asked about being asked.
        skip: resolved.surveyResponseId ? { reason: 'FOLLOW_UP_TICKET', note: `The ticket follows up survey response ${resolved.surveyResponseId}` } : null,
      });
    },
  };
  return [orderDelivered, visitReported, ticketResolved];
}
