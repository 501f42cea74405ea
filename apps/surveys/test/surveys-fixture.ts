import { streamFor, ticketClosedV1, ticketOpenedV1, ticketResolvedV1, visitReportedV1, type EventContract, type ServiceName } from '@crm/contracts';
import { createEvent, encodeEvent, ensureStream, type CloudEvent } from '@crm/events';
import type { RunningService } from '@crm/kernel';
import { eventually } from '@crm/testing';
import { randomBytes } from 'node:crypto';

/** Publish another service's event the way it would (a real event on its real stream); returns the event. */
export async function publishEvent(service: RunningService, contract: EventContract, subject: string, data: unknown, actorId = 'test-producer'): Promise<CloudEvent> {
  const event = createEvent(contract, { subject, actor: { userId: actorId, roles: ['internal_app'] }, data: data as never });
  await republish(service, contract.service, event);
  return event;
}

/** The same event again (a replay): the same event id under a new JetStream message id, so the bus delivers it. */
export async function republish(service: RunningService, producer: ServiceName, event: CloudEvent): Promise<void> {
  await ensureStream(service.bus.jsm, streamFor(producer));
  await service.bus.js.publish(event.type, encodeEvent(event), { msgID: `${event.id}:${randomBytes(4).toString('hex')}` });
}

export const newId = () => randomBytes(12).toString('hex');

export function maintenanceVisit(customerId: string, overrides: Record<string, unknown> = {}) {
  const visitId = `V-${randomBytes(3).toString('hex')}`;
  return { visitId, customerId, staffId: 'tech-1', accompanyingStaffIds: [], kind: 'MAINTENANCE', product: 'Chiller X2', visitedAt: '2025-03-01T09:00:00Z', reportedAt: '2025-03-01T12:00:00Z', ...overrides };
}

type TicketType = 'COMPLAINT' | 'SERVICE_REQUEST' | 'INQUIRY' | 'REPAIR' | 'FAULT';

/** What every ticket lifecycle event of a test ticket carries (a MEDIUM ticket of the customer's department). */
const ticketBase = (ticketId: string, customerId: string, type: TicketType, firstResponderId: string, surveyResponseId: string | null) => ({
  ticketId,
  customerId,
  type,
  severity: 'MEDIUM',
  firstResponderId,
  departmentId: 'D-EAST',
  surveyResponseId,
});

/** crm.service-desk.ticket.opened as the service desk publishes it, for any ticket type (a survey's follow-up names the response). */
export function openTicket(service: RunningService, ticketId: string, customerId: string, firstResponderId: string, options: { type?: TicketType; surveyResponseId?: string } = {}) {
  const at = '2025-03-02T09:00:00.000Z';
  return publishEvent(service, ticketOpenedV1, ticketId, {
    ...ticketBase(ticketId, customerId, options.type ?? 'REPAIR', firstResponderId, options.surveyResponseId ?? null),
    status: 'RECEIVED',
    occurredAt: at,
    channel: 'PHONE',
    openedAt: at,
    promisedReplyBy: '2025-03-02T13:00:00.000Z',
  });
}

/** crm.service-desk.ticket.resolved: the first responder rides on the event, so no earlier event is needed. */
export function resolveTicket(service: RunningService, ticketId: string, customerId: string, firstResponderId: string, options: { type?: TicketType; surveyResponseId?: string; resolvedBy?: string } = {}) {
  const at = '2025-03-03T09:00:00.000Z';
  return publishEvent(service, ticketResolvedV1, ticketId, {
    ...ticketBase(ticketId, customerId, options.type ?? 'REPAIR', firstResponderId, options.surveyResponseId ?? null),
    status: 'RESOLVED',
    occurredAt: at,
    resolvedBy: options.resolvedBy ?? firstResponderId,
    resolvedAt: at,
    resolvedAtOnce: false,
    handlingRound: 1,
  });
}

export function closeTicket(service: RunningService, ticketId: string, customerId: string, closedBy: string, options: { type?: TicketType; surveyResponseId?: string; at?: string; firstResponderId?: string } = {}) {
  const at = options.at ?? '2025-03-05T09:00:00.000Z';
  return publishEvent(service, ticketClosedV1, ticketId, {
    ...ticketBase(ticketId, customerId, options.type ?? 'REPAIR', options.firstResponderId ?? closedBy, options.surveyResponseId ?? null),
    status: 'CLOSED',
    occurredAt: at,
    closedBy,
    closedAt: at,
  });
}

export const publishVisit = (service: RunningService, data: ReturnType<typeof maintenanceVisit>) => publishEvent(service, visitReportedV1, data.visitId, data, 'engagement-app');

/** Wait until the service holds a document matching `filter` in `collection`. */
export function waitFor(service: RunningService, collection: string, filter: Record<string, unknown>, count = 1) {
  return eventually(async () => {
    const found = await service.connection.collection(collection).find(filter).toArray();
    if (found.length < count) throw new Error(`${collection}: ${found.length} of ${count} documents matching ${JSON.stringify(filter)}`);
    return found;
  }, 45_000);
}

/** crm.credit.order.delivered, as credit publishes it. */
export function deliveredOrder(customerId: string, overrides: Record<string, unknown> = {}) {
  const money = (amountMinor: number) => ({ amountMinor, currency: 'CNY' });
  return {
    orderId: `O-${randomBytes(3).toString('hex')}`,
    customerId,
    consultantId: 'bob',
    departmentId: 'D-WEST',
    region: 'South',
    eventId: null,
    lines: [
      { product: 'Chiller X2', quantity: 1, unitPrice: money(100_000), amount: money(100_000) },
      { product: 'Filter F1', quantity: 2, unitPrice: money(5_000), amount: money(10_000) },
    ],
    amount: money(110_000),
    deliveredAt: '2025-03-01T08:00:00Z',
    ...overrides,
  };
}
