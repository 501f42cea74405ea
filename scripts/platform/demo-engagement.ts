// Demo data for engagement, through the gateway: approved, pending and rejected visit plans, a reported visit with
// its minutes in review, minutes left overdue (a face-to-face meeting ten days ago), and a customer event whose
// contested invitation the coordinator resolved. Return visits and loyalty ledgers follow from credit's deliveries
// (the credit demo's delivered orders); a missed return visit needs a delivery more than a month old.
import { call, callWhenKnown } from './demo-data';
import { seedEngagementReports } from './demo-engagement-reports';
import { seedEngagementCare } from './demo-engagement-care';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * `tokens`: demoTokens() (generalManager), plus three the conflict needs, which demoTokens does not sign yet:
 * `marketingEast` and `marketingWest` (marketing, who read every customer, with department_id D-EAST / D-WEST) and
 * `coordinator`. Without them the event is seeded without invitations.
 */
export async function seedEngagement(gatewayUrl: string, tokens: Record<string, string>, customers: string[], log: (line: string) => void): Promise<void> {
  const now = Date.now();
  const gm = tokens.generalManager;
  const [c1, c2, c3, c4, c5] = customers;
  const VISIT = 'visit { id status } userErrors { field code message }';
  const plan = (customerId: string, key: string, purpose: string, inDays: number, kind = 'SALES') =>
    callWhenKnown(gatewayUrl, `mutation($i: PlanVisitInput!) { planVisit(input: $i) { ${VISIT} } }`, { i: { idempotencyKey: key, customerId, staffId: 'c-wang', kind, purpose, goals: ['Learn next quarter\u2019s demand'], plannedAt: iso(now + inDays * DAY) } }, gm);

  // Visits: two approved (one reported), one waiting for the manager, one rejected.
  const approved = (await plan(c1, 'demo-visit-1', 'Maintenance check of the installed pumps', 1, 'MAINTENANCE')).planVisit.visit.id;
  const second = (await plan(c2, 'demo-visit-2', 'Present the new P-300 series', 3)).planVisit.visit.id;
  await plan(c3, 'demo-visit-3', 'Discuss the annual framework contract', 5);
  const rejected = (await plan(c4, 'demo-visit-4', 'Courtesy visit before the holidays', 2, 'COURTESY')).planVisit.visit.id;
  for (const id of [approved, second]) await call(gatewayUrl, `mutation($i: ApproveVisitInput!) { approveVisit(input: $i) { ${VISIT} } }`, { i: { id, note: 'Bring the service log' } }, gm);
  await call(gatewayUrl, `mutation($i: RejectVisitInput!) { rejectVisit(input: $i) { ${VISIT} } }`, { i: { id: rejected, reason: 'Combine it with the seminar invitation next month' } }, gm);
  await call(
    gatewayUrl,
    `mutation($i: ReportVisitInput!) { reportVisit(input: $i) { ${VISIT} } }`,
    {
      i: {
        id: approved,
        visitedAt: iso(now - 3600_000),
        questionsRaised: 'Spare-part lead times for the seals',
        wishes: 'A quarterly service contract',
        importantMatters: [{ matter: 'Pump 2 vibrates under load', handling: 'Bearing replaced on site' }],
        marketSituation: 'Demand up with the new plant',
        competitorMoves: 'A competitor offers a 3-year warranty',
        competitorSalesPolicies: 'Free installation above 10 units',
        customerReaction: 'Satisfied; asks for a quotation',
      },
    },
    gm,
  );

  // The reported visit's minutes, written and submitted for review.
  const read = await call(gatewayUrl, 'query($id: ID!) { customer(id: $id) { minutes(first: 1) { id status } } }', { id: c1 }, gm);
  const minutesId = read.customer.minutes?.[0]?.id as string | undefined;
  if (minutesId) {
    const M = 'minutes { id status } userErrors { field code message }';
    await call(gatewayUrl, `mutation($i: SaveMinutesDraftInput!) { saveMinutesDraft(input: $i) { ${M} } }`, { i: { id: minutesId, text: 'Bearing replaced on pump 2; quotation for a service contract by Friday', attendees: ['Mr Qian (plant manager)'] } }, gm);
    await call(gatewayUrl, `mutation($i: SubmitMinutesInput!) { submitMinutes(input: $i) { ${M} } }`, { i: { id: minutesId } }, gm);
  }

  // A face-to-face meeting ten days ago whose minutes were never written: overdue (the watch raises it once).
  await callWhenKnown(
    gatewayUrl,
    'mutation($i: LogInteractionInput!) { logInteraction(input: $i) { interaction { id } userErrors { field code message } } }',
    { i: { idempotencyKey: 'demo-meeting-overdue', customerId: c5 ?? c2, channel: 'FACE_TO_FACE', occurredAt: iso(now - 10 * DAY), staffId: 'c-wang', summary: 'Negotiated the spring order in person', nextStep: 'Send the minutes' } },
    gm,
  );

  // A seminar in two weeks: the owner's department confirms a customer; another department contests it.
  const event = await call(
    gatewayUrl,
    'mutation($i: CreateCustomerEventInput!) { createCustomerEvent(input: $i) { customerEvent { id } userErrors { field code message } } }',
    { i: { idempotencyKey: 'demo-seminar', kind: 'SEMINAR', title: 'Energy-efficient pumping seminar', date: iso(now + 14 * DAY).slice(0, 10), timeOfDay: 'AFTERNOON', capacity: 40 } },
    gm,
  );
  const eventId = event.createCustomerEvent.customerEvent.id as string;
  const INVITE = 'mutation($i: InviteCustomerToEventInput!) { inviteCustomerToEvent(input: $i) { invitation { id } userErrors { field code message } } }';
  if (tokens.marketingEast && tokens.marketingWest && tokens.coordinator) {
    const east = await call(gatewayUrl, INVITE, { i: { eventId, customerId: c2 } }, tokens.marketingEast);
    const west = await call(gatewayUrl, INVITE, { i: { eventId, customerId: c2 } }, tokens.marketingWest);
    await call(gatewayUrl, 'mutation($i: ConfirmInvitationInput!) { confirmInvitation(input: $i) { invitation { id } userErrors { field code message } } }', { i: { id: east.inviteCustomerToEvent.invitation.id } }, tokens.marketingEast);
    await call(
      gatewayUrl,
      'mutation($i: ResolveInvitationConflictInput!) { resolveInvitationConflict(input: $i) { invitation { id } userErrors { field code message } } }',
      { i: { invitationId: west.inviteCustomerToEvent.invitation.id, reason: 'West ran the customer\u2019s pilot project' } },
      tokens.coordinator,
    );
  }
  log(`engagement demo: visits (approved, pending, rejected, reported), minutes in review and overdue, seminar ${eventId}`);
  await seedEngagementReports(gatewayUrl, tokens, customers, log);
  await seedEngagementCare(gatewayUrl, tokens, log);
}
