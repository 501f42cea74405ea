import { complaintOpenedV1, complaintResolvedV1, customerCreatedV1, streamFor, surveyResponseRecordedV1, ticketClosedV1, ticketOpenedV1, ticketResolvedV1, type EventData } from '@crm/contracts';
import { createEvent, encodeEvent, ensureStream, type CloudEvent } from '@crm/events';
import type { RunningService } from '@crm/kernel';
import { eventually, PROJECTION_WAIT_MS } from '@crm/testing';
import { Types } from 'mongoose';
import { randomBytes } from 'node:crypto';
import { act, announceCustomer, complaint, cst, ok, openTicket, published, startServiceDesk, tokens, type TestClock } from './service-desk-fixture';

// In-process service against real MongoDB-wire and NATS servers.
jest.setTimeout(60_000);

type Recorded = EventData<typeof surveyResponseRecordedV1>;

/** A response surveys recorded, as it publishes it: dissatisfied with the staff's attitude, after ticket `sourceTicketId`. */
function dissatisfiedResponse(customerId: string, overrides: Partial<Recorded> = {}): Recorded {
  return {
    responseId: new Types.ObjectId().toHexString(),
    customerId,
    template: 'AFTER_SERVICE',
    consultantId: 'tech-2',
    score: 3.8,
    dissatisfiedItems: ['STAFF_ATTITUDE'],
    respondedAt: cst('2024-09-23T08:00:00').toISOString(),
    templateVersion: 1,
    requestId: new Types.ObjectId().toHexString(),
    departmentId: 'D-EAST',
    answers: [
      { item: 'APPOINTMENT_TIMELINESS', question: 'Did we keep the appointment?', level: 'SATISFIED', comment: null },
      { item: 'STAFF_ATTITUDE', question: 'How was our staff’s attitude?', level: 'DISSATISFIED', comment: 'Nobody called back' },
      { item: 'OTHER_NEEDS', question: 'Anything else?', level: 'FAIRLY_SATISFIED', comment: null },
    ],
    followUp: { sourceTicketId: 'T-SOURCE', assigneeId: 'tech-2', dueAt: cst('2024-09-25T09:00:00').toISOString() },
    ...overrides,
  };
}

/** Publish surveys' event on surveys' real stream; a second call with the same event is a replay (same event id, new message id). */
async function publishSurveyEvent(service: RunningService, event: CloudEvent): Promise<void> {
  await ensureStream(service.bus.jsm, streamFor('surveys'));
  await service.bus.js.publish(event.type, encodeEvent(event), { msgID: `${event.id}:${randomBytes(4).toString('hex')}` });
}

const recordedEvent = (data: Recorded) =>
  createEvent(surveyResponseRecordedV1, { subject: data.responseId, actor: { userId: 'archive-keeper', roles: ['service_agent'] }, data, time: cst('2024-09-23T09:00:00') });

const ticketsOf = (service: RunningService, responseId: string) => service.connection.collection('tickets').find({ surveyResponseId: responseId }).toArray();

function waitForTicketOf(service: RunningService, responseId: string) {
  return eventually(async () => {
    const found = await ticketsOf(service, responseId);
    if (found.length === 0) throw new Error(`no follow-up ticket for ${responseId} yet`);
    return found;
  }, PROJECTION_WAIT_MS);
}

const TICKET = `query($id: ID!) { ticket(id: $id) { id type status severity channel matter complainant { name } firstResponder { id } assigneeId openedAt promisedReplyBy
  surveyResponse { id } sla { importance } history { kind actor { id kind } } } }`;

