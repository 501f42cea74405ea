import { customerCreatedV1, customerUpdatedV1 } from '@crm/contracts';
import type { RunningService } from '@crm/kernel';
import { announceCustomer, eventually, graphql, newCustomerId, tokenFor } from '@crm/testing';
import type { mongo } from 'mongoose';
import { eventsOf, ok, okPayload, publishForeign, RUN, startEngagement, user, type FixedClock } from './engagement-fixture';

const FU = 'id stage kind goal dueAt status overdue origin assignee { id } plannedBy { id } previous { id } next { id kind dueAt } completion { by recordId completedBy { id } late }';
const FOLLOW_UPS = `query($id: ID!, $status: FollowUpStatus) { _entities(representations: [{ __typename: "Customer", id: $id }]) { ... on Customer { followUps(status: $status) { ${FU} } } } }`;
const COMPLETE = `mutation($input: CompleteFollowUpInput!) { completeFollowUp(input: $input) { followUp { ${FU} } userErrors { field code message } } }`;
const PLAN = `mutation($input: PlanFollowUpInput!) { planFollowUp(input: $input) { followUp { ${FU} } userErrors { field code message } } }`;
const DUE = `query($staffId: ID, $from: DateTime!, $to: DateTime!) { followUpsDue(staffId: $staffId, from: $from, to: $to) { id kind customer { id } } }`;
const OVERDUE = `query($staffId: ID) { overdueFollowUps(staffId: $staffId) { id kind overdue } }`;
const LOG = `mutation($input: LogInteractionInput!) { logInteraction(input: $input) { interaction { id } userErrors { field code message } } }`;

jest.setTimeout(120_000);

// Wednesday 15 January 2025, 10:00 in China.
const NOW = '2025-01-15T02:00:00Z';
const DEPT = `D-FU-${RUN}`;
type FollowUp = { id: string; stage: string; kind: string; dueAt: string; status: string; overdue: boolean; origin: string; next: { id: string; kind: string; dueAt: string } | null; completion: { by: string; recordId: string | null; late: boolean } | null };

