import type { RunningService } from '@crm/kernel';
import { announceCustomer, eventually, graphql } from '@crm/testing';
import type { mongo } from 'mongoose';
import { orderDeliveredV1 } from '@crm/contracts';
import { ok, okPayload, orderDelivered, publishForeign, staffTokens, startEngagement, user, type FixedClock } from './engagement-fixture';

const ITEM = 'id kind title dueAt overdue state customer { id } record { __typename ... on Visit { id purpose } ... on Minutes { id status } ... on ReturnVisit { id sequence } ... on FollowUp { id } ... on CareTask { id } }';
const WEEKLY = `query($staffId: ID) { weeklyBoard(staffId: $staffId) { id kind itemCount truncated staffMember { id } columns { key label from to items { ${ITEM} } } } }`;
const MONTHLY = `query($staffId: ID, $month: String) { monthlyBoard(staffId: $staffId, month: $month) { kind itemCount columns { key label items { kind dueAt } } } }`;
const PLAN = `mutation($input: PlanVisitInput!) { planVisit(input: $input) { visit { id } userErrors { field code message } } }`;
const APPROVE = `mutation($input: ApproveVisitInput!) { approveVisit(input: $input) { visit { id } userErrors { field code message } } }`;
const LOG = `mutation($input: LogInteractionInput!) { logInteraction(input: $input) { interaction { id } userErrors { field code message } } }`;

jest.setTimeout(120_000);

// Wednesday 15 January 2025, 10:00 in China.
const NOW = '2025-01-15T02:00:00Z';

type Item = { kind: string; title: string; dueAt: string; overdue: boolean; state: string; customer: { id: string } | null; record: { __typename: string; id: string } };
type Board = { id: string; itemCount: number; truncated: boolean; staffMember: { id: string }; columns: { key: string; label: string; items: Item[] }[] };

