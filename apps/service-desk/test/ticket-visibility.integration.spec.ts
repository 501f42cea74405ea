import type { RunningService } from '@crm/kernel';
import { approveAccess, graphql, refusalsAt, refusalsOf, tokenFor } from '@crm/testing';
import { announceCustomer, complaint, openTicket, startServiceDesk, tokens } from './service-desk-fixture';

// Tickets are read by the platform's one visibility rule table (row `ticket`): the same people who read the
// customer, except finance.
describe('who reads a ticket', () => {
  let service: RunningService;
  const now = new Date('2026-03-02T02:00:00Z');

  beforeAll(async () => {
    ({ service } = await startServiceDesk(now));
  });
  afterAll(() => service.stop());

  /** The ticket, or null when the read rule refuses it (then FORBIDDEN, with the approval that would open it). */
  const readTicket = async (id: string, token: string, approval: string | null = 'DEPARTMENT_MANAGER') => {
    const res = await graphql<{ ticket: { id: string } | null }>(service.url, 'query($id: ID!) { ticket(id: $id) { id } }', { id }, token);
    if (res.errors) expect(res.errors.map((e) => e.extensions)).toEqual([expect.objectContaining({ code: 'FORBIDDEN', requiredApproval: approval })]);
    // Reached from another subgraph (an entity reference), the ticket is refused alike, at the reference's path.
    const reference = await graphql(service.url, 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Ticket { id } } }', { r: [{ __typename: 'Ticket', id }] }, token);
    expect(refusalsOf(reference)).toEqual(refusalsAt(res, ['_entities', 0]));
    expect(reference.data?._entities[0] ?? null).toEqual(res.data?.ticket ?? null);
    return res.data?.ticket ?? null;
  };
  const listed = async (token: string) => {
    const res = await graphql<{ tickets: { edges: { node: { id: string } }[] } }>(service.url, '{ tickets(first: 200) { edges { node { id } } } }', {}, token);
    expect(res.errors).toBeUndefined();
    return res.data!.tickets.edges.map((e) => e.node.id);
  };

  it('lets staff assigned to the customer read its tickets, in lists too', async () => {
    const customerId = await announceCustomer(service, { owner: 'alice', assignedStaffIds: ['alice', 'carol-vis'] });
    const ticket = await openTicket(service, complaint(customerId), await tokens.agent());
    const carol = await tokenFor({ sub: 'carol-vis', roles: ['consultant'], department_id: 'D-EAST' });
    expect(await readTicket(ticket.id, carol)).toEqual({ id: ticket.id });
    expect(await listed(carol)).toContain(ticket.id);
    expect(await readTicket(ticket.id, await tokenFor({ sub: 'dave-vis', roles: ['consultant'], department_id: 'D-EAST' }))).toBeNull();
  });

  it('lets the holder of an approved access grant read the customer’s tickets until it expires', async () => {
    const customerId = await announceCustomer(service, { owner: 'alice' });
    const ticket = await openTicket(service, complaint(customerId), await tokens.agent());
    const holder = await tokenFor({ sub: 'erin-vis', roles: ['consultant'], department_id: 'D-WEST' });
    expect(await readTicket(ticket.id, holder, 'GENERAL_MANAGER')).toBeNull();
    await approveAccess(service, 'erin-vis', { kind: 'CUSTOMER', customerId, departmentId: 'D-EAST' }, new Date(now.getTime() + 3600_000));
    expect(await readTicket(ticket.id, holder)).toEqual({ id: ticket.id });
    const expired = await tokenFor({ sub: 'frank-vis', roles: ['consultant'], department_id: 'D-WEST' });
    await approveAccess(service, 'frank-vis', { kind: 'CUSTOMER', customerId, departmentId: 'D-EAST' }, new Date(now.getTime() - 1000));
    expect(await readTicket(ticket.id, expired, 'GENERAL_MANAGER')).toBeNull();
  });

  it('shows finance no ticket, though finance reads every customer', async () => {
    const customerId = await announceCustomer(service, { owner: 'alice' });
    const ticket = await openTicket(service, complaint(customerId), await tokens.agent());
    const finance = await tokenFor({ sub: 'fin-vis', roles: ['finance'] });
    expect(await readTicket(ticket.id, finance, null)).toBeNull();
    expect(await listed(finance)).toEqual([]);
  });
});
