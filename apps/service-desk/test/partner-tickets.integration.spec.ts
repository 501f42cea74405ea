import type { RunningService } from '@crm/kernel';
import { graphql, tokenFor } from '@crm/testing';
import { announceCustomer, attempt, complaint, openTicket, startServiceDesk, tokens, USER_ERRORS } from './service-desk-fixture';

// A partner's slice of the service desk (rule table row `ticket`, partners: linked): the tickets of its linked
// customers with the complainant's contact masked, and service requests for them; nothing else.
describe("a partner's tickets", () => {
  let service: RunningService;
  let partner: string;
  /** A partner token that also claims staff roles (and even the owner's user id): still a partner. */
  let partnerAsStaff: string;
  let linked: string;
  let unlinked: string;
  let ticketId: string;
  let othersTicketId: string;
  const now = new Date('2026-03-02T02:00:00Z');

  const OPEN = `mutation($input: OpenTicketInput!) { openTicket(input: $input) { ticket { id type firstResponder { id } assigneeId } ${USER_ERRORS} } }`;
  const ticketsOfCustomer = async (customerId: string) => service.connection.collection('tickets').countDocuments({ customerId });

  beforeAll(async () => {
    ({ service } = await startServiceDesk(now));
    partner = await tokens.partner();
    partnerAsStaff = await tokenFor({ sub: 'alice', roles: ['partner', 'consultant', 'service_agent', 'general_manager'], partner_id: 'P-1', department_id: 'D-EAST' });
    linked = await announceCustomer(service, { owner: 'alice', partnerIds: ['P-1'] });
    unlinked = await announceCustomer(service, { owner: 'alice', partnerIds: ['P-2'] });
    const agent = await tokens.agent();
    ticketId = (await openTicket(service, complaint(linked, { complainant: { name: 'Zhang San', contact: '13800000000' } }), agent)).id;
    await graphql(service.url, `mutation($input: TransferTicketInput!) { transferTicket(input: $input) { ticket { id } ${USER_ERRORS} } }`, { input: { id: ticketId, toUserId: 'tech-2', reason: 'needs a technician' } }, agent);
    othersTicketId = (await openTicket(service, complaint(unlinked), agent)).id;
  });
  afterAll(() => service.stop());

  it("reads its linked customer's tickets, the complainant's contact masked and the internal handling withheld", async () => {
    const query = 'query($id: ID!) { ticket(id: $id) { id type status matter complainant { name contact } transfers { toUserId } escalations { level } history { seq } } }';
    for (const token of [partner, partnerAsStaff]) {
      const res = await graphql(service.url, query, { id: ticketId }, token);
      expect(res.errors).toBeUndefined();
      expect(res.data!.ticket).toEqual({ id: ticketId, type: 'COMPLAINT', status: expect.any(String), matter: 'Delivered pump leaks', complainant: { name: 'Zhang San', contact: '1********0' }, transfers: [], escalations: [], history: [] });
    }
    const staff = await graphql(service.url, query, { id: ticketId }, await tokens.agent());
    expect(staff.data!.ticket).toMatchObject({ complainant: { contact: '13800000000' }, transfers: [{ toUserId: 'tech-2' }] });
  });

  it('lists only the tickets of its linked customers, in lists and on the customer', async () => {
    const listed = await graphql(service.url, '{ tickets(first: 200) { edges { node { id } } } }', {}, partner);
    expect(listed.data!.tickets.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([ticketId]);
    const onCustomers = await graphql(service.url, 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { tickets { id } } } }', { r: [{ __typename: 'Customer', id: linked }, { __typename: 'Customer', id: unlinked }] }, partner);
    expect(onCustomers.data!._entities).toEqual([{ tickets: [{ id: ticketId }] }, { tickets: [] }]);
  });

  it("answers another customer's ticket as NOT_FOUND, by id and by reference", async () => {
    for (const token of [partner, partnerAsStaff]) {
      const res = await graphql(service.url, 'query($id: ID!) { ticket(id: $id) { id } }', { id: othersTicketId }, token);
      expect([res.data?.ticket ?? null, res.errors?.map((e) => e.extensions?.code)]).toEqual([null, ['NOT_FOUND']]);
      const ref = await graphql(service.url, 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Ticket { id } } }', { r: [{ __typename: 'Ticket', id: othersTicketId }] }, token);
      expect(ref.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    }
  });

  it("opens a service request for a linked customer, with the customer's owner as first responder", async () => {
    const res = await graphql(service.url, OPEN, { input: complaint(linked, { type: 'SERVICE_REQUEST', severity: 'LOW', matter: 'Please schedule the yearly maintenance' }) }, partner);
    expect(res.errors).toBeUndefined();
    expect(res.data!.openTicket).toMatchObject({ ticket: { type: 'SERVICE_REQUEST', firstResponder: { id: 'alice' }, assigneeId: 'alice' }, userErrors: [] });
    expect(await service.connection.collection('tickets').countDocuments({ customerId: linked, type: 'SERVICE_REQUEST', 'history.0.actorId': 'p' })).toBe(1);
  });

  it('may not open a service request for a customer not linked to it (no such customer), and writes nothing', async () => {
    const before = await ticketsOfCustomer(unlinked);
    const res = await graphql(service.url, OPEN, { input: complaint(unlinked, { type: 'SERVICE_REQUEST' }) }, partner);
    expect(res.data!.openTicket).toMatchObject({ ticket: null, userErrors: [{ field: ['input', 'customerId'], code: 'BAD_USER_INPUT' }] });
    expect(await ticketsOfCustomer(unlinked)).toBe(before);
  });

  it.each(['COMPLAINT', 'INQUIRY', 'REPAIR', 'FAULT'])('may not open a %s ticket (FORBIDDEN on input.type), even claiming staff roles', async (type) => {
    const before = await ticketsOfCustomer(linked);
    for (const token of [partner, partnerAsStaff]) {
      const res = await graphql(service.url, OPEN, { input: complaint(linked, { type }) }, token);
      expect(res.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([['FORBIDDEN', 'input.type']]);
      expect(res.data?.openTicket ?? null).toBeNull();
    }
    expect(await ticketsOfCustomer(linked)).toBe(before);
  });

  const handling: [string, Record<string, unknown>][] = [
    ['startInvestigation', {}],
    ['recordProgress', { note: 'called back', communicatedToCustomer: true }],
    ['escalateTicket', {}],
    ['agreeHandlingPlan', { plan: 'replace the seal' }],
    ['resolveTicket', { resolution: 'seal replaced', cause: 'PRODUCT_QUALITY' }],
    ['resolveAtOnce', { resolution: 'seal replaced', cause: 'PRODUCT_QUALITY' }],
    ['awaitCustomer', { note: 'waiting for photos' }],
    ['customerResponded', {}],
    ['recordFollowUpVisit', { note: 'visited' }],
    ['confirmCustomerSatisfaction', {}],
    ['reopenTicket', { reason: 'leaks again' }],
    ['closeTicket', {}],
    ['transferTicket', { toUserId: 'tech-2', reason: 'technician' }],
  ];

  it.each(handling)("may not %s a linked customer's ticket, whatever roles it claims", async (mutation, args) => {
    for (const token of [partner, partnerAsStaff]) {
      const res = await attempt(service, mutation, { id: ticketId, ...args }, token);
      expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    }
  });

  it('reads no fault report and reports no fault, even for a linked customer', async () => {
    const reportFault = `mutation($input: ReportFaultInput!) { reportFault(input: $input) { faultReport { id } ${USER_ERRORS} } }`;
    const input = { customerId: linked, ticketId, severity: 'HIGH', place: 'Plant 2', symptoms: 'pump stops', handlingPlan: 'swap the pump', faultOccurredAt: new Date(now.getTime() - 3600_000).toISOString() };
    const reported = await graphql(service.url, reportFault, { input }, await tokens.tech());
    const reportId: string = reported.data?.reportFault?.faultReport?.id;
    expect(reportId).toEqual(expect.any(String));
    for (const token of [partner, partnerAsStaff]) {
      expect((await graphql(service.url, reportFault, { input }, token)).errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      expect((await graphql(service.url, 'query($id: ID!) { faultReport(id: $id) { id } }', { id: reportId }, token)).errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
      expect((await graphql(service.url, 'query($c: ID!) { faultReports(customerId: $c) { id } }', { c: linked }, token)).data?.faultReports).toEqual([]);
      expect((await graphql(service.url, 'query($id: ID!) { ticket(id: $id) { faultReports { id } } }', { id: ticketId }, token)).data?.ticket).toEqual({ faultReports: [] });
    }
  });
});