describe('engagement: kanban boards', () => {
  let service: RunningService;
  let clock: FixedClock;
  let t: Awaited<ReturnType<typeof staffTokens>>;
  let customerId: string;
  const commands: mongo.CommandStartedEvent[] = [];

  beforeAll(async () => {
    ({ service, clock } = await startEngagement('2025-01-13T02:00:00Z', { MONGO_MONITOR_COMMANDS: 'true' }));
    service.connection.getClient().on('commandStarted', (event: mongo.CommandStartedEvent) => commands.push(event));
    t = await staffTokens();
    customerId = await announceCustomer(service, { owner: user('alice'), department: 'D-EAST' });
    // Monday: a visit planned for Thursday, approved; a face-to-face meeting opens minutes due Wednesday 23:59.
    const visit = (await okPayload(service, PLAN, { input: { customerId, purpose: 'Pump inspection', plannedAt: '2025-01-16T02:00:00Z' } }, t.alice)).visit;
    await okPayload(service, APPROVE, { input: { id: visit.id } }, t.east);
    await okPayload(service, LOG, { input: { customerId, channel: 'FACE_TO_FACE', occurredAt: '2025-01-13T01:00:00Z', summary: 'Met the buyer' } }, t.alice);
    // A delivery on 14 December 2024: the first monthly return visit fell due on 14 January (yesterday, seen from Wednesday).
    const delivered = orderDelivered(customerId, { consultantId: user('alice'), deliveredAt: '2024-12-14T02:00:00Z' });
    await publishForeign(service, orderDeliveredV1, delivered.orderId, delivered);
    clock.set(NOW);
    await eventually(async () => {
      const board = await weekly(t.alice);
      if (board.itemCount < 3) throw new Error(`${board.itemCount} items so far`);
    });
  });
  afterAll(() => service.stop());

  const weekly = async (token: string, staffId?: string): Promise<Board> => (await ok(service, WEEKLY, { staffId }, token)).weeklyBoard;
  const column = (board: Board, key: string) => board.columns.find((c) => c.key === key)!;

  it("assembles the caller's week from visits, minutes and return visits, each in the column of its due day", async () => {
    const board = await weekly(t.alice);
    expect(board.staffMember.id).toBe(user('alice'));
    expect(board.columns.map((c) => [c.key, c.label])).toEqual([
      ['OVERDUE', 'Overdue'],
      ['TODAY', '2025-01-15'],
      ['TOMORROW', '2025-01-16'],
      ['THIS_WEEK', '2025-01-17 to 2025-01-19'],
    ]);
    expect(column(board, 'OVERDUE').items.map((i) => [i.kind, i.state, i.overdue, i.record.__typename])).toEqual([['RETURN_VISIT', 'DUE', true, 'ReturnVisit']]);
    expect(column(board, 'TODAY').items.map((i) => [i.kind, i.state, i.overdue])).toEqual([['MINUTES', 'DRAFT', false]]);
    expect(column(board, 'TOMORROW').items.map((i) => [i.kind, i.state, i.title])).toEqual([['VISIT', 'APPROVED', 'Visit: Pump inspection']]);
    expect(column(board, 'THIS_WEEK').items).toEqual([]);
    expect(board.itemCount).toBe(3);
    expect(board.truncated).toBe(false);
    expect(board.columns.flatMap((c) => c.items).every((i) => i.customer?.id === customerId)).toBe(true);
  });

  it('costs one query per kind of work and one visibility check, whatever the number of items', async () => {
    commands.length = 0;
    await weekly(t.east, user('alice'));
    const reads = (collection: string) =>
      commands.filter((c) => {
        const command = c.command as { find?: string; aggregate?: string; filter?: Record<string, unknown> };
        return (command.find === collection || command.aggregate === collection) && !JSON.stringify(command.filter ?? {}).includes('pendingEvents');
      }).length;
    expect(['visits', 'minutes', 'return_visits', 'follow_ups', 'care_tasks'].map((c) => [c, reads(c)])).toEqual([
      ['visits', 1],
      ['minutes', 1],
      ['return_visits', 1],
      ['follow_ups', 1],
      ['care_tasks', 1],
    ]);
    expect(reads('customer_scopes')).toBeLessThanOrEqual(1);
  });

  it('shows the month by its weeks, with the monthly return visits that fall in it', async () => {
    const board = (await ok(service, MONTHLY, { month: '2025-02' }, t.alice)).monthlyBoard;
    expect(board.columns.map((c: { label: string }) => c.label)).toEqual(['2025-02-01 to 2025-02-02', '2025-02-03 to 2025-02-09', '2025-02-10 to 2025-02-16', '2025-02-17 to 2025-02-23', '2025-02-24 to 2025-02-28']);
    expect(board.columns[2].items).toEqual([{ kind: 'RETURN_VISIT', dueAt: expect.stringMatching(/^2025-02-1/) }]);
    const bad = await graphql(service.url, MONTHLY, { month: '2025-2' }, t.alice);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it("lets the department manager and the coordinator read a consultant's board, not another consultant or a partner", async () => {
    expect((await weekly(t.east, user('alice'))).itemCount).toBe(3);
    // The west manager may open the board but sees nothing of the east department's customers.
    expect((await weekly(t.west, user('alice'))).itemCount).toBe(0);
    expect((await graphql(service.url, WEEKLY, { staffId: user('alice') }, t.coordinator)).errors).toBeUndefined();
    for (const token of [t.bob, t.partner]) {
      const res = await graphql(service.url, WEEKLY, { staffId: user('alice') }, token);
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const own = await graphql(service.url, WEEKLY, {}, t.partner);
    expect(own.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('puts a follow-up on the board in the column of its due day, as its own record type', async () => {
    const planned = await okPayload(service, `mutation($input: PlanFollowUpInput!) { planFollowUp(input: $input) { followUp { id } userErrors { field code message } } }`, { input: { customerId, goal: 'Send the quotation for 3 pumps', dueAt: '2025-01-17T08:00:00Z' } }, t.alice);
    const board = await weekly(t.alice);
    const friday = column(board, 'THIS_WEEK').items;
    expect(friday.map((i) => [i.kind, i.state, i.title, i.record.__typename, i.record.id])).toEqual([['FOLLOW_UP', 'PLANNED', 'Follow-up: Send the quotation for 3 pumps', 'FollowUp', planned.followUp.id]]);
  });

  it("shows nothing on another consultant's own board", async () => {
    expect((await weekly(t.bob)).itemCount).toBe(0);
  });
});
