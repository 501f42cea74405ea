import {
  customerHandedOverV1,
  complaintClosedV1,
  complaintEscalatedV1,
  complaintOpenedV1,
  complaintReopenedV1,
  complaintResolvedV1,
  complaintTransferredV1,
} from '@crm/contracts';
import { createEvent, encodeEvent } from '@crm/events';
import type { RunningService } from '@crm/kernel';
import { graphql, tokenFor } from '@crm/testing';
import { Types } from 'mongoose';
import { act, announceCustomer, attempt, complaint, cst, ok, openTicket, published, publishedWhere, refusal, startServiceDesk, tokens, USER_ERRORS, type TestClock } from './service-desk-fixture';

const OPEN = `mutation($input: OpenTicketInput!) { openTicket(input: $input) { ticket { id type status firstResponder { id } promisedReplyBy openedAt customer { id } } ${USER_ERRORS} } }`;

// In-process service against real servers; generous under a loaded full run (the suite itself takes seconds).
jest.setTimeout(30_000);

describe('service-desk: tickets', () => {
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

  it('opens a complaint with the caller as first responder, promises a reply in working hours and publishes complaint.opened once', async () => {
    const customerId = await announceCustomer(service);
    const ticket = await openTicket(service, complaint(customerId), agent);
    expect(ticket).toMatchObject({
      type: 'COMPLAINT',
      status: 'RECEIVED',
      firstResponder: { id: 'agent-7', kind: 'STAFF_MEMBER', staffMember: { id: 'agent-7' } },
      assigneeId: 'agent-7',
      assigneeRole: 'FIRST_RESPONDER',
      handlingRound: 1,
      escalationLevel: 'HANDLER',
    });
    expect(ticket.history).toEqual([expect.objectContaining({ kind: 'OPENED', actor: { id: 'agent-7', kind: 'STAFF_MEMBER' } })]);
    // HIGH × GENERAL under the default policy: 2 working hours to answer, 2 working days to resolve.
    expect(ticket.promisedReplyBy).toBe(cst('2024-09-23T12:00:00').toISOString());
    expect(ticket.resolutionDueAt).toBe(cst('2024-09-25T10:00:00').toISOString());
    expect(ticket.sla).toMatchObject({ policyVersion: 1, importance: 'GENERAL', businessHoursOnly: true, firstResponse: { status: 'RUNNING' } });
    // The SLA objects have ids derived from the ticket's, for client caches.
    expect([ticket.sla.id, ticket.sla.firstResponse.id, ticket.sla.resolution.id]).toEqual([`${ticket.id}:sla`, `${ticket.id}:sla:first-response`, `${ticket.id}:sla:resolution`]);
    await service.flushOutbox();
    const events = await published(service, complaintOpenedV1.type, ticket.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'crm.service-desk.complaint.opened',
      source: '/crm/service-desk',
      actorid: 'agent-7',
      data: { ticketId: ticket.id, customerId, status: 'RECEIVED', severity: 'HIGH', occurredAt: ticket.openedAt, promisedReplyBy: ticket.promisedReplyBy, firstResponderId: 'agent-7' },
    });
  });

  it('promises a key customer a faster reply (severity × importance)', async () => {
    const customerId = await announceCustomer(service, { importance: 'KEY' });
    const ticket = await openTicket(service, complaint(customerId), agent);
    expect(ticket.sla.importance).toBe('KEY');
    expect(ticket.promisedReplyBy).toBe(cst('2024-09-23T11:00:00').toISOString());
  });

  it('publishes no complaint event for an inquiry', async () => {
    const customerId = await announceCustomer(service);
    const res = await graphql(service.url, OPEN, { input: complaint(customerId, { type: 'INQUIRY' }) }, agent);
    expect(await published(service, complaintOpenedV1.type, res.data!.openTicket.ticket.id)).toHaveLength(0);
  });

  const openedFor = (customerId: string) => publishedWhere(service, complaintOpenedV1.type, (event) => (event.data as { customerId?: string }).customerId === customerId);

  it('refuses a ticket for a customer accounts never announced with a user error, leaving no ticket and no event', async () => {
    const before = await service.connection.collection('tickets').countDocuments();
    const unknown = new Types.ObjectId().toHexString();
    const res = await graphql(service.url, OPEN, { input: complaint(unknown) }, agent);
    expect(refusal(res, 'openTicket', 'ticket')).toEqual([{ field: ['input', 'customerId'], code: 'BAD_USER_INPUT', message: expect.stringMatching(/no such customer/) }]);
    expect(await service.connection.collection('tickets').countDocuments()).toBe(before);
    expect(await openedFor(unknown)).toEqual([]);
  });

  it('rejects malformed input with a user error at the offending field, writing nothing', async () => {
    const customerId = await announceCustomer(service);
    const before = await service.connection.collection('tickets').countDocuments();
    const blank = await graphql(service.url, OPEN, { input: complaint(customerId, { matter: '   ' }) }, agent);
    expect(refusal(blank, 'openTicket', 'ticket')).toEqual([{ field: ['input', 'matter'], code: 'BAD_USER_INPUT', message: 'is required' }]);
    const future = await graphql(service.url, OPEN, { input: complaint(customerId, { receivedAt: cst('2024-09-23T11:00:00').toISOString() }) }, agent);
    expect(refusal(future, 'openTicket', 'ticket')).toEqual([{ field: ['input', 'receivedAt'], code: 'BAD_USER_INPUT', message: 'cannot be in the future' }]);
    expect(await service.connection.collection('tickets').countDocuments()).toBe(before);
    expect(await openedFor(customerId)).toEqual([]);
  });

  it('lists every problem of an input at once, one user error per problem', async () => {
    const customerId = await announceCustomer(service);
    const before = await service.connection.collection('tickets').countDocuments();
    const shape = await graphql(service.url, OPEN, { input: complaint(customerId, { matter: ' ', complainant: { name: '' }, product: 'x'.repeat(201) }) }, agent);
    expect(refusal(shape, 'openTicket', 'ticket').map((e) => [e.code, e.field])).toEqual([
      ['BAD_USER_INPUT', ['input', 'matter']],
      ['BAD_USER_INPUT', ['input', 'complainant', 'name']],
      ['BAD_USER_INPUT', ['input', 'product']],
    ]);
    // The customer and the time of receipt are checked together too.
    const unknown = new Types.ObjectId().toHexString();
    const facts = await graphql(service.url, OPEN, { input: complaint(unknown, { receivedAt: cst('2024-08-01T10:00:00').toISOString() }) }, agent);
    expect(refusal(facts, 'openTicket', 'ticket')).toEqual([
      { field: ['input', 'customerId'], code: 'BAD_USER_INPUT', message: expect.stringMatching(/no such customer/) },
      { field: ['input', 'receivedAt'], code: 'BAD_USER_INPUT', message: 'cannot be more than 30 days ago' },
    ]);
    expect(await service.connection.collection('tickets').countDocuments()).toBe(before);
    expect(await openedFor(customerId)).toEqual([]);
    expect(await openedFor(unknown)).toEqual([]);
  });

  it('handles a complaint through every step, records who/when/what, and closes only after the customer confirmed satisfaction', async () => {
    const customerId = await announceCustomer(service);
    const { id } = await openTicket(service, complaint(customerId), agent);
    const sup = await tokens.tech();
    clock.set(cst('2024-09-23T10:30:00'));
    await act(service, 'startInvestigation', id, agent, { note: 'Called back, leak confirmed' });
    clock.set(cst('2024-09-23T11:00:00'));
    const escalated = await act(service, 'escalateTicket', id, agent, { note: 'Needs the supervisor' });
    expect(escalated).toMatchObject({ status: 'ESCALATED', escalationLevel: 'SUPERVISOR' });
    await act(service, 'agreeHandlingPlan', id, sup, { plan: 'Replace the flange seal on site' });
    await act(service, 'recordProgress', id, sup, { note: 'Technician booked for tomorrow', communicatedToCustomer: true });
    clock.set(cst('2024-09-24T15:00:00'));
    const resolved = await act(service, 'resolveTicket', id, sup, { resolution: 'Seal replaced, pressure test passed', cause: 'PRODUCT_QUALITY' });
    expect(resolved).toMatchObject({ status: 'RESOLVED', cause: 'PRODUCT_QUALITY', resolution: { atOnce: false, resolvedBy: { id: 'tech-2', kind: 'STAFF_MEMBER' } }, sla: { resolution: { status: 'MET' } } });
    await act(service, 'recordFollowUpVisit', id, agent, { note: 'Visited: no leak' });

    const early = await attempt(service, 'closeTicket', { id }, agent);
    expect(refusal(early, 'closeTicket', 'ticket')).toEqual([{ field: null, code: 'CONFLICT', message: expect.stringMatching(/confirmed satisfaction/) }]);
    const unchanged = await ok(service, 'query($id: ID!) { ticket(id: $id) { status closedAt history { kind } } }', { id }, agent);
    expect(unchanged.ticket).toMatchObject({ status: 'FOLLOW_UP_VISITED', closedAt: null });
    expect(unchanged.ticket.history).toHaveLength(7);
    expect(await published(service, complaintClosedV1.type, id)).toEqual([]);

    await act(service, 'confirmCustomerSatisfaction', id, agent, { note: 'Customer satisfied' });
    const closed = await act(service, 'closeTicket', id, agent);
    expect(closed.status).toBe('CLOSED');
    expect(closed.history.map((h: any) => [h.seq, h.kind, h.actor.id])).toEqual([
      [1, 'OPENED', 'agent-7'],
      [2, 'INVESTIGATION_STARTED', 'agent-7'],
      [3, 'ESCALATED', 'agent-7'],
      [4, 'PLAN_AGREED', 'tech-2'],
      [5, 'CUSTOMER_CONTACTED', 'tech-2'],
      [6, 'RESOLVED', 'tech-2'],
      [7, 'FOLLOW_UP_VISITED', 'agent-7'],
      [8, 'SATISFACTION_CONFIRMED', 'agent-7'],
      [9, 'CLOSED', 'agent-7'],
    ]);
    expect(closed.history[1]).toMatchObject({ fromStatus: 'RECEIVED', toStatus: 'INVESTIGATING', note: 'Called back, leak confirmed' });
    expect(closed.firstRespondedAt).toBe(cst('2024-09-23T10:30:00').toISOString());

    expect(await published(service, complaintEscalatedV1.type, id)).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ level: 1, levelName: 'SUPERVISOR', reason: 'MANUAL', status: 'ESCALATED', departmentId: 'D-EAST' }) }),
    ]);
    expect(await published(service, complaintResolvedV1.type, id)).toEqual([
      expect.objectContaining({ actorid: 'tech-2', data: expect.objectContaining({ status: 'RESOLVED', resolvedBy: 'tech-2', resolvedAtOnce: false, handlingRound: 1 }) }),
    ]);
    expect(await published(service, complaintClosedV1.type, id)).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ status: 'CLOSED', closedBy: 'agent-7', handlingRounds: 1, occurredAt: cst('2024-09-24T15:00:00').toISOString() }) }),
    ]);
  });

  it('refuses steps the state machine does not allow with a user error, changing nothing and publishing nothing', async () => {
    const customerId = await announceCustomer(service);
    const { id } = await openTicket(service, complaint(customerId), agent);
    const res = await attempt(service, 'recordFollowUpVisit', { id, note: 'too early' }, agent);
    expect(refusal(res, 'recordFollowUpVisit', 'ticket')).toEqual([{ field: null, code: 'CONFLICT', message: expect.stringMatching(/RECEIVED/) }]);
    const blank = await attempt(service, 'agreeHandlingPlan', { id, plan: ' ' }, agent);
    expect(refusal(blank, 'agreeHandlingPlan', 'ticket')).toEqual([{ field: ['input', 'plan'], code: 'BAD_USER_INPUT', message: 'is required' }]);
    const early = await attempt(service, 'resolveTicket', { id, resolution: 'Done' }, agent);
    expect(refusal(early, 'resolveTicket', 'ticket')).toEqual([{ field: null, code: 'CONFLICT', message: expect.stringMatching(/resolveAtOnce/) }]);
    const read = await ok(service, 'query($id: ID!) { ticket(id: $id) { status history { kind } } }', { id }, agent);
    expect(read.ticket).toEqual({ status: 'RECEIVED', history: [{ kind: 'OPENED' }] });
    expect(await published(service, complaintResolvedV1.type, id)).toEqual([]);
  });

  it('answers NOT_FOUND as a user error for a ticket that is not there, a malformed id included', async () => {
    for (const id of [new Types.ObjectId().toHexString(), 'not-an-id']) {
      const res = await attempt(service, 'startInvestigation', { id }, agent);
      expect(refusal(res, 'startInvestigation', 'ticket')).toEqual([{ field: null, code: 'NOT_FOUND', message: expect.stringContaining(id) }]);
    }
  });

  it('resolves at once what is in the first responder’s remit and closes after confirmation without a follow-up visit', async () => {
    const customerId = await announceCustomer(service);
    const { id } = await openTicket(service, complaint(customerId, { severity: 'LOW', matter: 'Invoice shows the wrong address' }), agent);
    // Permission stays a top-level error: no change of input would help.
    const other = await attempt(service, 'resolveAtOnce', { id, resolution: 'x' }, await tokens.tech());
    expect(other.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(other.data?.resolveAtOnce).toBeNull();
    const resolved = await act(service, 'resolveAtOnce', id, agent, { resolution: 'Corrected invoice sent while on the phone', cause: 'BILLING' });
    expect(resolved).toMatchObject({ status: 'RESOLVED', resolution: { atOnce: true }, sla: { firstResponse: { status: 'MET' }, resolution: { status: 'MET' } } });
    await act(service, 'confirmCustomerSatisfaction', id, agent);
    expect((await act(service, 'closeTicket', id, agent)).status).toBe('CLOSED');
    const events = await published(service, complaintResolvedV1.type, id);
    expect(events[0].data).toMatchObject({ resolvedAtOnce: true, resolution: 'Corrected invoice sent while on the phone' });
  });

  it('transfers to the responsible person and a deputy, keeping the first responder and the trail; the resolution clock is not reset', async () => {
    const customerId = await announceCustomer(service);
    const opened = await openTicket(service, complaint(customerId), agent);
    clock.set(cst('2024-09-23T14:00:00'));
    await act(service, 'transferTicket', opened.id, agent, { toUserId: 'tech-2', reason: 'Needs a pump technician' });
    clock.set(cst('2024-09-24T09:30:00'));
    const tech = await tokens.tech();
    const toSelf = await attempt(service, 'transferTicket', { id: opened.id, toUserId: 'tech-2', reason: 'x' }, tech);
    expect(refusal(toSelf, 'transferTicket', 'ticket')).toEqual([{ field: null, code: 'CONFLICT', message: 'tech-2 already handles this ticket' }]);
    const blank = await attempt(service, 'transferTicket', { id: opened.id, toUserId: ' ', reason: ' ' }, tech);
    expect(refusal(blank, 'transferTicket', 'ticket').map((e) => e.field)).toEqual([
      ['input', 'toUserId'],
      ['input', 'reason'],
    ]);
    const ticket = await act(service, 'transferTicket', opened.id, tech, { toUserId: 'tech-9', toRole: 'DEPUTY', reason: 'tech-2 on site elsewhere' });
    expect(ticket).toMatchObject({ firstResponder: { id: 'agent-7' }, assigneeId: 'tech-9', assigneeRole: 'DEPUTY' });
    expect(ticket.transfers).toEqual([
      { fromUserId: 'agent-7', toUserId: 'tech-2', toRole: 'RESPONSIBLE', reason: 'Needs a pump technician', transferredBy: { id: 'agent-7', kind: 'STAFF_MEMBER' } },
      { fromUserId: 'tech-2', toUserId: 'tech-9', toRole: 'DEPUTY', reason: 'tech-2 on site elsewhere', transferredBy: { id: 'tech-2', kind: 'STAFF_MEMBER' } },
    ]);
    expect(ticket.resolutionDueAt).toBe(opened.resolutionDueAt);
    expect(ticket.sla.resolution.startedAt).toBe(opened.openedAt);
    const events = await published(service, complaintTransferredV1.type, opened.id);
    expect(events.map((e) => e.data)).toEqual([
      expect.objectContaining({ fromUserId: 'agent-7', toUserId: 'tech-2', toRole: 'RESPONSIBLE', firstResponderId: 'agent-7', transferCount: 1, status: 'RECEIVED' }),
      expect.objectContaining({ fromUserId: 'tech-2', toUserId: 'tech-9', toRole: 'DEPUTY', transferCount: 2 }),
    ]);
  });

  it('reopens for second handling as often as the customer disagrees, restarting the resolution clock each time', async () => {
    const customerId = await announceCustomer(service);
    const { id } = await openTicket(service, complaint(customerId), agent);
    await act(service, 'startInvestigation', id, agent);
    await act(service, 'agreeHandlingPlan', id, agent, { plan: 'Replace seal' });
    await act(service, 'resolveTicket', id, agent, { resolution: 'Seal replaced' });
    clock.set(cst('2024-09-26T10:00:00'));
    const second = await act(service, 'reopenTicket', id, agent, { reason: 'Still drips' });
    expect(second).toMatchObject({ status: 'INVESTIGATING', handlingRound: 2, sla: { resolution: { round: 2, status: 'RUNNING', startedAt: cst('2024-09-26T10:00:00').toISOString() } } });
    // Thursday 10:00 + 2 working days (18 h) = Monday 10:00.
    expect(second.resolutionDueAt).toBe(cst('2024-09-30T10:00:00').toISOString());
    await act(service, 'agreeHandlingPlan', id, agent, { plan: 'Replace the pump' });
    await act(service, 'resolveTicket', id, agent, { resolution: 'Pump replaced' });
    await act(service, 'recordFollowUpVisit', id, agent, { note: 'Visited' });
    const third = await act(service, 'reopenTicket', id, agent, { reason: 'Noise now' });
    expect(third.handlingRound).toBe(3);
    const events = await published(service, complaintReopenedV1.type, id);
    expect(events.map((e) => e.data.handlingRound)).toEqual([2, 3]);
    expect(events[0].data).toMatchObject({ reason: 'Still drips', status: 'INVESTIGATING', resolutionDueAt: cst('2024-09-30T10:00:00').toISOString() });
  });

  it('sends a major (CRITICAL) matter to the general manager at once, in the same write as the ticket', async () => {
    const customerId = await announceCustomer(service);
    const ticket = await openTicket(service, complaint(customerId, { severity: 'CRITICAL', matter: 'Production line stopped' }), agent);
    expect(ticket).toMatchObject({ status: 'RECEIVED', escalationLevel: 'GENERAL_MANAGER', escalations: [{ level: 'GENERAL_MANAGER', previousLevel: 'HANDLER', reason: 'MAJOR_MATTER' }] });
    expect(ticket.sla.businessHoursOnly).toBe(false);
    const escalated = await published(service, complaintEscalatedV1.type, ticket.id);
    expect(escalated.map((e) => e.data)).toEqual([expect.objectContaining({ level: 3, levelName: 'GENERAL_MANAGER', previousLevel: 0, reason: 'MAJOR_MATTER', clock: null })]);
  });

  it('scopes tickets like their customer: the owner and the department manager see and handle them, others do not', async () => {
    const customerId = await announceCustomer(service, { owner: 'alice', department: 'D-EAST' });
    const { id } = await openTicket(service, complaint(customerId), agent);
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { tickets { id matter } } } }`;
    const reps = { r: [{ __typename: 'Customer', id: customerId }] };
    expect((await graphql(service.url, query, reps, await tokens.alice())).data!._entities[0].tickets).toHaveLength(1);
    expect((await graphql(service.url, query, reps, await tokens.bob())).data!._entities[0].tickets).toHaveLength(0);
    expect((await graphql(service.url, query, reps, await tokens.partner())).data!._entities[0].tickets).toHaveLength(0);

    const read = 'query($id: ID!) { ticket(id: $id) { id } }';
    expect((await graphql(service.url, read, { id }, await tokens.eastManager())).data!.ticket).toEqual({ id });
    expect((await graphql(service.url, read, { id }, await tokens.westManager())).data!.ticket).toBeNull();
    expect((await graphql(service.url, read, { id }, await tokens.partner())).data!.ticket).toBeNull();

    // A ticket the caller may not see is NOT_FOUND (a user error); one they see but may not handle is FORBIDDEN (top-level).
    const hidden = await attempt(service, 'startInvestigation', { id }, await tokens.bob());
    expect(refusal(hidden, 'startInvestigation', 'ticket').map((e) => e.code)).toEqual(['NOT_FOUND']);
    const readOnly = await attempt(service, 'startInvestigation', { id }, await tokens.app());
    expect(readOnly.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(readOnly.data?.startInvestigation).toBeNull();
    expect((await ok(service, 'query($id: ID!) { ticket(id: $id) { status } }', { id }, agent)).ticket.status).toBe('RECEIVED');

    const list = await ok(service, '{ tickets(filter: {status: RECEIVED}, first: 200) { totalCount edges { node { id } } } }', {}, await tokens.bob());
    expect(list.tickets.edges.map((e: any) => e.node.id)).not.toContain(id);
  });

  it('lets tickets follow their customer when accounts hands it over, so the new owner sees them', async () => {
    // Own consultant ids: other test files publish access grants for 'alice' and 'bob' on the shared stream.
    const run = Math.random().toString(36).slice(2, 8);
    const [from, to] = [`alice-ho-${run}`, `bob-ho-${run}`];
    const asFrom = () => tokenFor({ sub: from, roles: ['consultant'], department_id: 'D-EAST' });
    const asTo = () => tokenFor({ sub: to, roles: ['consultant'], department_id: 'D-EAST' });
    const customerId = await announceCustomer(service, { owner: from, department: 'D-EAST' });
    const { id } = await openTicket(service, complaint(customerId), agent);
    const handover = createEvent(customerHandedOverV1, {
      subject: customerId,
      actor: { userId: 'mgr-east', roles: ['department_manager'] },
      data: { customerId, customerName: 'Customer', fromConsultantId: from, toConsultantId: to, fromDepartmentId: 'D-EAST', toDepartmentId: 'D-EAST', reason: 'Alice left', handedOverAt: new Date().toISOString() },
    });
    await service.bus.js.publish(handover.type, encodeEvent(handover), { msgID: handover.id });
    const read = 'query($id: ID!) { ticket(id: $id) { id } }';
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !(await graphql(service.url, read, { id }, await asTo())).data?.ticket) await new Promise((r) => setTimeout(r, 50));
    expect((await graphql(service.url, read, { id }, await asTo())).data!.ticket).toEqual({ id });
    expect((await graphql(service.url, read, { id }, await asFrom())).data!.ticket).toBeNull();
    // The complaint still counts towards the consultant who owned the customer when it was received.
    const kpi = await ok(service, 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Consultant { complaintCount(period: "2024-09") } } }', { r: [{ __typename: 'Consultant', id: from }, { __typename: 'Consultant', id: to }] }, await tokens.gm());
    expect(kpi._entities[0].complaintCount).toBeGreaterThanOrEqual(1);
    expect(kpi._entities[1].complaintCount).toBe(0);
  });

  it('forbids partners to open tickets', async () => {
    const customerId = await announceCustomer(service);
    const res = await graphql(service.url, OPEN, { input: complaint(customerId) }, await tokens.partner());
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(res.data?.openTicket).toBeNull();
    expect(await openedFor(customerId)).toEqual([]);
  });
});
