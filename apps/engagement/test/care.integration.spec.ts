import { customerCreatedV1, customerUpdatedV1 } from '@crm/contracts';
import type { RunningService } from '@crm/kernel';
import { eventually, graphql, handOverCustomer, newCustomerId } from '@crm/testing';
import { eventsAbout, ok, okPayload, publishForeign, staffTokens, startEngagement, user, type FixedClock } from './engagement-fixture';

const GENERATE = `mutation { generateCareTasks { generation { birthdayGreetings holidayGreetings newYearGifts demandPlanRequests } userErrors { code } } }`;
const TASKS = `query($staffId: ID, $from: Date!, $to: Date!) { careTasks(staffId: $staffId, from: $from, to: $to) { id kind title dueOn dueAt status assignee { id } customer { id } completion { by { id } note } } }`;
const COMPLETE = `mutation($input: CompleteCareTaskInput!) { completeCareTask(input: $input) { careTask { id status completion { note } } userErrors { field code message } } }`;
const EXPENSE = 'careExpense { id kind status amount { amountMinor currency } budget { amountMinor currency } decision { approved reason decidedBy { id } } } userErrors { field code message }';
const RECORD = `mutation($input: RecordCareExpenseInput!) { recordCareExpense(input: $input) { ${EXPENSE} } }`;
const APPROVE = `mutation($input: ApproveCareExpenseInput!) { approveCareExpense(input: $input) { ${EXPENSE} } }`;
const REJECT = `mutation($input: RejectCareExpenseInput!) { rejectCareExpense(input: $input) { ${EXPENSE} } }`;
const WAITING = `query { careExpensesAwaitingApproval { id status } }`;
const CUSTOMER_EXPENSES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id careExpenses { id status kind } } } }`;

jest.setTimeout(90_000);

interface CareCustomer {
  kind?: 'ORGANISATION' | 'INDIVIDUAL';
  lifecycle?: string;
  birthday?: string | null;
  filed?: boolean;
  category?: string;
  owner?: string;
}

describe('engagement: customer care', () => {
  let service: RunningService;
  let clock: FixedClock;
  let t: Awaited<ReturnType<typeof staffTokens>>;

  beforeAll(async () => {
    // National Day 2025 (1-3 and 6-8 October, a weekend between) and New Year's Day 2026; budgets in fen.
    ({ service, clock } = await startEngagement('2025-02-24T01:00:00Z', {
      WORKING_CALENDAR_HOLIDAYS: '2025-10-01,2025-10-02,2025-10-03,2025-10-06,2025-10-07,2025-10-08,2026-01-01',
      CARE_GIFT_BUDGETS: 'KEY=200000,TARGET=100000,GENERAL=50000,POTENTIAL=30000',
      CARE_TASK_HORIZON_DAYS: '7',
      // The job stays out of the way: each test runs the generation itself.
      CARE_TASKS_INTERVAL_MS: '3600000',
    }));
    t = await staffTokens();
  });
  afterAll(() => service.stop());

  /** accounts' customer.created (and with `filed`, its snapshot as accounts now announces it); waits for care's copy. */
  const announce = async (fields: CareCustomer = {}, at = new Date('2025-01-01T00:00:00Z')): Promise<string> => {
    const id = newCustomerId();
    await publishForeign(service, customerCreatedV1, id, { customer: snapshotOf(id, fields) }, { time: at });
    await eventually(async () => {
      if (!(await service.connection.collection('care_customers').findOne({ _id: id as never }))) throw new Error('care has not heard of the customer yet');
      if (!(await service.connection.collection('customer_scopes').findOne({ _id: id as never }))) throw new Error('no scope yet');
    });
    return id;
  };
  const snapshotOf = (id: string, f: CareCustomer) => ({
    id,
    name: `Customer ${id.slice(-4)}`,
    kind: f.kind ?? 'ORGANISATION',
    lifecycle: f.lifecycle ?? 'ACTIVE',
    ownerConsultantId: f.owner ?? user('alice'),
    departmentId: 'D-EAST',
    region: null,
    category: f.category ?? 'GENERAL',
    birthday: f.birthday ?? null,
    ...(f.filed === undefined ? {} : { filed: f.filed }),
  });
  const tasksOf = async (customerId: string, from: string, to: string, token = t.alice, staffId?: string) =>
    ((await ok(service, TASKS, { staffId, from, to }, token)).careTasks as { id: string; kind: string; dueOn: string; customer: { id: string } }[]).filter((task) => task.customer.id === customerId);
  const generate = async () => (await okPayload(service, GENERATE, {}, t.coordinator)).generation;

  it('greets an individual born on 29 February on 28 February of a year without one, once however often the generation runs', async () => {
    clock.set('2025-02-24T01:00:00Z');
    const person = await announce({ kind: 'INDIVIDUAL', birthday: '1992-02-29' });
    const company = await announce({ kind: 'ORGANISATION' });
    const first = await generate();
    expect(first.birthdayGreetings).toBeGreaterThanOrEqual(1);
    await generate();
    await generate();
    const tasks = await tasksOf(person, '2025-02-01', '2025-03-31');
    expect(tasks).toEqual([
      expect.objectContaining({ kind: 'BIRTHDAY_GREETING', dueOn: '2025-02-28', dueAt: '2025-02-28T15:59:59.999Z', status: 'OPEN', assignee: { id: user('alice') }, title: `Birthday greeting for Customer ${person.slice(-4)}` }),
    ]);
    expect(await tasksOf(company, '2025-02-01', '2025-03-31')).toEqual([]);
    expect(await service.connection.collection('care_tasks').countDocuments({ customerId: person })).toBe(1);
  });

  it('greets a holiday period once, on its first day, and lets the owner complete the task once', async () => {
    clock.set('2025-09-26T01:00:00Z');
    const customerId = await announce();
    await generate();
    clock.set('2025-10-02T01:00:00Z');
    await generate();
    const tasks = await tasksOf(customerId, '2025-09-01', '2025-10-31');
    expect(tasks.map((task) => [task.kind, task.dueOn])).toEqual([['HOLIDAY_GREETING', '2025-10-01']]);
    const done = await graphql(service.url, COMPLETE, { input: { id: tasks[0].id, note: 'Called, sent a card' } }, t.alice);
    expect(done.data!.completeCareTask).toEqual({ careTask: { id: tasks[0].id, status: 'DONE', completion: { note: 'Called, sent a card' } }, userErrors: [] });
    const again = await graphql(service.url, COMPLETE, { input: { id: tasks[0].id } }, t.alice);
    expect(again.data!.completeCareTask).toEqual({ careTask: null, userErrors: [expect.objectContaining({ code: 'CONFLICT' })] });
    // Another consultant cannot close it (nor read the owner's list); partners never.
    expect((await graphql(service.url, COMPLETE, { input: { id: tasks[0].id } }, t.carl)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await graphql(service.url, TASKS, { staffId: user('alice'), from: '2025-10-01', to: '2025-10-31' }, t.bob)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await graphql(service.url, TASKS, { from: '2025-10-01', to: '2025-10-31' }, t.partner)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    // The department manager reads the owner's tasks.
    expect((await tasksOf(customerId, '2025-10-01', '2025-10-31', t.east, user('alice'))).map((task) => task.kind)).toEqual(['HOLIDAY_GREETING']);
  });

  it('asks in December for the New-Year gift and the demand plan of each active customer, once a year', async () => {
    clock.set('2025-12-01T01:00:00Z');
    const active = await announce({ lifecycle: 'ACTIVE' });
    const prospect = await announce({ lifecycle: 'PROSPECT' });
    const bad = await announce({ lifecycle: 'BAD' });
    const first = await generate();
    expect(first.newYearGifts).toBeGreaterThanOrEqual(1);
    expect(first.demandPlanRequests).toBe(first.newYearGifts);
    clock.set('2025-12-20T01:00:00Z');
    expect(await generate()).toMatchObject({ newYearGifts: 0, demandPlanRequests: 0 });
    const tasks = await tasksOf(active, '2025-12-01', '2025-12-31');
    expect(tasks.map((task) => [task.kind, task.dueOn]).sort()).toEqual([
      ['DEMAND_PLAN_REQUEST', '2025-12-31'],
      ['NEW_YEAR_GIFT', '2025-12-31'],
    ]);
    expect(await tasksOf(prospect, '2025-12-01', '2026-01-31')).toEqual([]);
    // A bad customer gets no care at all, not even the New Year's Day greeting.
    expect(await tasksOf(bad, '2025-12-01', '2026-01-31')).toEqual([]);
    // The holiday on 1 January 2026 is within the horizon from 25 December.
    clock.set('2025-12-26T01:00:00Z');
    expect((await generate()).holidayGreetings).toBeGreaterThanOrEqual(1);
    expect((await tasksOf(prospect, '2025-12-01', '2026-01-31')).map((task) => [task.kind, task.dueOn])).toEqual([['HOLIDAY_GREETING', '2026-01-01']]);
  });

  it('moves open care tasks to the new owner on a handover', async () => {
    clock.set('2025-12-01T01:00:00Z');
    const customerId = await announce();
    await generate();
    await handOverCustomer(service, customerId, { owner: user('alice'), department: 'D-EAST' }, { owner: user('bob'), department: 'D-EAST' }, new Date('2025-12-01T02:00:00Z'));
    await eventually(async () => expect((await tasksOf(customerId, '2025-12-01', '2025-12-31', t.bob)).length).toBe(2));
    expect(await tasksOf(customerId, '2025-12-01', '2025-12-31', t.alice)).toEqual([]);
  });

  it('lets only the coordinator, the general manager or an internal app run the generation', async () => {
    expect((await graphql(service.url, GENERATE, {}, t.alice)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await graphql(service.url, GENERATE, {}, t.gm)).data!.generateCareTasks.userErrors).toEqual([]);
  });

  const gift = (customerId: string, amountMinor: number, extra: Record<string, unknown> = {}) => ({ customerId, kind: 'GIFT', amount: { amountMinor, currency: 'CNY' }, description: 'Tea set', spentOn: '2025-12-01', ...extra });

  it("refuses a gift for a customer that is not filed with accounts' reason code, writing nothing; accepts it once accounts announces the filing", async () => {
    clock.set('2025-12-02T01:00:00Z');
    const customerId = await announce({ filed: false }, new Date('2025-12-01T00:00:00Z'));
    const refused = await graphql(service.url, RECORD, { input: gift(customerId, 10_000) }, t.alice);
    expect(refused.data!.recordCareExpense).toBeNull();
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'CUSTOMER_NOT_FILED' });
    // An entertainment expense is refused alike.
    expect((await graphql(service.url, RECORD, { input: { ...gift(customerId, 10_000), kind: 'ENTERTAINMENT' } }, t.alice)).errors?.[0].extensions?.reason).toBe('CUSTOMER_NOT_FILED');
    expect(await service.connection.collection('care_expenses').countDocuments({ customerId })).toBe(0);
    expect((await eventsAbout(service, customerId)).filter((e) => e.type.startsWith('crm.engagement.care-expense'))).toEqual([]);

    await publishForeign(service, customerUpdatedV1, customerId, { customer: snapshotOf(customerId, { filed: true }), changes: [{ field: 'filing.filedAt', before: null, after: '2025-12-01T08:00:00.000Z' }] }, { time: new Date('2025-12-01T08:00:00Z') });
    await eventually(async () => {
      if (!(await service.connection.collection('care_customers').findOne({ _id: customerId as never, filed: true }))) throw new Error('filing not known yet');
    });
    const accepted = await okPayload(service, RECORD, { input: gift(customerId, 10_000) }, t.alice);
    expect(accepted.careExpense).toMatchObject({ kind: 'GIFT', status: 'APPROVED', amount: { amountMinor: 10_000, currency: 'CNY' }, budget: { amountMinor: 50_000, currency: 'CNY' }, decision: null });
    const recorded = (await eventsAbout(service, customerId)).filter((e) => e.type === 'crm.engagement.care-expense.recorded');
    expect(recorded.map((e) => e.data)).toEqual([expect.objectContaining({ customerId, status: 'APPROVED', budgetMinor: 50_000, amount: { amountMinor: 10_000, currency: 'CNY' }, recordedBy: user('alice'), departmentId: 'D-EAST' })]);
  });

  it('an older event never rolls a filed customer back, and an event without the filing is not taken as filed', async () => {
    clock.set('2025-12-02T01:00:00Z');
    const customerId = await announce({ filed: true }, new Date('2025-12-01T09:00:00Z'));
    await publishForeign(service, customerUpdatedV1, customerId, { customer: snapshotOf(customerId, { filed: false }), changes: [{ field: 'name', before: 'Old', after: 'New' }] }, { time: new Date('2025-12-01T07:00:00Z') });
    const unknown = await announce({}, new Date('2025-12-01T09:00:00Z'));
    // A later update about another customer shows the stale one was handled (one consumer, in order).
    await publishForeign(service, customerUpdatedV1, unknown, { customer: snapshotOf(unknown, { lifecycle: 'DORMANT' }), changes: [{ field: 'lifecycle', before: 'ACTIVE', after: 'DORMANT' }] }, { time: new Date('2025-12-01T10:00:00Z') });
    await eventually(async () => {
      if (!(await service.connection.collection('care_customers').findOne({ _id: unknown as never, lifecycle: 'DORMANT' }))) throw new Error('update not handled yet');
    });
    expect((await okPayload(service, RECORD, { input: gift(customerId, 100) }, t.alice)).careExpense.status).toBe('APPROVED');
    expect((await graphql(service.url, RECORD, { input: gift(unknown, 100) }, t.alice)).errors?.[0].extensions?.reason).toBe('CUSTOMER_NOT_FILED');
  });

  it("holds a gift above the budget of the customer's category for the department manager; exactly the budget passes", async () => {
    clock.set('2025-12-02T01:00:00Z');
    const key = await announce({ filed: true, category: 'KEY' });
    expect((await okPayload(service, RECORD, { input: gift(key, 200_000) }, t.alice)).careExpense.status).toBe('APPROVED');
    const above = (await okPayload(service, RECORD, { input: gift(key, 200_001, { idempotencyKey: 'vase-1' }) }, t.alice)).careExpense;
    expect(above).toMatchObject({ status: 'PENDING_APPROVAL', budget: { amountMinor: 200_000 } });
    // The same key again: the first request's expense, nothing new.
    expect((await okPayload(service, RECORD, { input: gift(key, 200_001, { idempotencyKey: 'vase-1' }) }, t.alice)).careExpense.id).toBe(above.id);
    expect((await ok(service, WAITING, {}, t.east)).careExpensesAwaitingApproval.map((e: { id: string }) => e.id)).toContain(above.id);
    expect((await ok(service, WAITING, {}, t.west)).careExpensesAwaitingApproval).toEqual([]);

    // The consultant who recorded it, a colleague and another department's manager may not decide; partners do not see it.
    for (const token of [t.alice, t.bob, t.west]) expect((await graphql(service.url, APPROVE, { input: { id: above.id } }, token)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await graphql(service.url, APPROVE, { input: { id: above.id } }, t.partner)).data!.approveCareExpense.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
    const approved = await okPayload(service, APPROVE, { input: { id: above.id, note: 'Key account, fine' } }, t.east);
    expect(approved.careExpense).toMatchObject({ status: 'APPROVED', decision: { approved: true, reason: 'Key account, fine', decidedBy: { id: user('mgr-east') } } });
    expect((await graphql(service.url, REJECT, { input: { id: above.id, reason: 'Too late' } }, t.east)).data!.rejectCareExpense.userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT' })]);
    const events = (await eventsAbout(service, key)).filter((e) => e.type.startsWith('crm.engagement.care-expense'));
    expect(events.map((e) => [e.type, e.data.status ?? null])).toEqual([
      ['crm.engagement.care-expense.recorded', 'APPROVED'],
      ['crm.engagement.care-expense.recorded', 'PENDING_APPROVAL'],
      ['crm.engagement.care-expense.approved', null],
    ]);
    expect(events[2].data).toMatchObject({ expenseId: above.id, approvedBy: user('mgr-east') });
  });

  it('rejects a gift with the reason, and lists the customer its expenses', async () => {
    const customerId = await announce({ filed: true, category: 'POTENTIAL' });
    const pending = (await okPayload(service, RECORD, { input: gift(customerId, 30_001) }, t.alice)).careExpense;
    expect((await graphql(service.url, REJECT, { input: { id: pending.id, reason: ' ' } }, t.east)).data!.rejectCareExpense.userErrors).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field: ['input', 'reason'] })]);
    const rejected = await okPayload(service, REJECT, { input: { id: pending.id, reason: 'Above what a potential customer gets' } }, t.gm);
    expect(rejected.careExpense).toMatchObject({ status: 'REJECTED', decision: { approved: false, reason: 'Above what a potential customer gets' } });
    const [rejectedEvent] = (await eventsAbout(service, customerId)).filter((e) => e.type === 'crm.engagement.care-expense.rejected');
    expect(rejectedEvent.data).toMatchObject({ expenseId: pending.id, reason: 'Above what a potential customer gets', rejectedBy: user('gm') });
    const listed = (await ok(service, CUSTOMER_EXPENSES, { r: [{ __typename: 'Customer', id: customerId }] }, t.alice))._entities[0].careExpenses;
    expect(listed).toEqual([{ id: pending.id, status: 'REJECTED', kind: 'GIFT' }]);
    expect((await ok(service, CUSTOMER_EXPENSES, { r: [{ __typename: 'Customer', id: customerId }] }, t.partner))._entities[0].careExpenses).toEqual([]);
  });

  it('lists every input problem at once and refuses a customer the caller may not read', async () => {
    clock.set('2025-12-02T01:00:00Z');
    const customerId = await announce({ filed: true });
    const bad = await graphql(service.url, RECORD, { input: { customerId: 'nope', kind: 'GIFT', amount: { amountMinor: 0 }, description: ' ', spentOn: '2025-12-01' } }, t.alice);
    expect(bad.data!.recordCareExpense.userErrors.map((e: { field: string[] }) => e.field.join('.')).sort()).toEqual(['input.amount.amountMinor', 'input.customerId', 'input.description']);
    const future = await graphql(service.url, RECORD, { input: gift(customerId, 100, { spentOn: '2030-01-01' }) }, t.alice);
    expect(future.data!.recordCareExpense.userErrors).toEqual([expect.objectContaining({ field: ['input', 'spentOn'] })]);
    const hidden = await graphql(service.url, RECORD, { input: gift(customerId, 100) }, t.carl);
    expect(hidden.data!.recordCareExpense.userErrors).toEqual([expect.objectContaining({ field: ['input', 'customerId'], code: 'BAD_USER_INPUT' })]);
    expect((await graphql(service.url, RECORD, { input: gift(customerId, 100) }, t.partner)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
