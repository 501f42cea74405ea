// End to end for the surveys' closed loop through the gateway: a REPAIR ticket resolved → the after-service survey
// request → a dissatisfied answer → the follow-up ticket the service desk opens for the repair's first responder →
// resolved and closed → the response shows the loop closed, with when and by whom.
import { DEV_JWT_SECRET } from '@crm/auth';
import { ownIdOf } from '@crm/contracts';
import { eventually } from '@crm/testing';
import { call, callWhenKnown, demoConsultants, demoDepartments, demoTokens } from '../platform/demo-data';
import { seedSurveysLoop } from '../platform/demo-surveys-loop';
import type { RunningPlatform } from '../platform/platform';
import { startE2ePlatform } from './e2e-platform';

jest.setTimeout(240_000);

const USER_ERRORS = 'userErrors { field code message }';
const SERVICE_ITEMS = ['APPOINTMENT_TIMELINESS', 'STAFF_ATTITUDE', 'STAFF_TECHNICAL_ABILITY', 'SERVICE_MATTERS', 'OTHER_NEEDS'];
const FOLLOW_UP = `query($id: ID!) { surveyResponse(id: $id) { id followUp { state ticketStatus openedAt closedAt closedBy { id } firstResponder { id } overdue
  ticket { id type matter firstResponder { id } assigneeId surveyResponse { id } } } } }`;

