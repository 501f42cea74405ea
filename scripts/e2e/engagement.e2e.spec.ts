// End to end for engagement (issue 12) through the gateway: a visit planned, approved and reported opens its
// minutes (submitted, approved, confirmed); a delivered credit order schedules return visits (crm.credit.order.delivered)
// and a logged interaction completes the first; an event's invitations across two departments end in a CONFLICT the
// coordinator resolves; a loyalty redemption is refused below zero. Needs the composed supergraph (npm run compose).
import { eventually, PROJECTION_WAIT_MS, tokenFor } from '@crm/testing';
import { call } from '../platform/demo-data';
import type { RunningPlatform } from '../platform/platform';
import { startE2ePlatform } from './e2e-platform';

jest.setTimeout(240_000);

/** Retry while a subgraph has not yet learned the customer (or the delivery) from the bus. */
const soon = <T>(check: () => Promise<T>) => eventually(check, PROJECTION_WAIT_MS, 200);

describe('engagement through the gateway: visits, minutes, return visits, invitations and loyalty', () => {
  let platform: RunningPlatform;
  let url: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    platform = await startE2ePlatform();
    url = platform.gateway.graphqlUrl;
    tokens.gm = await tokenFor({ sub: 'gm-eng2e', roles: ['general_manager'] });
    tokens.manager = await tokenFor({ sub: 'm-eng2e', roles: ['department_manager'], department_id: 'D-ENG2E' });
    tokens.owner = await tokenFor({ sub: 'c-eng2e', roles: ['consultant'], department_id: 'D-ENG2E' });
    tokens.marketing = await tokenFor({ sub: 'mkt-eng2e', roles: ['marketing'], department_id: 'D-ENG2E-W' });
    tokens.coordinator = await tokenFor({ sub: 'co-eng2e', roles: ['coordinator'] });
    tokens.finance = await tokenFor({ sub: 'fin-eng2e', roles: ['finance'] });
    await call(url, 'mutation { upsertDepartment(input: {id: "D-ENG2E", name: "Engagement e2e"}) { department { id } userErrors { field code message } } }', {}, tokens.gm);
    await call(url, 'mutation($i: UpsertConsultantInput!) { upsertConsultant(input: $i) { consultant { id } userErrors { field code message } } }', { i: { id: 'c-eng2e', name: 'Engagement Consultant', departmentId: 'D-ENG2E' } }, tokens.gm);
  });
  afterAll(() => platform?.stop());

  it('follows a customer from a visit to its minutes, a delivery to its return visits, an event and the loyalty ledger', async () => {
    const created = await call(url, 'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } userErrors { field code message } } }', { i: { name: 'Engagement Path Pumps Ltd', kind: 'ORGANISATION', listType: 'ENTERPRISE', region: 'East' } }, tokens.owner);
    const customerId: string = created.createCustomer.customer.id;

    // Visit: planned by the consultant, approved by the department manager, reported; its minutes open.
    const inTwoHours = new Date(Date.now() + 2 * 3600_000).toISOString();
    const planned = await soon(() =>
      call(url, 'mutation($i: PlanVisitInput!) { planVisit(input: $i) { visit { id status } userErrors { field code message } } }', { i: { customerId, kind: 'MAINTENANCE', purpose: 'Service check of the P-300 pumps', plannedAt: inTwoHours } }, tokens.owner),
    );
    const visitId: string = planned.planVisit.visit.id;
    await call(url, 'mutation($i: ApproveVisitInput!) { approveVisit(input: $i) { visit { id status } userErrors { field code message } } }', { i: { id: visitId } }, tokens.manager);
    const reported = await call(
      url,
      'mutation($i: ReportVisitInput!) { reportVisit(input: $i) { visit { id status report { visitedAt } } userErrors { field code message } } }',
      { i: { id: visitId, visitedAt: new Date().toISOString(), importantMatters: [{ matter: 'Seal wear on pump 2', handling: 'Replaced' }], customerReaction: 'Pleased' } },
      tokens.owner,
    );
    expect(reported.reportVisit.visit.status).toBe('REPORTED');

    const withMinutes = await call(url, 'query($id: ID!) { customer(id: $id) { visits { id status } minutes { id status dueAt source { kind } } } }', { id: customerId }, tokens.owner);
    expect(withMinutes.customer.visits).toEqual([{ id: visitId, status: 'REPORTED' }]);
    const minutesId: string = withMinutes.customer.minutes[0].id;
    expect(withMinutes.customer.minutes[0]).toMatchObject({ status: 'DRAFT', source: { kind: 'VISIT' } });
    const M = 'minutes { id status } userErrors { field code message }';
    await call(url, `mutation($i: SaveMinutesDraftInput!) { saveMinutesDraft(input: $i) { ${M} } }`, { i: { id: minutesId, text: 'Seal replaced; next service in six months' } }, tokens.owner);
    await call(url, `mutation($i: SubmitMinutesInput!) { submitMinutes(input: $i) { ${M} } }`, { i: { id: minutesId } }, tokens.owner);
    await call(url, `mutation($i: ApproveMinutesInput!) { approveMinutes(input: $i) { ${M} } }`, { i: { id: minutesId } }, tokens.manager);
    const confirmed = await call(url, `mutation($i: RecordMinutesConfirmationInput!) { recordMinutesConfirmation(input: $i) { ${M} } }`, { i: { id: minutesId, confirmedByName: 'Mr Qian', confirmedAt: new Date().toISOString() } }, tokens.owner);
    expect(confirmed.recordMinutesConfirmation.minutes.status).toBe('CONFIRMED');

    // A delivered order schedules return visits; an interaction naming the first completes it.
    await call(url, 'mutation($i: SetCreditProfileInput!) { setCreditProfile(input: $i) { creditProfile { id } userErrors { field code message } } }', { i: { customerId, grade: 'A', creditLimit: 1_000_000, paymentTermDays: 30, expectedRevision: 0 } }, tokens.finance);
    const placed = await soon(() => call(url, 'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { order { id status } userErrors { field code message } } }', { i: { customerId, lines: [{ product: 'PUMP-300', quantity: 2, unitPriceMinor: 250_000 }] } }, tokens.owner));
    await call(url, 'mutation($i: DeliverOrderInput!) { deliverOrder(input: $i) { order { id status } userErrors { field code message } } }', { i: { id: placed.placeOrder.order.id } }, tokens.owner);
    const schedule = await soon(async () => {
      const read = await call(url, 'query($id: ID!) { customer(id: $id) { returnVisits { id sequence status } } }', { id: customerId }, tokens.owner);
      if (read.customer.returnVisits.length === 0) throw new Error('no return visits yet');
      return read.customer.returnVisits;
    });
    expect(schedule[0]).toMatchObject({ sequence: 1, status: 'DUE' });
    await call(url, 'mutation($i: LogInteractionInput!) { logInteraction(input: $i) { interaction { id } userErrors { field code message } } }', { i: { customerId, channel: 'PHONE', occurredAt: new Date().toISOString(), summary: 'Return call after the delivery', returnVisitId: schedule[0].id } }, tokens.owner);
    const after = await call(url, 'query($id: ID!) { customer(id: $id) { returnVisits { id status completion { kind } } } }', { id: customerId }, tokens.owner);
    expect(after.customer.returnVisits[0]).toMatchObject({ status: 'COMPLETED', completion: { kind: 'INTERACTION' } });

    // An event: the owner's department confirms first, the other department is refused, the coordinator decides.
    const inAWeek = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    const event = await call(url, 'mutation($i: CreateCustomerEventInput!) { createCustomerEvent(input: $i) { customerEvent { id } userErrors { field code message } } }', { i: { kind: 'SEMINAR', title: 'Pump efficiency seminar', date: inAWeek, timeOfDay: 'AFTERNOON', capacity: 30 } }, tokens.manager);
    const eventId: string = event.createCustomerEvent.customerEvent.id;
    const INVITE = 'mutation($i: InviteCustomerToEventInput!) { inviteCustomerToEvent(input: $i) { invitation { id status } userErrors { field code message } } }';
    const ours = (await call(url, INVITE, { i: { eventId, customerId } }, tokens.owner)).inviteCustomerToEvent.invitation;
    const theirs = (await call(url, INVITE, { i: { eventId, customerId } }, tokens.marketing)).inviteCustomerToEvent.invitation;
    await call(url, 'mutation($i: ConfirmInvitationInput!) { confirmInvitation(input: $i) { invitation { id status } userErrors { field code message } } }', { i: { id: ours.id } }, tokens.owner);
    await expect(call(url, 'mutation($i: ConfirmInvitationInput!) { confirmInvitation(input: $i) { invitation { id } userErrors { field code message } } }', { i: { id: theirs.id } }, tokens.marketing)).rejects.toThrow(/CONFLICT: .*D-ENG2E/);
    const resolved = await call(url, 'mutation($i: ResolveInvitationConflictInput!) { resolveInvitationConflict(input: $i) { invitation { id status resolution { reason } } userErrors { field code message } } }', { i: { invitationId: ours.id, reason: 'The owner brought the customer' } }, tokens.coordinator);
    expect(resolved.resolveInvitationConflict.invitation).toMatchObject({ status: 'CONFIRMED', resolution: { reason: 'The owner brought the customer' } });

    // Loyalty: a new member has no points, and a redemption below zero is refused.
    const loyalty = await call(url, 'query($id: ID!) { customer(id: $id) { loyaltyPoints { id balance } } }', { id: customerId }, tokens.owner);
    expect(loyalty.customer.loyaltyPoints).toMatchObject({ balance: 0 });
    await expect(call(url, 'mutation($i: RedeemLoyaltyPointsInput!) { redeemLoyaltyPoints(input: $i) { entry { id } userErrors { field code message } } }', { i: { customerId, points: 10, kind: 'GIFT', description: 'Tea set' } }, tokens.owner)).rejects.toThrow(/CONFLICT: Not enough points/);
  });
});