describe('service-desk: follow-up tickets from survey responses', () => {
  let service: RunningService;
  let clock: TestClock;
  let agent: string;
  beforeAll(async () => {
    // Monday 23 September 2024, 10:00 in Shanghai.
    ({ service, clock } = await startServiceDesk(cst('2024-09-23T10:00:00')));
    agent = await tokens.agent();
  });
  afterAll(() => service.stop());
  beforeEach(() => clock.set(cst('2024-09-23T10:00:00')));

  it('opens one complaint per dissatisfied response for the source ticket’s first responder, naming the survey; a replay or a second delivery opens nothing', async () => {
    const customerId = await announceCustomer(service, { importance: 'KEY' });
    const data = dissatisfiedResponse(customerId);
    const event = recordedEvent(data);
    await publishSurveyEvent(service, event);
    const [stored] = await waitForTicketOf(service, data.responseId);
    const id = String(stored._id);

    const { ticket } = await ok(service, TICKET, { id }, await tokens.gm());
    expect(ticket).toMatchObject({
      type: 'COMPLAINT',
      status: 'RECEIVED',
      severity: 'MEDIUM',
      channel: 'ONLINE',
      complainant: { name: expect.stringMatching(/^Customer /) },
      firstResponder: { id: 'tech-2' },
      assigneeId: 'tech-2',
      surveyResponse: { id: data.responseId },
      sla: { importance: 'KEY' },
      history: [{ kind: 'OPENED', actor: { id: 'system:survey-follow-up', kind: 'SYSTEM' } }],
    });
    // Received when surveys recorded it; MEDIUM × KEY under the default policy: 2 working hours to answer.
    expect(ticket.openedAt).toBe(cst('2024-09-23T09:00:00').toISOString());
    expect(ticket.promisedReplyBy).toBe(cst('2024-09-23T11:00:00').toISOString());
    expect(ticket.matter).toContain(`AFTER_SERVICE v1 questionnaire, response ${data.responseId}, sent after ticket T-SOURCE`);
    expect(ticket.matter).toContain('- How was our staff’s attitude? [STAFF_ATTITUDE]: dissatisfied — "Nobody called back"');
    expect(ticket.matter).not.toContain('APPOINTMENT_TIMELINESS');

    // Both streams name the response: the complaint stream and the ticket lifecycle.
    const complaintOpened = await published(service, complaintOpenedV1.type, id);
    const ticketOpened = await published(service, ticketOpenedV1.type, id);
    expect(complaintOpened).toHaveLength(1);
    expect(complaintOpened[0]).toMatchObject({ actorid: 'system:survey-follow-up', data: { surveyResponseId: data.responseId, firstResponderId: 'tech-2' } });
    expect(ticketOpened).toEqual([expect.objectContaining({ data: expect.objectContaining({ type: 'COMPLAINT', surveyResponseId: data.responseId, firstResponderId: 'tech-2', departmentId: 'D-EAST' }) })]);

    // The same event again (a replay) and the same response in a new event (surveys republished it): still one ticket.
    await publishSurveyEvent(service, event);
    await publishSurveyEvent(service, recordedEvent(data));
    // A later response proves the consumer went past both.
    const later = dissatisfiedResponse(customerId);
    await publishSurveyEvent(service, recordedEvent(later));
    await waitForTicketOf(service, later.responseId);
    expect(await ticketsOf(service, data.responseId)).toHaveLength(1);
    expect(await published(service, complaintOpenedV1.type, id)).toHaveLength(1);
  });

  it('gives the follow-up to the customer’s owner when the survey names nobody, and opens nothing for a satisfied response', async () => {
    const customerId = await announceCustomer(service, { owner: 'bob' });
    const satisfied = dissatisfiedResponse(customerId, { dissatisfiedItems: [], followUp: null, answers: [] });
    const notVery = dissatisfiedResponse(customerId, {
      followUp: { sourceTicketId: null, assigneeId: null, dueAt: cst('2024-09-25T09:00:00').toISOString() },
      answers: [{ item: 'STAFF_ATTITUDE', question: 'How was our staff’s attitude?', level: 'NOT_VERY_SATISFIED', comment: null }],
    });
    await publishSurveyEvent(service, recordedEvent(satisfied));
    await publishSurveyEvent(service, recordedEvent(notVery));
    const [stored] = await waitForTicketOf(service, notVery.responseId);
    expect(stored).toMatchObject({ firstResponderId: 'bob', assigneeId: 'bob', severity: 'LOW', type: 'COMPLAINT' });
    expect(stored.matter).not.toContain('sent after ticket');
    expect(await ticketsOf(service, satisfied.responseId)).toHaveLength(0);
  });

  it('retries a response for a customer it does not know yet, and opens the ticket once accounts announced the customer', async () => {
    const customerId = new Types.ObjectId().toHexString();
    const data = dissatisfiedResponse(customerId);
    await publishSurveyEvent(service, recordedEvent(data));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await ticketsOf(service, data.responseId)).toHaveLength(0);
    // accounts' announcement arrives: the retried delivery opens the ticket.
    const customer = { id: customerId, name: 'Late customer', kind: 'ORGANISATION' as const, lifecycle: 'ACTIVE', ownerConsultantId: 'alice', departmentId: 'D-EAST', region: null };
    const created = createEvent(customerCreatedV1, { subject: customerId, actor: { userId: 'alice', roles: ['consultant'] }, data: { customer } });
    await ensureStream(service.bus.jsm, streamFor('accounts'));
    await service.bus.js.publish(created.type, encodeEvent(created), { msgID: created.id });
    const tickets = await waitForTicketOf(service, data.responseId);
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatchObject({ complainant: { name: 'Late customer' }, firstResponderId: 'tech-2' });
  });

  it('publishes the ticket lifecycle for a REPAIR ticket (opened, resolved, closed) and no complaint event', async () => {
    const customerId = await announceCustomer(service);
    const ticket = await openTicket(service, complaint(customerId, { type: 'REPAIR', severity: 'MEDIUM', matter: 'The chiller is leaking' }), agent);
    clock.set(cst('2024-09-23T11:00:00'));
    await act(service, 'resolveAtOnce', ticket.id, agent, { resolution: 'Seal replaced on site' });
    await act(service, 'confirmCustomerSatisfaction', ticket.id, agent, { note: 'Satisfied' });
    await act(service, 'closeTicket', ticket.id, agent);

    const common = { ticketId: ticket.id, customerId, type: 'REPAIR', severity: 'MEDIUM', firstResponderId: 'agent-7', departmentId: 'D-EAST', surveyResponseId: null };
    expect(await published(service, ticketOpenedV1.type, ticket.id)).toEqual([expect.objectContaining({ actorid: 'agent-7', data: expect.objectContaining({ ...common, status: 'RECEIVED', channel: 'HOTLINE' }) })]);
    const resolved = await published(service, ticketResolvedV1.type, ticket.id);
    expect(resolved).toHaveLength(1);
    expect(resolved[0].data).toEqual({
      ...common,
      status: 'RESOLVED',
      resolvedBy: 'agent-7',
      resolvedAt: cst('2024-09-23T11:00:00').toISOString(),
      resolvedAtOnce: true,
      handlingRound: 1,
      occurredAt: cst('2024-09-23T11:00:00').toISOString(),
    });
    expect(await published(service, ticketClosedV1.type, ticket.id)).toEqual([expect.objectContaining({ data: expect.objectContaining({ ...common, status: 'CLOSED', closedBy: 'agent-7' }) })]);
    expect(await published(service, complaintOpenedV1.type, ticket.id)).toHaveLength(0);
    expect(await published(service, complaintResolvedV1.type, ticket.id)).toHaveLength(0);
  });

  it('publishes the ticket lifecycle next to the complaint stream for a complaint opened by an agent, with no survey response', async () => {
    const customerId = await announceCustomer(service);
    const ticket = await openTicket(service, complaint(customerId), agent);
    const { ticket: read } = await ok(service, 'query($id: ID!) { ticket(id: $id) { surveyResponse { id } } }', { id: ticket.id }, agent);
    expect(read.surveyResponse).toBeNull();
    expect(await published(service, complaintOpenedV1.type, ticket.id)).toEqual([expect.objectContaining({ data: expect.objectContaining({ surveyResponseId: null }) })]);
    expect(await published(service, ticketOpenedV1.type, ticket.id)).toEqual([expect.objectContaining({ data: expect.objectContaining({ type: 'COMPLAINT', surveyResponseId: null }) })]);
  });
});
