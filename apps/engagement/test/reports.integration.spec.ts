import type { RunningService } from '@crm/kernel';
import { announceCustomer, graphql, tokenFor } from '@crm/testing';
import type { mongo } from 'mongoose';
import { eventsOf, ok, okPayload, RUN, startEngagement, user, type FixedClock } from './engagement-fixture';

const REPORT = 'id day status summary plan submittedAt staffMember { id } interactionCount visitCount returnVisitsCompleted interactions { id summary } visits { id purpose } customers { id }';
const DAILY = `query($staffId: ID, $day: String) { dailyReport(staffId: $staffId, day: $day) { ${REPORT} } }`;
const DEPARTMENT = `query($day: String, $departmentId: ID) { departmentDailyReport(day: $day, departmentId: $departmentId) { id departmentId day submittedCount missingCount reports { staffMember { id } status interactionCount visitCount } } }`;
const SAVE = `mutation($input: DailyReportInput!) { saveDailyReportDraft(input: $input) { dailyReport { ${REPORT} } userErrors { field code message } } }`;
const SUBMIT = `mutation($input: DailyReportInput!) { submitDailyReport(input: $input) { dailyReport { ${REPORT} } userErrors { field code message } } }`;
const URGENT = 'id kind title details product competitor departmentId customer { id } filedBy { id } filedAt read reads { reader { id } readAt }';
const FILE = `mutation($input: FileUrgentReportInput!) { fileUrgentReport(input: $input) { urgentReport { ${URGENT} } userErrors { field code message } } }`;
const INBOX = `query($unreadOnly: Boolean) { urgentReportInbox(unreadOnly: $unreadOnly) { unreadCount reports { id title read } } }`;
const MARK = `mutation($input: MarkUrgentReportReadInput!) { markUrgentReportRead(input: $input) { urgentReport { id read reads { reader { id } } } userErrors { field code message } } }`;
const LOG = `mutation($input: LogInteractionInput!) { logInteraction(input: $input) { interaction { id } userErrors { field code message } } }`;
const PLAN = `mutation($input: PlanVisitInput!) { planVisit(input: $input) { visit { id } userErrors { field code message } } }`;
const APPROVE = `mutation($input: ApproveVisitInput!) { approveVisit(input: $input) { visit { id } userErrors { field code message } } }`;
const REPORT_VISIT = `mutation($input: ReportVisitInput!) { reportVisit(input: $input) { visit { id } userErrors { field code message } } }`;

jest.setTimeout(120_000);

// Wednesday 15 January 2025, 10:00 in China (the calendar's default time zone).
const NOW = '2025-01-15T02:00:00Z';
// Departments of their own: other test files' customers on the shared bus never join this roll-up.
const EAST = `D-REP-E-${RUN}`;
const WEST = `D-REP-W-${RUN}`;

