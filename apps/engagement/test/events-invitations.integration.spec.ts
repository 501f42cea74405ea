import type { RunningService } from '@crm/kernel';
import { announceCustomer, graphql, tokenFor } from '@crm/testing';
import { eventsAbout, eventsOf, ok, okPayload, staffTokens, startEngagement, user, type FixedClock } from './engagement-fixture';

const INV = 'id departmentId status invitedBy { id } confirmedAt confirmationCountsFor resolution { reason resolvedBy { id } previousDepartmentId }';
const CREATE = `mutation($input: CreateCustomerEventInput!) { createCustomerEvent(input: $input) { customerEvent { id date timeOfDay capacity listClosesAt listClosed } userErrors { field code message } } }`;
const INVITE = `mutation($input: InviteCustomerToEventInput!) { inviteCustomerToEvent(input: $input) { invitation { ${INV} } userErrors { field code message } } }`;
const CONFIRM = `mutation($input: ConfirmInvitationInput!) { confirmInvitation(input: $input) { invitation { ${INV} } userErrors { field code message } } }`;
const RESOLVE = `mutation($input: ResolveInvitationConflictInput!) { resolveInvitationConflict(input: $input) { invitation { ${INV} } userErrors { field code message } } }`;
const EVENT = `query($id: ID!) { customerEvent(id: $id) { id confirmedCount invitations { ${INV} customer { id } } conflicts { customer { id } holdingDepartmentId resolved invitations { id departmentId status } } } }`;

jest.setTimeout(90_000);

// Monday 16 June 2025, 10:00 in China; the events are on Friday 20 June.
const NOW = '2025-06-16T02:00:00Z';

