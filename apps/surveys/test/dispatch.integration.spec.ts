import { orderDeliveredV1, streamFor, surveyResponseRecordedV1 } from '@crm/contracts';
import { fixedClock, type RunningService } from '@crm/kernel';
import { announceCustomer, eventsAboutCustomer, eventsOnStream, graphql, testServiceEnv, tokenFor } from '@crm/testing';
import { surveysService } from '../src/surveys.service';
import { closeTicket, deliveredOrder, maintenanceVisit, publishEvent, newId, openTicket, publishVisit, republish, resolveTicket, waitFor } from './surveys-fixture';

const REQUEST = 'id state template templateVersion source sourceReference dueAt skip { reason note throttledBy } attribution { consultantId departmentId region products } sourceTicketFirstResponder { id } requestedBy { id kind } responseId questionnaire { version }';
const REQUESTS_OF = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { surveyRequests { ${REQUEST} } } } }`;
const RECORD = `mutation($i: RecordSurveyResponseInput!) { recordSurveyResponse(input: $i) { surveyResponse { id requestId sourceTicketId attribution { consultantId departmentId products } followUp { id state ticketStatus overdue dueAt closedAt closedBy { id } firstResponder { id } ticket { id } } } userErrors { field code message } } }`;
const RESPONSE = `query($id: ID!) { surveyResponse(id: $id) { followUp { state ticketStatus overdue closedAt closedBy { id } firstResponder { id } ticket { id } } } }`;
const OVERDUE = `{ overdueSurveyFollowUps { id } }`;
const PLAN = `mutation($i: PlanMysteryCheckInput!) { planMysteryCheck(input: $i) { surveyRequest { ${REQUEST} note } userErrors { field code message } } }`;

const visitAnswers = (level = 'SATISFIED') => ['PRICE', 'DESIGN_QUALITY', 'COMPETITOR_COMPARISON', 'AFTER_SALES_SERVICE', 'OTHER_NEEDS'].map((item) => ({ item, level }));
const serviceAnswers = (levels: string[]) => ['APPOINTMENT_TIMELINESS', 'STAFF_ATTITUDE', 'STAFF_TECHNICAL_ABILITY', 'SERVICE_MATTERS', 'OTHER_NEEDS'].map((item, i) => ({ item, level: levels[i], comment: i === 1 ? 'Rude on the phone' : null }));

jest.setTimeout(120_000);

describe('surveys: requests dispatched from events, throttled, answered, and the follow-up loop', () => {
  const clock = fixedClock('2025-03-01T12:00:00Z');
  let service: RunningService;
  let agent: string;
  let marketing: string;
  let consultant: string;
  let partner: string;
  const requests = () => service.connection.collection('survey_requests');

  beforeAll(async () => {
    service = await surveysService.start({ env: testServiceEnv('surveys', { SURVEYS_FATIGUE_WINDOW_DAYS: '30', SURVEYS_FOLLOW_UP_SLA_HOURS: '48' }), clock });
    agent = await tokenFor({ sub: 'agent-1', roles: ['service_agent'] });
    marketing = await tokenFor({ sub: 'mkt-1', roles: ['marketing'] });
    consultant = await tokenFor({ sub: 'alice', roles: ['consultant'], department_id: 'D-EAST' });
    partner = await tokenFor({ sub: 'portal', roles: ['partner'], partner_id: 'P-1' });
  });
  afterAll(() => service.stop());
  beforeEach(() => clock.set('2025-03-01T12:00:00Z'));

  const requestsOf = async (customerId: string, token = agent) => {
    const res = await graphql(service.url, REQUESTS_OF, { r: [{ __typename: 'Customer', id: customerId }] }, token);
    expect(res.errors).toBeUndefined();
    return res.data!._entities[0].surveyRequests;
  };

  it('sends the visit questionnaire after a maintenance visit, once per event however often it is delivered, and skips a second survey within the fatigue window', async () => {
    const customerId = await announceCustomer(service, { owner: 'alice', department: 'D-EAST' });
    const visit = maintenanceVisit(customerId);
    const event = await publishVisit(service, visit);
    await waitFor(service, 'survey_requests', { customerId });
    await republish(service, 'engagement', event);
    // A sales visit is not surveyed.
    const sales = await publishVisit(service, maintenanceVisit(customerId, { kind: 'SALES' }));
    // A second maintenance visit ten days later, inside the 30-day window.
    clock.set('2025-03-11T12:00:00Z');
    const later = maintenanceVisit(customerId, { staffId: 'tech-2' });
    await publishVisit(service, later);
    await waitFor(service, 'survey_requests', { customerId }, 2);
    // Let the replay and the sales visit be handled too: the processed markers of their durables say so.
    await waitFor(service, 'processed_events', { _id: { $regex: `^surveys-dispatch-visit-reported.*:${sales.id}$` } });

    const list = await requestsOf(customerId);
    expect(list).toHaveLength(2);
    const [second, first] = list;
    expect(first).toMatchObject({
      state: 'PENDING',
      template: 'VISIT',
      templateVersion: 1,
      source: 'MAINTENANCE_VISIT',
      sourceReference: visit.visitId,
      dueAt: '2025-03-15T12:00:00.000Z',
      skip: null,
      attribution: { consultantId: 'tech-1', departmentId: 'D-EAST', region: null, products: ['Chiller X2'] },
      requestedBy: { id: 'engagement-app', kind: 'STAFF_MEMBER' },
      questionnaire: { version: 1 },
    });
    expect(second).toMatchObject({ state: 'SKIPPED', sourceReference: later.visitId, skip: { reason: 'FATIGUE', throttledBy: first.id }, attribution: { consultantId: 'tech-2' } });
    expect(second.skip.note).toContain('at most one survey per 30 days');
    // Exactly one window after the first request, the customer may be asked again.
    clock.set('2025-03-31T12:00:00Z');
    await publishVisit(service, maintenanceVisit(customerId));
    const [third] = await waitFor(service, 'survey_requests', { customerId, state: 'PENDING', createdAt: new Date('2025-03-31T12:00:00Z') });
    expect(third.skipReason).toBeNull();
  });

  it('sends the after-service questionnaire for a resolved ticket of any type, counting for its first responder, and closes the loop when the follow-up ticket closes', async () => {
    const customerId = await announceCustomer(service, { owner: 'alice', department: 'D-EAST' });
    const ticketId = newId();
    // A repair: the resolve names its first responder, nothing else about the ticket is needed.
    const resolved = await resolveTicket(service, ticketId, customerId, 'agent-7', { type: 'REPAIR', resolvedBy: 'tech-3' });
    const [request] = await waitFor(service, 'survey_requests', { customerId, source: 'TICKET_RESOLVED' });
    expect(request).toMatchObject({ template: 'AFTER_SERVICE', sourceReference: ticketId, sourceTicketFirstResponderId: 'agent-7', attribution: { consultantId: 'agent-7', departmentId: 'D-EAST' } });
    await republish(service, 'service-desk', resolved);

    // The customer answers dissatisfied with the staff's attitude.
    const answered = await graphql(service.url, RECORD, { i: { requestId: String(request._id), respondedAt: '2025-03-01T11:00:00Z', answers: serviceAnswers(['SATISFIED', 'DISSATISFIED', 'FAIRLY_SATISFIED', 'SATISFIED', 'SATISFIED']) } }, agent);
    expect(answered.data!.recordSurveyResponse.userErrors).toEqual([]);
    const response = answered.data!.recordSurveyResponse.surveyResponse;
    expect(response).toMatchObject({ requestId: String(request._id), sourceTicketId: ticketId, attribution: { consultantId: 'agent-7', departmentId: 'D-EAST' } });
    expect(response.followUp).toEqual({ id: `${response.id}:follow-up`, state: 'AWAITING_TICKET', ticketStatus: null, overdue: false, dueAt: '2025-03-03T12:00:00.000Z', closedAt: null, closedBy: null, firstResponder: null, ticket: null });
    const [stored] = await waitFor(service, 'survey_requests', { _id: request._id, state: 'ANSWERED' });
    expect(String(stored.responseId)).toBe(response.id);
    expect(await requests().countDocuments({ customerId, source: 'TICKET_RESOLVED' })).toBe(1);

    // What the service desk reads to open the follow-up: the survey, the items with their comments, and who it goes to.
    await service.flushOutbox();
    const [recorded] = await eventsOnStream(service.bus.jsm, streamFor('surveys').name, surveyResponseRecordedV1.type, response.id);
    expect(recorded.data).toMatchObject({ requestId: String(request._id), template: 'AFTER_SERVICE', templateVersion: 1, dissatisfiedItems: ['STAFF_ATTITUDE'], followUp: { sourceTicketId: ticketId, assigneeId: 'agent-7', dueAt: '2025-03-03T12:00:00.000Z' } });
    expect(recorded.data.answers[1]).toEqual({ item: 'STAFF_ATTITUDE', question: 'How satisfied are you with our staff’s attitude?', level: 'DISSATISFIED', comment: 'Rude on the phone' });

    // Answering the same request again is a conflict and writes nothing.
    const twice = await graphql(service.url, RECORD, { i: { requestId: String(request._id), respondedAt: '2025-03-01T11:00:00Z', answers: serviceAnswers(Array(5).fill('SATISFIED')) } }, agent);
    expect(twice.data!.recordSurveyResponse).toEqual({ surveyResponse: null, userErrors: [expect.objectContaining({ code: 'CONFLICT', field: null })] });

    // Unhandled past its SLA: visible as overdue.
    clock.set('2025-03-03T12:00:01Z');
    expect((await graphql(service.url, OVERDUE, {}, agent)).data!.overdueSurveyFollowUps).toContainEqual({ id: response.id });
    // The service desk opens the follow-up for the first responder, and closes it.
    const followUpTicket = newId();
    await openTicket(service, followUpTicket, customerId, 'agent-7', { type: 'COMPLAINT', surveyResponseId: response.id });
    await waitFor(service, 'service_desk_tickets', { _id: followUpTicket, surveyResponseId: response.id });
    const open = await graphql(service.url, RESPONSE, { id: response.id }, agent);
    expect(open.data!.surveyResponse.followUp).toMatchObject({ state: 'OPEN', ticketStatus: 'RECEIVED', overdue: true, ticket: { id: followUpTicket }, firstResponder: { id: 'agent-7' } });
    await closeTicket(service, followUpTicket, customerId, 'agent-7', { type: 'COMPLAINT', surveyResponseId: response.id });
    await waitFor(service, 'service_desk_tickets', { _id: followUpTicket, status: 'CLOSED' });
    await waitFor(service, 'survey_responses', { followUpClosedAt: new Date('2025-03-05T09:00:00.000Z') });
    const closed = await graphql(service.url, RESPONSE, { id: response.id }, agent);
    expect(closed.data!.surveyResponse.followUp).toEqual({ state: 'CLOSED', ticketStatus: 'CLOSED', overdue: false, closedAt: '2025-03-05T09:00:00.000Z', closedBy: { id: 'agent-7' }, firstResponder: { id: 'agent-7' }, ticket: { id: followUpTicket } });
    expect((await graphql(service.url, OVERDUE, {}, agent)).data!.overdueSurveyFollowUps).not.toContainEqual({ id: response.id });

    // The follow-up ticket's own resolve is not surveyed (the customer would be asked about being asked).
    await resolveTicket(service, followUpTicket, customerId, 'agent-7', { type: 'COMPLAINT', surveyResponseId: response.id });
    const [skipped] = await waitFor(service, 'survey_requests', { sourceReference: followUpTicket });
    expect(skipped).toMatchObject({ state: 'SKIPPED', skipReason: 'FOLLOW_UP_TICKET' });
  });

  it('closes the loop from the follow-up ticket’s close alone (its opened event not arrived yet): every ticket event names the response and first responder', async () => {
    const customerId = await announceCustomer(service, { owner: 'alice', department: 'D-EAST' });
    const ticketId = newId();
    await resolveTicket(service, ticketId, customerId, 'tech-3', { type: 'SERVICE_REQUEST' });
    const [request] = await waitFor(service, 'survey_requests', { customerId, source: 'TICKET_RESOLVED' });
    expect(request).toMatchObject({ template: 'AFTER_SERVICE', sourceReference: ticketId, sourceTicketFirstResponderId: 'tech-3' });
    const answered = await graphql(service.url, RECORD, { i: { requestId: String(request._id), respondedAt: '2025-03-01T11:00:00Z', answers: serviceAnswers(['SATISFIED', 'NOT_VERY_SATISFIED', 'SATISFIED', 'SATISFIED', 'SATISFIED']) } }, agent);
    const response = answered.data!.recordSurveyResponse.surveyResponse;
    const followUpTicket = newId();
    await closeTicket(service, followUpTicket, customerId, 'tech-4', { type: 'COMPLAINT', surveyResponseId: response.id, firstResponderId: 'tech-3', at: '2025-03-04T09:00:00.000Z' });
    await waitFor(service, 'survey_responses', { followUpClosedAt: new Date('2025-03-04T09:00:00.000Z') });
    const closed = await graphql(service.url, RESPONSE, { id: response.id }, agent);
    expect(closed.data!.surveyResponse.followUp).toMatchObject({ state: 'CLOSED', ticketStatus: 'CLOSED', closedBy: { id: 'tech-4' }, firstResponder: { id: 'tech-3' }, ticket: { id: followUpTicket } });
    // The late opened event does not roll the status back.
    const lateOpened = await openTicket(service, followUpTicket, customerId, 'tech-3', { type: 'COMPLAINT', surveyResponseId: response.id });
    await waitFor(service, 'processed_events', { _id: { $regex: `^surveys-ticket-copies-ticket-opened.*:${lateOpened.id}$` } });
    expect((await graphql(service.url, RESPONSE, { id: response.id }, agent)).data!.surveyResponse.followUp).toMatchObject({ state: 'CLOSED', ticketStatus: 'CLOSED' });
  });

  it('sends the after-sale questionnaire for a delivered order, attributed to the order’s consultant, department, region and products, once per event', async () => {
    const customerId = await announceCustomer(service, { owner: 'alice', department: 'D-EAST' });
    const order = deliveredOrder(customerId);
    const event = await publishEvent(service, orderDeliveredV1, order.orderId, order, 'credit-app');
    await waitFor(service, 'survey_requests', { customerId });
    await republish(service, 'credit', event);
    await waitFor(service, 'processed_events', { _id: { $regex: `^surveys-dispatch-order-delivered.*:${event.id}$` } });
    const list = await requestsOf(customerId);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      state: 'PENDING',
      template: 'AFTER_SALE',
      source: 'ORDER_DELIVERED',
      sourceReference: order.orderId,
      attribution: { consultantId: 'bob', departmentId: 'D-WEST', region: 'South', products: ['Chiller X2', 'Filter F1'] },
    });
    // The answer counts for the order's consultant and products, whatever the recorder sends.
    const answers = ['PRICE', 'PERFORMANCE', 'DESIGN', 'APPEARANCE_PACKAGING', 'COMPETITOR_COMPARISON', 'AFTER_SALES_SERVICE', 'OTHER_NEEDS'].map((item) => ({ item, level: 'SATISFIED' }));
    const res = await graphql(service.url, RECORD, { i: { requestId: list[0].id, customerId, template: 'AFTER_SALE', respondedAt: '2025-03-01T11:00:00Z', answers } }, agent);
    expect(res.data!.recordSurveyResponse.surveyResponse).toMatchObject({ attribution: { consultantId: 'bob', departmentId: 'D-WEST', products: ['Chiller X2', 'Filter F1'] }, followUp: null });
    const wrong = await graphql(service.url, RECORD, { i: { requestId: list[0].id, template: 'VISIT', respondedAt: '2025-03-01T11:00:00Z', answers } }, agent);
    expect(wrong.data!.recordSurveyResponse.userErrors[0]).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'template'] });
  });

  it('plans a mystery check by hand, never throttled, and lists every problem of a bad plan without writing', async () => {
    const customerId = await announceCustomer(service, { owner: 'alice', department: 'D-EAST' });
    await publishVisit(service, maintenanceVisit(customerId));
    await waitFor(service, 'survey_requests', { customerId });
    const planned = await graphql(service.url, PLAN, { i: { customerId, template: 'AFTER_SALE', note: 'Check the new showroom' } }, marketing);
    expect(planned.data!.planMysteryCheck.userErrors).toEqual([]);
    expect(planned.data!.planMysteryCheck.surveyRequest).toMatchObject({ state: 'PENDING', source: 'MYSTERY_CHECK', template: 'AFTER_SALE', note: 'Check the new showroom', attribution: { consultantId: 'alice', departmentId: 'D-EAST' }, requestedBy: { id: 'mkt-1' } });

    const before = await requests().countDocuments();
    const bad = await graphql(service.url, PLAN, { i: { customerId: newId(), template: 'VISIT', dueAt: '2025-02-01T00:00:00Z', note: 'x'.repeat(2001) } }, marketing);
    expect(bad.data!.planMysteryCheck.surveyRequest).toBeNull();
    expect(bad.data!.planMysteryCheck.userErrors.map((e: { field: string[] }) => e.field.join('.'))).toEqual(['input.note']);
    const twoProblems = await graphql(service.url, PLAN, { i: { customerId: newId(), template: 'VISIT', dueAt: '2025-02-01T00:00:00Z' } }, marketing);
    expect(twoProblems.data!.planMysteryCheck.userErrors).toEqual([
      { code: 'BAD_USER_INPUT', field: ['input', 'dueAt'], message: 'must be in the future' },
      { code: 'BAD_USER_INPUT', field: ['input', 'customerId'], message: 'no such customer' },
    ]);
    expect(await requests().countDocuments()).toBe(before);
    for (const token of [consultant, agent, partner]) expect((await graphql(service.url, PLAN, { i: { customerId, template: 'VISIT' } }, token)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('answers a bad answer to a request with one user error per problem, no response and no event', async () => {
    const customerId = await announceCustomer(service);
    const before = await service.connection.collection('survey_responses').countDocuments();
    const res = await graphql(service.url, RECORD, { i: { requestId: newId(), customerId, respondedAt: '2030-01-01T00:00:00Z', answers: visitAnswers() } }, agent);
    expect(res.data!.recordSurveyResponse.surveyResponse).toBeNull();
    expect(res.data!.recordSurveyResponse.userErrors.map((e: { field: string[]; code: string }) => [e.code, e.field.join('.')])).toEqual([
      ['BAD_USER_INPUT', 'input.respondedAt'],
      ['BAD_USER_INPUT', 'input.requestId'],
    ]);
    const noCustomer = await graphql(service.url, RECORD, { i: { customerId: newId(), template: 'VISIT', respondedAt: '2030-01-01T00:00:00Z', answers: visitAnswers().slice(1) } }, agent);
    expect(noCustomer.data!.recordSurveyResponse.userErrors.map((e: { field: string[] }) => e.field.join('.'))).toEqual(['input.respondedAt', 'input.customerId', 'input.answers']);
    expect(await service.connection.collection('survey_responses').countDocuments()).toBe(before);
    await service.flushOutbox();
    expect(await eventsAboutCustomer(service.bus.jsm, streamFor('surveys').name, customerId)).toEqual([]);
  });

  it('shows partners no requests', async () => {
    const customerId = await announceCustomer(service);
    await publishVisit(service, maintenanceVisit(customerId));
    await waitFor(service, 'survey_requests', { customerId });
    expect(await requestsOf(customerId, partner)).toEqual([]);
    expect((await graphql(service.url, '{ surveyRequests { id } }', {}, partner)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
