import { orderDeliveredV1 } from '@crm/contracts';
import type { RunningService } from '@crm/kernel';
import { announceCustomer, eventually, graphql } from '@crm/testing';
import { eventsOf, ok, okPayload, orderDelivered, publishForeign, staffTokens, startEngagement, user, type FixedClock } from './engagement-fixture';

const RV = 'id orderId sequence dueAt missedAfter status assignee { id } completion { kind recordId completedBy { id } late }';
const CUSTOMER_RVS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id returnVisits(first: 100) { ${RV} } } } }`;
const LOG = `mutation($input: LogInteractionInput!) { logInteraction(input: $input) { interaction { id } userErrors { field code message } } }`;
const PLAN = `mutation($input: PlanVisitInput!) { planVisit(input: $input) { visit { id } userErrors { field code message } } }`;
const APPROVE_VISIT = `mutation($input: ApproveVisitInput!) { approveVisit(input: $input) { visit { id } userErrors { field code message } } }`;
const REPORT_VISIT = `mutation($input: ReportVisitInput!) { reportVisit(input: $input) { visit { id } userErrors { field code message } } }`;
const MISSED = `query($staffId: ID) { missedReturnVisits(staffId: $staffId, first: 100) { id sequence status } }`;
const WATCH = `mutation { runEngagementWatches { summary { returnVisitsGenerated returnVisitsMissed } userErrors { code } } }`;

jest.setTimeout(90_000);

// Delivered on Wednesday 15 January 2025 (10:00 in China); the service looks on the 16th.
const NOW = '2025-01-16T01:00:00Z';

describe('engagement: return visits from credit deliveries', () => {
  let service: RunningService;
  let clock: FixedClock;
  let t: Awaited<ReturnType<typeof staffTokens>>;

  beforeAll(async () => {
    ({ service, clock } = await startEngagement(NOW));
    t = await staffTokens();
  });
  afterAll(() => service.stop());
  beforeEach(() => clock.set(NOW));

  type Rv = { id: string; sequence: number; dueAt: string; status: string; completion: null | { kind: string; recordId: string; late: boolean } };
  const returnVisitsOf = async (customerId: string): Promise<Rv[]> => (await ok(service, CUSTOMER_RVS, { r: [{ __typename: 'Customer', id: customerId }] }, t.east))._entities[0].returnVisits;
  const deliver = async (customerId: string, options: { id?: string } = {}) => {
    const data = orderDelivered(customerId);
    const eventId = await publishForeign(service, orderDeliveredV1, data.orderId, data, options);
    return { data, eventId };
  };
  const scheduled = (customerId: string, count: number) =>
    eventually(async () => {
      const found = await returnVisitsOf(customerId);
      if (found.length < count) throw new Error(`${found.length} return visits so far`);
      return found;
    });
  const logInteraction = (customerId: string, returnVisitId: string) =>
    graphql(service.url, LOG, { input: { customerId, channel: 'PHONE', occurredAt: '2025-01-16T00:30:00Z', summary: 'Return call: pumps running well', returnVisitId } }, t.alice);

  it('generates monthly return visits over the rolling horizon, once per delivery event', async () => {
    const customerId = await announceCustomer(service, { owner: user('alice'), department: 'D-EAST' });
    const { data, eventId } = await deliver(customerId);
    const found = await scheduled(customerId, 6);
    expect(found.map((v) => [v.sequence, v.dueAt])).toEqual([
      [1, '2025-02-15T15:59:59.999Z'],
      [2, '2025-03-15T15:59:59.999Z'],
      [3, '2025-04-15T15:59:59.999Z'],
      [4, '2025-05-15T15:59:59.999Z'],
      [5, '2025-06-15T15:59:59.999Z'],
      [6, '2025-07-15T15:59:59.999Z'],
    ]);
    expect(found[0]).toMatchObject({ orderId: data.orderId, status: 'DUE', assignee: { id: user('alice') }, completion: null });

    // The same delivery event again (a replay; the consumer's processed ids catch it, the schedule's unique delivery
    // event id stands behind them once those have expired): no second schedule.
    await publishForeign(service, orderDeliveredV1, data.orderId, data, { id: eventId });
    // A later delivery on the same consumer: once it is scheduled, the replay before it has been handled.
    const later = await announceCustomer(service);
    await deliver(later);
    await scheduled(later, 6);
    expect(await returnVisitsOf(customerId)).toHaveLength(6);
    expect(await service.connection.collection('return_visit_schedules').countDocuments({ deliveryEventId: eventId })).toBe(1);
  });

  it('completes a return visit by an interaction that records it; a second recording is a CONFLICT and writes nothing', async () => {
    const customerId = await announceCustomer(service, { owner: user('alice'), department: 'D-EAST' });
    await deliver(customerId);
    const [first] = await scheduled(customerId, 6);
    const logged = await logInteraction(customerId, first.id);
    expect(logged.data!.logInteraction.userErrors).toEqual([]);
    const [done] = await returnVisitsOf(customerId);
    expect(done).toMatchObject({ status: 'COMPLETED', completion: { kind: 'INTERACTION', recordId: logged.data!.logInteraction.interaction.id, late: false } });

    const before = await service.connection.collection('interactions').countDocuments({ customerId });
    const again = await logInteraction(customerId, first.id);
    expect(again.data!.logInteraction).toEqual({ interaction: null, userErrors: [expect.objectContaining({ code: 'CONFLICT' })] });
    expect(await service.connection.collection('interactions').countDocuments({ customerId })).toBe(before);
  });

  it('refuses a return visit of another customer or a malformed id on input.returnVisitId, writing nothing', async () => {
    const [a, b] = [await announceCustomer(service, { owner: user('alice') }), await announceCustomer(service, { owner: user('alice') })];
    await deliver(a);
    const [ofA] = await scheduled(a, 1);
    const other = await logInteraction(b, ofA.id);
    expect(other.data!.logInteraction.userErrors).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field: ['input', 'returnVisitId'], message: expect.stringMatching(/another customer/) })]);
    const malformed = await logInteraction(b, 'nope');
    expect(malformed.data!.logInteraction.userErrors).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field: ['input', 'returnVisitId'] })]);
    expect(await service.connection.collection('interactions').countDocuments({ customerId: b })).toBe(0);
    expect((await returnVisitsOf(a))[0].status).toBe('DUE');
  });

  it('raises a missed return visit once, extends the horizon as time passes, and lets a visit complete it late', async () => {
    const customerId = await announceCustomer(service, { owner: user('alice'), department: 'D-EAST' });
    await deliver(customerId);
    const [first] = await scheduled(customerId, 6);

    // 22 February, 23:59:59.999 in China is the last moment of the grace for the first return visit.
    clock.set('2025-02-22T15:59:59.999Z');
    const extended = (await ok(service, WATCH, {}, t.gm)).runEngagementWatches.summary;
    // 15 August now lies within six months: the 7th return visit exists.
    expect(extended.returnVisitsGenerated).toBeGreaterThanOrEqual(1);
    expect((await returnVisitsOf(customerId)).map((v) => [v.sequence, v.status])).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => [n, 'DUE']));
    clock.set('2025-02-22T16:00:00Z');
    const watched = (await ok(service, WATCH, {}, t.gm)).runEngagementWatches.summary;
    expect(watched.returnVisitsMissed).toBeGreaterThanOrEqual(1);
    await ok(service, WATCH, {}, t.gm);
    expect((await ok(service, MISSED, { staffId: user('alice') }, t.east)).missedReturnVisits).toContainEqual({ id: first.id, sequence: 1, status: 'MISSED' });
    expect((await ok(service, MISSED, {}, t.bob)).missedReturnVisits.map((v: { id: string }) => v.id)).not.toContain(first.id);
    const events = await eventsOf(service, 'crm.engagement.return-visit.missed', first.id);
    expect(events).toHaveLength(1);
    expect(events[0].data).toMatchObject({ returnVisitId: first.id, customerId, sequence: 1, staffId: user('alice'), dueAt: '2025-02-15T15:59:59.999Z' });

    const visit = (await okPayload(service, PLAN, { input: { customerId, purpose: 'Late return visit', plannedAt: '2025-02-24T02:00:00Z' } }, t.alice)).visit;
    await okPayload(service, APPROVE_VISIT, { input: { id: visit.id } }, t.east);
    clock.set('2025-02-24T06:00:00Z');
    await okPayload(service, REPORT_VISIT, { input: { id: visit.id, visitedAt: '2025-02-24T02:00:00Z', returnVisitId: first.id } }, t.alice);
    expect((await returnVisitsOf(customerId))[0]).toMatchObject({ status: 'COMPLETED', completion: { kind: 'VISIT', recordId: visit.id, late: true } });
  });
});