describe('engagement: events and invitations across departments', () => {
  let service: RunningService;
  let clock: FixedClock;
  let t: Awaited<ReturnType<typeof staffTokens>>;
  let wendy: string;

  beforeAll(async () => {
    ({ service, clock } = await startEngagement(NOW));
    t = await staffTokens();
    wendy = await tokenFor({ sub: user('wendy'), roles: ['marketing'], department_id: 'D-WEST' });
  });
  afterAll(() => service.stop());
  beforeEach(() => clock.set(NOW));

  const createEvent = async (timeOfDay = 'AFTERNOON', capacity = 50) =>
    (await okPayload(service, CREATE, { input: { kind: 'PRODUCT_EXPERIENCE', title: 'Pump P-300 experience day', date: '2025-06-20', timeOfDay, capacity } }, t.east)).customerEvent;
  // A customer both departments may read: the west marketing colleague (all-seeing) and the east owner.
  const sharedCustomer = () => announceCustomer(service, { owner: user('alice'), department: 'D-EAST' });
  const invite = (eventId: string, customerId: string, token: string) => graphql(service.url, INVITE, { input: { eventId, customerId } }, token);

  it('creates an event whose list closes at 10:00 (afternoon) or 16:00 (evening) on the day', async () => {
    expect(await createEvent('AFTERNOON')).toMatchObject({ date: '2025-06-20', listClosesAt: '2025-06-20T02:00:00.000Z', listClosed: false });
    expect(await createEvent('EVENING')).toMatchObject({ listClosesAt: '2025-06-20T08:00:00.000Z' });
    const bad = await graphql(service.url, CREATE, { input: { kind: 'SEMINAR', title: ' ', date: '2025-06-31', timeOfDay: 'EVENING', capacity: 0 } }, t.east);
    expect(bad.data!.createCustomerEvent.userErrors.map((e: { field: string[] }) => e.field.join('.')).sort()).toEqual(['input.capacity', 'input.date', 'input.title']);
    const consultant = await graphql(service.url, CREATE, { input: { kind: 'SEMINAR', title: 'x', date: '2025-06-20', timeOfDay: 'EVENING', capacity: 5 } }, t.alice);
    expect(consultant.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('lets the first department to confirm hold the customer; the other gets CONFLICT naming it; publishes the inviter', async () => {
    const event = await createEvent();
    const customerId = await sharedCustomer();
    const east = (await okPayload(service, INVITE, { input: { eventId: event.id, customerId } }, t.alice)).invitation;
    const west = (await okPayload(service, INVITE, { input: { eventId: event.id, customerId } }, wendy)).invitation;
    expect([east.departmentId, west.departmentId]).toEqual(['D-EAST', 'D-WEST']);

    // 18:30 in China on the 16th: counts for the 17th.
    clock.set('2025-06-16T10:30:00Z');
    const confirmed = (await okPayload(service, CONFIRM, { input: { id: east.id } }, t.alice)).invitation;
    expect(confirmed).toMatchObject({ status: 'CONFIRMED', confirmedAt: '2025-06-16T10:30:00.000Z', confirmationCountsFor: '2025-06-17', invitedBy: { id: user('alice') } });
    const refused = await graphql(service.url, CONFIRM, { input: { id: west.id } }, wendy);
    expect(refused.data!.confirmInvitation).toEqual({ invitation: null, userErrors: [expect.objectContaining({ code: 'CONFLICT', message: expect.stringContaining('department D-EAST') })] });
    // A third department cannot even invite the held customer.
    const north = await tokenFor({ sub: user('nina'), roles: ['marketing'], department_id: 'D-NORTH' });
    expect((await invite(event.id, customerId, north)).data!.inviteCustomerToEvent.userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT', message: expect.stringContaining('D-EAST') })]);

    const events = await eventsOf(service, 'crm.engagement.invitation.confirmed', east.id);
    expect(events).toHaveLength(1);
    expect(events[0].data).toMatchObject({ invitationId: east.id, eventId: event.id, customerId, departmentId: 'D-EAST', inviterId: user('alice'), countsForDay: '2025-06-17' });
    expect(await eventsOf(service, 'crm.engagement.invitation.confirmed', west.id)).toEqual([]);

    const read = (await ok(service, EVENT, { id: event.id }, t.coordinator)).customerEvent;
    expect(read.confirmedCount).toBe(1);
    expect(read.conflicts).toEqual([{ customer: { id: customerId }, holdingDepartmentId: 'D-EAST', resolved: false, invitations: [{ id: east.id, departmentId: 'D-EAST', status: 'CONFIRMED' }, { id: west.id, departmentId: 'D-WEST', status: 'SUPERSEDED' }] }]);
  });

  it('lets two departments confirm at the same moment and only one win', async () => {
    const event = await createEvent();
    const customerId = await sharedCustomer();
    const east = (await okPayload(service, INVITE, { input: { eventId: event.id, customerId } }, t.alice)).invitation;
    const west = (await okPayload(service, INVITE, { input: { eventId: event.id, customerId } }, wendy)).invitation;
    const [a, b] = await Promise.all([graphql(service.url, CONFIRM, { input: { id: east.id } }, t.alice), graphql(service.url, CONFIRM, { input: { id: west.id } }, wendy)]);
    const outcomes = [a.data!.confirmInvitation, b.data!.confirmInvitation];
    expect(outcomes.filter((o) => o.invitation?.status === 'CONFIRMED')).toHaveLength(1);
    expect(outcomes.filter((o) => o.userErrors[0]?.code === 'CONFLICT')).toHaveLength(1);
    expect((await eventsAbout(service, customerId)).filter((e) => e.type === 'crm.engagement.invitation.confirmed')).toHaveLength(1);
  });

  it('has the coordinator resolve a conflict, recording who keeps the customer and why', async () => {
    const event = await createEvent();
    const customerId = await sharedCustomer();
    const east = (await okPayload(service, INVITE, { input: { eventId: event.id, customerId } }, t.alice)).invitation;
    const west = (await okPayload(service, INVITE, { input: { eventId: event.id, customerId } }, wendy)).invitation;
    await okPayload(service, CONFIRM, { input: { id: east.id } }, t.alice);
    const byManager = await graphql(service.url, RESOLVE, { input: { invitationId: west.id, reason: 'x' } }, t.east);
    expect(byManager.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const noReason = await graphql(service.url, RESOLVE, { input: { invitationId: west.id, reason: '' } }, t.coordinator);
    expect(noReason.data!.resolveInvitationConflict.userErrors).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field: ['input', 'reason'] })]);

    const kept = (await okPayload(service, RESOLVE, { input: { invitationId: west.id, reason: 'West brought the customer to the last two sessions' } }, t.coordinator)).invitation;
    expect(kept).toMatchObject({ id: west.id, status: 'CONFIRMED', resolution: { reason: 'West brought the customer to the last two sessions', resolvedBy: { id: user('coordinator') }, previousDepartmentId: 'D-EAST' } });
    const read = (await ok(service, EVENT, { id: event.id }, t.coordinator)).customerEvent;
    expect(read.conflicts[0]).toMatchObject({ holdingDepartmentId: 'D-WEST', resolved: true });
    const resolved = await eventsOf(service, 'crm.engagement.invitation.conflict-resolved', west.id);
    expect(resolved).toHaveLength(1);
    expect(resolved[0].data).toMatchObject({ keptInvitationId: west.id, departmentId: 'D-WEST', inviterId: user('wendy'), previousInvitationId: east.id, previousDepartmentId: 'D-EAST' });
  });

  it('closes the afternoon list at 10:00 on the event day: a confirmation at 10:00 is a CONFLICT and writes nothing', async () => {
    const event = await createEvent('AFTERNOON');
    const customerId = await sharedCustomer();
    const invitation = (await okPayload(service, INVITE, { input: { eventId: event.id, customerId } }, t.alice)).invitation;
    clock.set('2025-06-20T02:00:00Z');
    const late = await graphql(service.url, CONFIRM, { input: { id: invitation.id } }, t.alice);
    expect(late.data!.confirmInvitation.userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT', message: expect.stringMatching(/closed/) })]);
    clock.set('2025-06-20T01:59:59Z');
    expect((await okPayload(service, CONFIRM, { input: { id: invitation.id } }, t.alice)).invitation.status).toBe('CONFIRMED');
  });

  it('refuses a full event, a partner and a colleague outside the customer scope', async () => {
    const event = await createEvent('EVENING', 1);
    const [c1, c2] = [await sharedCustomer(), await sharedCustomer()];
    const i1 = (await okPayload(service, INVITE, { input: { eventId: event.id, customerId: c1 } }, t.alice)).invitation;
    const i2 = (await okPayload(service, INVITE, { input: { eventId: event.id, customerId: c2 } }, t.alice)).invitation;
    await okPayload(service, CONFIRM, { input: { id: i1.id } }, t.alice);
    expect((await graphql(service.url, CONFIRM, { input: { id: i2.id } }, t.alice)).data!.confirmInvitation.userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT', message: expect.stringMatching(/full/) })]);
    expect((await invite(event.id, c1, t.partner)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await invite(event.id, c1, t.bob)).data!.inviteCustomerToEvent.userErrors).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field: ['input', 'customerId'] })]);
    expect((await graphql(service.url, EVENT, { id: event.id }, t.partner)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});