describe('engagement: daily reports, the department roll-up and urgent reports', () => {
  let service: RunningService;
  let clock: FixedClock;
  let t: Record<'alice' | 'bob' | 'east' | 'west' | 'gm' | 'partner', string>;
  let aliceCustomer: string;
  let bobCustomer: string;
  const commands: mongo.CommandStartedEvent[] = [];

  beforeAll(async () => {
    ({ service, clock } = await startEngagement('2025-01-14T02:00:00Z', { MONGO_MONITOR_COMMANDS: 'true' }));
    service.connection.getClient().on('commandStarted', (event: mongo.CommandStartedEvent) => commands.push(event));
    t = {
      alice: await tokenFor({ sub: user('alice'), roles: ['consultant'], department_id: EAST }),
      bob: await tokenFor({ sub: user('bob'), roles: ['consultant'], department_id: EAST }),
      east: await tokenFor({ sub: user('mgr-east'), roles: ['department_manager'], department_id: EAST }),
      west: await tokenFor({ sub: user('mgr-west'), roles: ['department_manager'], department_id: WEST }),
      gm: await tokenFor({ sub: user('gm'), roles: ['general_manager'] }),
      partner: await tokenFor({ sub: user('portal'), roles: ['partner'], partner_id: 'P-9' }),
    };
    aliceCustomer = await announceCustomer(service, { owner: user('alice'), department: EAST });
    bobCustomer = await announceCustomer(service, { owner: user('bob'), department: EAST });
    // Tuesday: a visit planned for Wednesday morning and approved.
    const visit = (await okPayload(service, PLAN, { input: { customerId: aliceCustomer, purpose: 'Pump inspection', plannedAt: '2025-01-15T01:00:00Z' } }, t.alice)).visit;
    await okPayload(service, APPROVE, { input: { id: visit.id } }, t.east);
    clock.set(NOW);
  });
  afterAll(() => service.stop());

  it("builds a staff member's day from the records of that calendar day in the calendar's time zone", async () => {
    await okPayload(service, LOG, { input: { customerId: aliceCustomer, channel: 'PHONE', occurredAt: '2025-01-14T15:30:00Z', summary: 'Late call (Tuesday 23:30)' } }, t.alice);
    await okPayload(service, LOG, { input: { customerId: aliceCustomer, channel: 'EMAIL', occurredAt: '2025-01-14T16:30:00Z', summary: 'Quotation sent (Wednesday 00:30)' } }, t.alice);
    await okPayload(service, LOG, { input: { customerId: bobCustomer, channel: 'PHONE', occurredAt: '2025-01-14T18:00:00Z', summary: "Covered for Bob (Wednesday 02:00)" } }, t.gm);
    const visits = await ok(service, `query($id: ID!) { _entities(representations: [{ __typename: "Customer", id: $id }]) { ... on Customer { visits { id } } } }`, { id: aliceCustomer }, t.alice);
    await okPayload(service, REPORT_VISIT, { input: { id: visits._entities[0].visits[0].id, visitedAt: '2025-01-14T01:30:00Z', customerReaction: 'Pleased' } }, t.alice);

    const wednesday = (await ok(service, DAILY, { day: '2025-01-15' }, t.alice)).dailyReport;
    expect(wednesday).toMatchObject({ id: `${user('alice')}|2025-01-15`, day: '2025-01-15', status: 'NOT_STARTED', summary: null, staffMember: { id: user('alice') }, interactionCount: 1, visitCount: 0, returnVisitsCompleted: 0 });
    expect(wednesday.interactions.map((i: { summary: string }) => i.summary)).toEqual(['Quotation sent (Wednesday 00:30)']);
    const tuesday = (await ok(service, DAILY, { day: '2025-01-14' }, t.alice)).dailyReport;
    expect(tuesday).toMatchObject({ interactionCount: 1, visitCount: 1, visits: [{ purpose: 'Pump inspection' }], customers: [{ id: aliceCustomer }] });
    expect(tuesday.interactions.map((i: { summary: string }) => i.summary)).toEqual(['Late call (Tuesday 23:30)']);
  });

  it('saves a draft, submits once (a summary is required), and refuses a day that has not begun, writing nothing', async () => {
    const before = await service.connection.collection('daily_reports').countDocuments();
    const future = await graphql(service.url, SAVE, { input: { day: '2025-01-16', summary: 'Tomorrow' } }, t.alice);
    expect(future.data?.saveDailyReportDraft).toEqual({ dailyReport: null, userErrors: [{ field: ['input', 'day'], code: 'BAD_USER_INPUT', message: 'cannot be a day that has not begun yet' }] });
    const empty = await graphql(service.url, SUBMIT, { input: { day: '2025-01-14' } }, t.alice);
    expect(empty.data?.submitDailyReport.userErrors).toEqual([expect.objectContaining({ field: ['input', 'summary'], code: 'BAD_USER_INPUT' })]);
    expect(await service.connection.collection('daily_reports').countDocuments()).toBe(before);

    const draft = (await okPayload(service, SAVE, { input: { day: '2025-01-14', summary: 'Inspected the pumps', plan: 'Send the quotation' } }, t.alice)).dailyReport;
    expect(draft).toMatchObject({ status: 'DRAFT', summary: 'Inspected the pumps', plan: 'Send the quotation', submittedAt: null });
    const submitted = (await okPayload(service, SUBMIT, { input: { day: '2025-01-14' } }, t.alice)).dailyReport;
    expect(submitted).toMatchObject({ status: 'SUBMITTED', summary: 'Inspected the pumps', plan: 'Send the quotation', submittedAt: expect.any(String), visitCount: 1 });
    const again = await graphql(service.url, SUBMIT, { input: { day: '2025-01-14', summary: 'Changed my mind' } }, t.alice);
    expect(again.data?.submitDailyReport.userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT' })]);
    expect((await ok(service, DAILY, { day: '2025-01-14' }, t.alice)).dailyReport.summary).toBe('Inspected the pumps');
  });

  it("rolls the department's day up for its manager: who submitted, who did not, and what each did", async () => {
    commands.length = 0;
    const rollUp = (await ok(service, DEPARTMENT, { day: '2025-01-14' }, t.east)).departmentDailyReport;
    expect(rollUp).toMatchObject({ id: `${EAST}|2025-01-14`, departmentId: EAST, day: '2025-01-14', submittedCount: 1, missingCount: 1 });
    expect(rollUp.reports).toEqual([
      { staffMember: { id: user('alice') }, status: 'SUBMITTED', interactionCount: 1, visitCount: 1 },
      { staffMember: { id: user('bob') }, status: 'NOT_STARTED', interactionCount: 0, visitCount: 0 },
    ]);
    const reads = (collection: string) => commands.filter((c) => (c.command as { find?: string }).find === collection && !JSON.stringify(c.command).includes('pendingEvents')).length;
    expect(['daily_reports', 'interactions', 'visits', 'return_visits'].map((c) => [c, reads(c)])).toEqual([
      ['daily_reports', 2],
      ['interactions', 1],
      ['visits', 1],
      ['return_visits', 1],
    ]);
    expect((await ok(service, DEPARTMENT, { day: '2025-01-14', departmentId: EAST }, t.gm)).departmentDailyReport.submittedCount).toBe(1);
  });

  it("keeps reports to the staff member, managers and the coordinator; partners and other departments' managers are refused", async () => {
    expect((await ok(service, DAILY, { staffId: user('alice'), day: '2025-01-14' }, t.east)).dailyReport.status).toBe('SUBMITTED');
    // Another department's manager may open it but sees none of the department's customers' records.
    const west = (await ok(service, DAILY, { staffId: user('alice'), day: '2025-01-14' }, t.west)).dailyReport;
    expect([west.visits, west.interactions, west.visitCount]).toEqual([[], [], 1]);
    for (const [token, query, variables] of [
      [t.bob, DAILY, { staffId: user('alice') }],
      [t.partner, DAILY, {}],
      [t.west, DEPARTMENT, { departmentId: EAST }],
      [t.alice, DEPARTMENT, {}],
      [t.partner, DEPARTMENT, {}],
    ] as const) {
      const res = await graphql(service.url, query, variables, token);
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const bad = await graphql(service.url, DAILY, { day: '2025-1-14' }, t.alice);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it("files an urgent report into the department manager's inbox at once, with its event; reading it marks it read for that reader only", async () => {
    const input = { idempotencyKey: 'urgent-1', kind: 'COMPETITOR_NEW_PRODUCT', title: 'Rival launches the X-500 pump', details: 'Priced 15% below our P-300, shown at the customer today', customerId: aliceCustomer, competitor: 'Rival Pumps', product: 'X-500' };
    const filed = (await okPayload(service, FILE, { input }, t.alice)).urgentReport;
    expect(filed).toMatchObject({ kind: 'COMPETITOR_NEW_PRODUCT', departmentId: EAST, customer: { id: aliceCustomer }, filedBy: { id: user('alice') }, read: false, reads: [] });
    expect((await okPayload(service, FILE, { input }, t.alice)).urgentReport.id).toBe(filed.id);
    const events = await eventsOf(service, 'crm.engagement.urgent-report.filed', filed.id);
    expect(events).toHaveLength(1);
    expect(events[0].data).toMatchObject({ reportId: filed.id, kind: 'COMPETITOR_NEW_PRODUCT', departmentId: EAST, customerId: aliceCustomer, filedBy: user('alice'), competitor: 'Rival Pumps' });

    const inbox = (await ok(service, INBOX, { unreadOnly: true }, t.east)).urgentReportInbox;
    expect(inbox).toEqual({ unreadCount: 1, reports: [{ id: filed.id, title: 'Rival launches the X-500 pump', read: false }] });
    expect((await ok(service, INBOX, {}, t.west)).urgentReportInbox).toEqual({ unreadCount: 0, reports: [] });
    expect((await ok(service, INBOX, {}, t.gm)).urgentReportInbox.reports.map((r: { id: string }) => r.id)).toContain(filed.id);

    const read = (await okPayload(service, MARK, { input: { id: filed.id } }, t.east)).urgentReport;
    expect(read).toMatchObject({ read: true, reads: [{ reader: { id: user('mgr-east') } }] });
    expect((await okPayload(service, MARK, { input: { id: filed.id } }, t.east)).urgentReport.reads).toHaveLength(1);
    expect((await ok(service, INBOX, { unreadOnly: true }, t.east)).urgentReportInbox).toEqual({ unreadCount: 0, reports: [] });
    expect((await ok(service, INBOX, {}, t.east)).urgentReportInbox.reports).toEqual([{ id: filed.id, title: 'Rival launches the X-500 pump', read: true }]);
    // Still unread for the general manager.
    expect((await ok(service, INBOX, { unreadOnly: true }, t.gm)).urgentReportInbox.reports.map((r: { id: string }) => r.id)).toContain(filed.id);
  });

  it('refuses bad urgent reports without a write or an event, and keeps inboxes to managers', async () => {
    const before = await service.connection.collection('urgent_reports').countDocuments();
    const bad = await graphql(service.url, FILE, { input: { kind: 'SERIOUS_PRODUCT_PROBLEM', title: ' ', details: 'Seals fail after a week', customerId: 'C-unknown-1' } }, t.bob);
    expect(bad.data?.fileUrgentReport.userErrors.map((e: { field: string[] }) => e.field.join('.'))).toEqual(['input.title', 'input.customerId']);
    const hidden = await graphql(service.url, FILE, { input: { kind: 'SERIOUS_PRODUCT_PROBLEM', title: 'Seals fail', details: 'Seals fail after a week', customerId: bobCustomer } }, await tokenFor({ sub: user('carl'), roles: ['consultant'], department_id: WEST }));
    expect(hidden.data?.fileUrgentReport.userErrors).toEqual([{ field: ['input', 'customerId'], code: 'BAD_USER_INPUT', message: 'no such customer' }]);
    expect(await service.connection.collection('urgent_reports').countDocuments()).toBe(before);

    const filed = (await okPayload(service, FILE, { input: { kind: 'SERIOUS_PRODUCT_PROBLEM', title: 'Seals fail', details: 'Seals of batch 7 fail after a week' } }, t.bob)).urgentReport;
    for (const [token, query, variables] of [
      [t.bob, INBOX, {}],
      [t.partner, INBOX, {}],
      [t.west, MARK, { input: { id: filed.id } }],
      [t.alice, `query($id: ID!) { urgentReport(id: $id) { id } }`, { id: filed.id }],
      [t.partner, FILE, { input: { kind: 'OTHER', title: 'x', details: 'y' } }],
    ] as const) {
      const res = await graphql(service.url, query, variables, token);
      expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect((await ok(service, `query($id: ID!) { urgentReport(id: $id) { id read } }`, { id: filed.id }, t.bob)).urgentReport).toEqual({ id: filed.id, read: false });
    const missing = await graphql(service.url, MARK, { input: { id: '0123456789abcdef01234567' } }, t.east);
    expect(missing.data?.markUrgentReportRead.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
  });
});