describe('surveys through the gateway: the closed loop', () => {
  let platform: RunningPlatform;
  let url: string;
  let tokens: Record<string, string>;
  let customerId: string;

  beforeAll(async () => {
    platform = await startE2ePlatform({ jwtSecret: DEV_JWT_SECRET });
    url = platform.gateway.graphqlUrl;
    tokens = await demoTokens(DEV_JWT_SECRET);
    const gm = tokens.generalManager;
    for (const department of demoDepartments) await call(url, `mutation($i: UpsertDepartmentInput!) { upsertDepartment(input: $i) { department { id } ${USER_ERRORS} } }`, { i: department }, gm);
    for (const consultant of demoConsultants) await call(url, `mutation($i: UpsertConsultantInput!) { upsertConsultant(input: $i) { consultant { id } ${USER_ERRORS} } }`, { i: consultant }, gm);
    const created = await call(url, `mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } ${USER_ERRORS} } }`, { i: { name: 'Surveys loop customer', kind: 'ORGANISATION', listType: 'ENTERPRISE', ownerId: demoConsultants[0].id } }, gm);
    customerId = created.createCustomer.customer.id;
  });

  afterAll(() => platform?.stop());

  it('resolves a repair ticket, surveys it, opens and closes the follow-up for its first responder, and shows the loop closed', async () => {
    const agent = tokens.serviceAgent;
    const opened = await callWhenKnown(
      url,
      `mutation($i: OpenTicketInput!) { openTicket(input: $i) { ticket { id } ${USER_ERRORS} } }`,
      { i: { customerId, type: 'REPAIR', channel: 'PHONE', severity: 'MEDIUM', matter: 'The chiller is leaking', complainant: { name: 'Mr Li' } } },
      agent,
    );
    const repairId = opened.openTicket.ticket.id;
    await call(url, `mutation($i: ResolveAtOnceInput!) { resolveAtOnce(input: $i) { ticket { id } ${USER_ERRORS} } }`, { i: { id: repairId, resolution: 'Seal replaced on site' } }, agent);

    // surveys dispatches the after-service questionnaire for the repair, counting for its first responder.
    const request = await eventually(async () => {
      const res = await call(url, 'query($c: ID!) { customer(id: $c) { surveyRequests { id state template sourceReference attribution { consultantId } sourceTicketFirstResponder { id } } } }', { c: customerId }, tokens.generalManager);
      const found = res.customer.surveyRequests.find((r: { sourceReference: string }) => r.sourceReference === ownIdOf(repairId));
      if (!found) throw new Error('no survey request for the repair yet');
      return found;
    }, 60_000);
    expect(request).toMatchObject({ state: 'PENDING', template: 'AFTER_SERVICE', attribution: { consultantId: 'agent-he' }, sourceTicketFirstResponder: { id: 'agent-he' } });

    // The customer is dissatisfied with the staff's attitude.
    const answers = SERVICE_ITEMS.map((item) => ({ item, level: item === 'STAFF_ATTITUDE' ? 'DISSATISFIED' : 'SATISFIED', comment: item === 'STAFF_ATTITUDE' ? 'Nobody called back' : null }));
    const recorded = await call(
      url,
      `mutation($i: RecordSurveyResponseInput!) { recordSurveyResponse(input: $i) { surveyResponse { id needsFollowUp followUp { state } } ${USER_ERRORS} } }`,
      { i: { requestId: request.id, respondedAt: new Date(Date.now() - 60_000).toISOString(), answers } },
      tokens.archiveKeeper,
    );
    const response = recorded.recordSurveyResponse.surveyResponse;
    expect(response.needsFollowUp).toBe(true);

    // The service desk opens the follow-up for the repair's first responder; surveys shows it open.
    const open = await eventually(async () => {
      const res = await call(url, FOLLOW_UP, { id: response.id }, tokens.generalManager);
      if (res.surveyResponse.followUp.state === 'AWAITING_TICKET') throw new Error('no follow-up ticket yet');
      return res.surveyResponse.followUp;
    }, 60_000);
    expect(open).toMatchObject({ state: 'OPEN', ticketStatus: 'RECEIVED', closedAt: null, closedBy: null, firstResponder: { id: 'agent-he' }, overdue: false });
    expect(open.ticket).toMatchObject({ type: 'COMPLAINT', firstResponder: { id: 'agent-he' }, assigneeId: 'agent-he', surveyResponse: { id: response.id } });
    expect(open.ticket.matter).toContain(`response ${ownIdOf(response.id)}, sent after ticket ${ownIdOf(repairId)}`);
    expect(open.ticket.matter).toContain('dissatisfied — "Nobody called back"');
    const followUpTicket = open.ticket.id;
    // The service desk lists it as the response's follow-up: one ticket, however the event was delivered.
    const listed = await call(url, 'query($c: ID!) { customer(id: $c) { tickets { id type surveyResponse { id } } } }', { c: customerId }, tokens.generalManager);
    expect(listed.customer.tickets.filter((t: { surveyResponse: { id: string } | null }) => t.surveyResponse?.id === response.id)).toEqual([{ id: followUpTicket, type: 'COMPLAINT', surveyResponse: { id: response.id } }]);

    // The first responder calls the customer back, resolves and closes the follow-up.
    await call(url, `mutation($i: ResolveAtOnceInput!) { resolveAtOnce(input: $i) { ticket { id } ${USER_ERRORS} } }`, { i: { id: followUpTicket, resolution: 'Called the customer, apologised, arranged a check' } }, agent);
    await call(url, `mutation($i: ConfirmCustomerSatisfactionInput!) { confirmCustomerSatisfaction(input: $i) { ticket { id } ${USER_ERRORS} } }`, { i: { id: followUpTicket, note: 'Satisfied with the call' } }, agent);
    const closedTicket = await call(url, `mutation($i: CloseTicketInput!) { closeTicket(input: $i) { ticket { id closedAt } ${USER_ERRORS} } }`, { i: { id: followUpTicket } }, agent);

    const closed = await eventually(async () => {
      const res = await call(url, FOLLOW_UP, { id: response.id }, tokens.generalManager);
      if (res.surveyResponse.followUp.state !== 'CLOSED') throw new Error('loop not closed yet');
      return res.surveyResponse.followUp;
    }, 60_000);
    expect(closed).toMatchObject({ state: 'CLOSED', ticketStatus: 'CLOSED', closedBy: { id: 'agent-he' }, closedAt: closedTicket.closeTicket.ticket.closedAt, overdue: false });
    const overdue = await call(url, '{ overdueSurveyFollowUps { id } }', {}, tokens.generalManager);
    expect(overdue.overdueSurveyFollowUps).not.toContainEqual({ id: response.id });

    // The follow-up's own resolve is not surveyed again.
    const skipped = await eventually(async () => {
      const res = await call(url, 'query($c: ID!) { customer(id: $c) { surveyRequests { state sourceReference skip { reason } } } }', { c: customerId }, tokens.generalManager);
      const found = res.customer.surveyRequests.find((r: { sourceReference: string }) => r.sourceReference === ownIdOf(followUpTicket));
      if (!found) throw new Error('the follow-up resolve not seen by surveys yet');
      return found;
    }, 60_000);
    expect(skipped).toMatchObject({ state: 'SKIPPED', skip: { reason: 'FOLLOW_UP_TICKET' } });
  });

  it('seeds the demo’s two loops: one closed, one open with its first responder', async () => {
    const lines: string[] = [];
    await seedSurveysLoop(url, tokens, (line) => lines.push(line));
    expect(lines).toEqual([expect.stringMatching(/^surveys: closed loop for Jinling Cold Chain .* by agent-he$/), 'surveys: open loop for Baiyun Dairy (surveys loop, open): follow-up ticket RECEIVED with tech-qian']);
    const open = await call(url, '{ tickets(filter: {assigneeId: "tech-qian", type: COMPLAINT}) { edges { node { status surveyResponse { id } } } } }', {}, tokens.generalManager);
    expect(open.tickets.edges).toEqual([{ node: { status: 'RECEIVED', surveyResponse: { id: expect.any(String) } } }]);
  });
});
