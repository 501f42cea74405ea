import type { RunningService } from '@crm/kernel';
import { announceCustomer, eventually, graphql, tokenFor } from '@crm/testing';
import { orderDeliveredV1 } from '@crm/contracts';
import type { mongo } from 'mongoose';
import { ok, okPayload, orderDelivered, publishForeign, staffTokens, startEngagement, user, type FixedClock } from './engagement-fixture';

const FIGURES = 'id period visitsDone interactionsLogged returnVisitsMissed minutesDue minutesOverdue';
const ACTIVITY = `query($r: [_Any!]!, $period: String!) { _entities(representations: $r) { ... on Consultant { id engagementActivity(period: $period) { ${FIGURES} } } } }`;
const PLAN = `mutation($input: PlanVisitInput!) { planVisit(input: $input) { visit { id } userErrors { field code message } } }`;
const APPROVE = `mutation($input: ApproveVisitInput!) { approveVisit(input: $input) { visit { id } userErrors { field code message } } }`;
const REPORT = `mutation($input: ReportVisitInput!) { reportVisit(input: $input) { visit { id } userErrors { field code message } } }`;
const LOG = `mutation($input: LogInteractionInput!) { logInteraction(input: $input) { interaction { id } userErrors { field code message } } }`;
const MINUTES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { minutes { id source { kind } } } } }`;
const SAVE = `mutation($input: SaveMinutesDraftInput!) { saveMinutesDraft(input: $input) { minutes { id } userErrors { field code message } } }`;
const SUBMIT = `mutation($input: SubmitMinutesInput!) { submitMinutes(input: $input) { minutes { id } userErrors { field code message } } }`;
const WATCH = `mutation { runEngagementWatches { summary { returnVisitsMissed } userErrors { code } } }`;

jest.setTimeout(120_000);

describe('engagement: consultant activity KPIs', () => {
  let service: RunningService;
  let clock: FixedClock;
  let t: Awaited<ReturnType<typeof staffTokens>>;
  const commands: mongo.CommandStartedEvent[] = [];
  const consultants = (...names: string[]) => names.map((name) => ({ __typename: 'Consultant', id: user(name) }));
  const activity = async (token: string, period: string, ...names: string[]) => (await ok(service, ACTIVITY, { r: consultants(...names), period }, token))._entities.map((e: { engagementActivity: unknown }) => e.engagementActivity);

  beforeAll(async () => {
    // Monday 13 January 2025, 10:00 in China.
    ({ service, clock } = await startEngagement('2025-01-13T02:00:00Z', { MONGO_MONITOR_COMMANDS: 'true' }));
    service.connection.getClient().on('commandStarted', (event: mongo.CommandStartedEvent) => commands.push(event));
    t = await staffTokens();
    const customerId = await announceCustomer(service, { owner: user('alice'), department: 'D-EAST' });
    // 1 January 01:00 in China is still 31 December in UTC: it counts for January in the calendar's time zone.
    await okPayload(service, LOG, { input: { customerId, channel: 'PHONE', occurredAt: '2024-12-31T17:00:00Z', summary: 'New-year call' } }, t.alice);
    // A meeting on Monday opens minutes due Wednesday; nobody writes them.
    await okPayload(service, LOG, { input: { customerId, channel: 'FACE_TO_FACE', occurredAt: '2025-01-13T01:00:00Z', summary: 'Met the buyer' } }, t.alice);
    // A visit reported on Tuesday opens minutes due Thursday, submitted on Wednesday.
    const visit = (await okPayload(service, PLAN, { input: { customerId, purpose: 'Pump inspection', plannedAt: '2025-01-14T02:00:00Z' } }, t.alice)).visit;
    await okPayload(service, APPROVE, { input: { id: visit.id } }, t.east);
    clock.set('2025-01-14T06:00:00Z');
    await okPayload(service, REPORT, { input: { id: visit.id, visitedAt: '2025-01-14T02:00:00Z', customerReaction: 'Pleased' } }, t.alice);
    // Minutes are opened from the visit's event: wait for them.
    const ofVisit = await eventually(async () => {
      const minutes = (await ok(service, MINUTES, { r: [{ __typename: 'Customer', id: customerId }] }, t.alice))._entities[0].minutes as { id: string; source: { kind: string } }[];
      const found = minutes.find((m) => m.source.kind === 'VISIT');
      if (!found) throw new Error('no minutes of the visit yet');
      return found;
    });
    clock.set('2025-01-15T02:00:00Z');
    await okPayload(service, SAVE, { input: { id: ofVisit.id, text: 'Seal replaced; quotation for 3 pumps' } }, t.alice);
    await okPayload(service, SUBMIT, { input: { id: ofVisit.id } }, t.alice);
    // Delivered 14 December: the first return visit falls due 14 January and is missed after a week's grace.
    const delivered = orderDelivered(customerId, { consultantId: user('alice'), deliveredAt: '2024-12-14T02:00:00Z' });
    await publishForeign(service, orderDeliveredV1, delivered.orderId, delivered);
    await eventually(async () => {
      if ((await service.connection.collection('return_visits').countDocuments({ customerId })) === 0) throw new Error('no schedule yet');
    });
    clock.set('2025-01-23T02:00:00Z');
    await ok(service, WATCH, {}, t.gm);
  });
  afterAll(() => service.stop());

  it("counts a consultant's visits, interactions, missed return visits and late minutes in a month of the calendar's time zone", async () => {
    const [alice, bob] = await activity(t.east, '2025-01', 'alice', 'bob');
    expect(alice).toEqual({ id: `${user('alice')}:engagement-activity:2025-01`, period: '2025-01', visitsDone: 1, interactionsLogged: 2, returnVisitsMissed: 1, minutesDue: 2, minutesOverdue: 1 });
    expect(bob).toMatchObject({ visitsDone: 0, interactionsLogged: 0, returnVisitsMissed: 0, minutesDue: 0, minutesOverdue: 0 });
    const [december] = await activity(t.alice, '2024-12', 'alice');
    expect(december).toMatchObject({ interactionsLogged: 0, visitsDone: 0 });
    const [quarter] = await activity(t.alice, '2025-Q1', 'alice');
    expect(quarter).toMatchObject({ interactionsLogged: 2, visitsDone: 1, minutesOverdue: 1 });
  });

  it('costs one aggregation per collection for a batch of consultants, counting in the database', async () => {
    commands.length = 0;
    await activity(t.gm, '2025-01', 'alice', 'bob', 'carl');
    const reads = (collection: string) =>
      commands.filter((c) => {
        const command = c.command as { find?: string; aggregate?: string; filter?: Record<string, unknown> };
        // The outbox relay polls the same collections for pending events: not the KPI's reads.
        return (command.find === collection || command.aggregate === collection) && !JSON.stringify(command.filter ?? {}).includes('pendingEvents');
      }).length;
    expect(['visits', 'interactions', 'return_visits', 'minutes'].map((c) => [c, reads(c)])).toEqual([
      ['visits', 1],
      ['interactions', 1],
      ['return_visits', 1],
      ['minutes', 1],
    ]);
  });

  it("shows a consultant their own figures only, a manager of another department none of this department's work, a partner nothing", async () => {
    expect(await activity(t.bob, '2025-01', 'alice', 'bob')).toEqual([null, expect.objectContaining({ visitsDone: 0 })]);
    expect(await activity(t.west, '2025-01', 'alice')).toEqual([expect.objectContaining({ visitsDone: 0, interactionsLogged: 0, minutesDue: 0 })]);
    expect(await activity(t.partner, '2025-01', 'alice')).toEqual([null]);
  });

  it('counts minutes submitted at their due time exactly as on time, and a millisecond later as overdue', async () => {
    const customers = [await announceCustomer(service, { owner: user('dora'), department: 'D-EAST' }), await announceCustomer(service, { owner: user('dora'), department: 'D-EAST' })];
    const dora = await tokenFor({ sub: user('dora'), roles: ['consultant'], department_id: 'D-EAST' });
    // Monday 3 February: a meeting with each customer, whose minutes are due Wednesday 5 February, 23:59:59.999 in China.
    clock.set('2025-02-03T05:00:00Z');
    for (const customerId of customers) await okPayload(service, LOG, { input: { customerId, channel: 'FACE_TO_FACE', occurredAt: '2025-02-03T02:00:00Z', summary: 'Met the buyer' } }, dora);
    // The meeting's minutes obligation may be opened just after the interaction's write: wait for it.
    const minutesOf = (customerId: string) =>
      eventually(async () => {
        const [minutes] = (await ok(service, MINUTES, { r: [{ __typename: 'Customer', id: customerId }] }, dora))._entities[0].minutes as { id: string }[];
        if (!minutes) throw new Error('no minutes yet');
        return minutes.id;
      });
    const [first, second] = [await minutesOf(customers[0]), await minutesOf(customers[1])];
    const submitAt = async (id: string, at: string) => {
      clock.set(at);
      await okPayload(service, SAVE, { input: { id, text: 'Agreed the next steps' } }, dora);
      await okPayload(service, SUBMIT, { input: { id } }, dora);
    };
    await submitAt(first, '2025-02-05T15:59:59.999Z');
    await submitAt(second, '2025-02-05T16:00:00.000Z');
    const [figures] = await activity(dora, '2025-02', 'dora');
    expect(figures).toMatchObject({ minutesDue: 2, minutesOverdue: 1, interactionsLogged: 2 });
  });

  it('refuses a malformed period with BAD_USER_INPUT', async () => {
    const res = await graphql(service.url, ACTIVITY, { r: consultants('alice'), period: '2025-1' }, t.alice);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