describe('engagement: follow-up plans per purchase stage', () => {
  let service: RunningService;
  let clock: FixedClock;
  let t: Record<'alice' | 'bob' | 'east' | 'west' | 'partner', string>;
  let prospect: string;
  const commands: mongo.CommandStartedEvent[] = [];
  const customer = (id: string, lifecycle: string) => ({ id, name: `Prospect ${id.slice(-4)}`, kind: 'ORGANISATION', lifecycle, ownerConsultantId: user('alice'), departmentId: DEPT, region: null });
  const followUpsOf = async (id: string, status?: string): Promise<FollowUp[]> => (await ok(service, FOLLOW_UPS, { id, status }, t.alice))._entities[0].followUps;

  beforeAll(async () => {
    ({ service, clock } = await startEngagement(NOW, { MONGO_MONITOR_COMMANDS: 'true', FOLLOW_UP_WATCH_INTERVAL_MS: '200' }));
    service.connection.getClient().on('commandStarted', (event: mongo.CommandStartedEvent) => commands.push(event));
    t = {
      alice: await tokenFor({ sub: user('alice'), roles: ['consultant'], department_id: DEPT }),
      bob: await tokenFor({ sub: user('bob'), roles: ['consultant'], department_id: DEPT }),
      east: await tokenFor({ sub: user('mgr-east'), roles: ['department_manager'], department_id: DEPT }),
      west: await tokenFor({ sub: user('mgr-west'), roles: ['department_manager'], department_id: `D-FU-W-${RUN}` }),
      partner: await tokenFor({ sub: user('portal'), roles: ['partner'], partner_id: 'P-9' }),
    };
    prospect = newCustomerId();
    await publishForeign(service, customerCreatedV1, prospect, { customer: customer(prospect, 'PROSPECT') }, { time: new Date(NOW) });
    await eventually(async () => {
      if ((await followUpsOf(prospect)).length === 0) throw new Error('no follow-up yet');
    });
  });
  afterAll(() => service.stop());

  it('contacts a new prospect after the cadence, and completing a contact schedules the next one', async () => {
    const [first] = await followUpsOf(prospect);
    expect(first).toMatchObject({ stage: 'PROSPECT', kind: 'CONTACT', status: 'PLANNED', origin: 'PROSPECT_START', dueAt: '2025-01-29T15:59:59.999Z', overdue: false, next: null });
    expect((await eventsOf(service, 'crm.engagement.follow-up.planned', first.id))[0].data).toMatchObject({ followUpId: first.id, customerId: prospect, staffId: user('alice'), stage: 'PROSPECT', kind: 'CONTACT', origin: 'PROSPECT_START' });

    clock.set('2025-01-28T02:00:00Z');
    const done = (await okPayload(service, COMPLETE, { input: { id: first.id, note: 'Budget approved for Q2' } }, t.alice)).followUp as FollowUp;
    expect(done).toMatchObject({ status: 'COMPLETED', completion: { by: 'EXPLICIT', recordId: null, late: false }, next: { kind: 'CONTACT', dueAt: '2025-02-11T15:59:59.999Z' } });
    const completed = await eventsOf(service, 'crm.engagement.follow-up.completed', first.id);
    expect(completed.map((e) => e.data)).toEqual([expect.objectContaining({ by: 'EXPLICIT', completedBy: user('alice'), nextFollowUpId: done.next!.id })]);
    const again = await graphql(service.url, COMPLETE, { input: { id: first.id } }, t.alice);
    expect(again.data?.completeFollowUp.userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT' })]);
  });

  it("completes the prospect's open follow-up from a logged interaction in its window, not from one weeks ahead of it", async () => {
    const [open] = await followUpsOf(prospect, 'PLANNED');
    // 28 January: the next contact is due 11 February, more than seven days ahead: it stays open.
    await okPayload(service, LOG, { input: { customerId: prospect, channel: 'PHONE', occurredAt: '2025-01-28T01:00:00Z', summary: 'Quick call' } }, t.alice);
    expect((await followUpsOf(prospect, 'PLANNED')).map((f) => f.id)).toEqual([open.id]);
    clock.set('2025-02-06T02:00:00Z');
    const logged = (await okPayload(service, LOG, { input: { customerId: prospect, channel: 'EMAIL', occurredAt: '2025-02-06T01:00:00Z', summary: 'Sent the quotation' } }, t.alice)).interaction;
    const all = await followUpsOf(prospect);
    expect(all.find((f) => f.id === open.id)).toMatchObject({ status: 'COMPLETED', completion: { by: 'INTERACTION', recordId: logged.id }, next: { kind: 'CONTACT', dueAt: '2025-02-20T15:59:59.999Z' } });
  });

  it('stops the prospect cadence on conversion and plans the buyer follow-ups, once however often the event comes', async () => {
    const update = { customer: customer(prospect, 'ACTIVE'), changes: [{ field: 'lifecycle', before: 'QUALIFYING', after: 'ACTIVE' }] };
    await publishForeign(service, customerUpdatedV1, prospect, { customer: customer(prospect, 'QUALIFYING'), changes: [{ field: 'lifecycle', before: 'PROSPECT', after: 'QUALIFYING' }] }, { time: new Date('2025-02-07T01:00:00Z') });
    await publishForeign(service, customerUpdatedV1, prospect, update, { time: new Date('2025-02-10T02:00:00Z') });
    await publishForeign(service, customerUpdatedV1, prospect, update, { time: new Date('2025-02-10T02:00:00Z') });
    await eventually(async () => {
      if ((await followUpsOf(prospect, 'PLANNED')).length < 3) throw new Error('no buyer follow-ups yet');
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await followUpsOf(prospect, 'PLANNED')).map((f) => [f.stage, f.kind, f.origin, f.dueAt])).toEqual([
      ['NEW_BUYER', 'USAGE_CHECK', 'CONVERSION', '2025-02-17T15:59:59.999Z'],
      ['NEW_BUYER', 'AFTER_SALES', 'CONVERSION', '2025-03-12T15:59:59.999Z'],
      ['NEW_BUYER', 'REPEAT_PURCHASE', 'CONVERSION', '2025-05-11T15:59:59.999Z'],
    ]);
    const cancelled = await followUpsOf(prospect, 'CANCELLED');
    expect(cancelled.map((f) => [f.stage, f.kind])).toEqual([['PROSPECT', 'CONTACT']]);
    expect((await eventsOf(service, 'crm.engagement.follow-up.cancelled', cancelled[0].id)).map((e) => e.data.reason)).toEqual(['CONVERTED']);
  });

  it("lists a staff member's due and overdue follow-ups, and raises an overdue one once", async () => {
    clock.set('2025-02-20T02:00:00Z');
    const due = (await ok(service, DUE, { from: '2025-02-01T00:00:00Z', to: '2025-04-01T00:00:00Z' }, t.alice)).followUpsDue;
    expect(due.map((f: { kind: string }) => f.kind)).toEqual(['USAGE_CHECK', 'AFTER_SALES']);
    const overdue = (await ok(service, OVERDUE, {}, t.alice)).overdueFollowUps;
    expect(overdue).toEqual([{ id: expect.any(String), kind: 'USAGE_CHECK', overdue: true }]);
    await eventually(async () => {
      if ((await eventsOf(service, 'crm.engagement.follow-up.overdue', overdue[0].id)).length === 0) throw new Error('not raised yet');
    });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await eventsOf(service, 'crm.engagement.follow-up.overdue', overdue[0].id)).toHaveLength(1);
    // A manager reads it; another department's manager sees none of the department's customers; a colleague and a partner are refused.
    expect((await ok(service, OVERDUE, { staffId: user('alice') }, t.east)).overdueFollowUps).toHaveLength(1);
    expect((await ok(service, OVERDUE, { staffId: user('alice') }, t.west)).overdueFollowUps).toEqual([]);
    for (const [token, variables] of [
      [t.bob, { staffId: user('alice') }],
      [t.partner, {}],
    ] as const) {
      expect((await graphql(service.url, OVERDUE, variables, token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect((await graphql(service.url, DUE, { from: '2025-02-01T00:00:00Z', to: '2025-04-01T00:00:00Z' }, t.partner)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('plans a follow-up by hand, refusing every bad input at once without a write', async () => {
    const before = await service.connection.collection('follow_ups').countDocuments();
    const bad = await graphql(service.url, PLAN, { input: { customerId: newCustomerId(), goal: 'x', dueAt: '2025-01-01T00:00:00Z' } }, t.alice);
    expect(bad.data?.planFollowUp.userErrors.map((e: { field: string[] }) => e.field.join('.'))).toEqual(['input.dueAt', 'input.customerId']);
    const forOther = await graphql(service.url, PLAN, { input: { customerId: prospect, goal: 'x', dueAt: '2025-03-01T00:00:00Z', staffId: user('alice') } }, t.bob);
    expect(forOther.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await service.connection.collection('follow_ups').countDocuments()).toBe(before);
    const planned = (await okPayload(service, PLAN, { input: { idempotencyKey: 'fu-1', customerId: prospect, kind: 'OTHER', goal: 'Invite to the seminar', dueAt: '2025-03-01T02:00:00Z' } }, t.alice)).followUp;
    expect(planned).toMatchObject({ stage: 'NEW_BUYER', kind: 'OTHER', origin: 'PLAN', assignee: { id: user('alice') }, plannedBy: { id: user('alice') } });
    expect((await okPayload(service, PLAN, { input: { idempotencyKey: 'fu-1', customerId: prospect, goal: 'Invite to the seminar', dueAt: '2025-03-01T02:00:00Z' } }, t.alice)).followUp.id).toBe(planned.id);
  });

  it("reads 50 customers' follow-ups with one read of the follow-ups", async () => {
    const ids = [prospect];
    for (let i = 1; i < 50; i += 1) ids.push(await announceCustomer(service, { owner: user('alice'), department: DEPT }));
    commands.length = 0;
    const data = await ok(service, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id followUps { id } } } }`, { r: ids.map((id) => ({ __typename: 'Customer', id })) }, t.east);
    expect(data._entities).toHaveLength(50);
    expect(data._entities[0].followUps.length).toBeGreaterThan(3);
    const reads = commands.filter((c) => {
      const command = c.command as { find?: string; aggregate?: string; filter?: Record<string, unknown> };
      return (command.find === 'follow_ups' || command.aggregate === 'follow_ups') && !JSON.stringify(command.filter ?? {}).includes('pendingEvents') && !JSON.stringify(command.filter ?? {}).includes('overdueRaisedAt');
    }).length;
    expect(reads).toBe(1);
    expect((await ok(service, FOLLOW_UPS, { id: prospect }, t.partner))._entities[0].followUps).toEqual([]);
  });
});
