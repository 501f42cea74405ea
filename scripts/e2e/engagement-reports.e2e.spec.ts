// End to end for engagement's reports and follow-ups (issue 12) through the gateway: a consultant files an urgent
// report, their department manager's inbox shows it unread, the manager reads it; a new prospect gets its first
// follow-up contact (from accounts' customer.created), and completing it plans the next one by the prospect cadence.
// Needs the composed supergraph (npm run compose).
import { eventually, PROJECTION_WAIT_MS, tokenFor } from '@crm/testing';
import { call } from '../platform/demo-data';
import type { RunningPlatform } from '../platform/platform';
import { startE2ePlatform } from './e2e-platform';

jest.setTimeout(240_000);

const soon = <T>(check: () => Promise<T>) => eventually(check, PROJECTION_WAIT_MS, 200);

/** The end of the day `days` days from now in Shanghai (UTC+8 all year), as the cadence plans it. */
function endOfShanghaiDayIn(days: number): string {
  const shanghai = new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
  return `${shanghai}T15:59:59.999Z`;
}

describe('engagement through the gateway: urgent reports and follow-up plans', () => {
  let platform: RunningPlatform;
  let url: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    platform = await startE2ePlatform();
    url = platform.gateway.graphqlUrl;
    tokens.gm = await tokenFor({ sub: 'gm-repe2e', roles: ['general_manager'] });
    tokens.manager = await tokenFor({ sub: 'm-repe2e', roles: ['department_manager'], department_id: 'D-REPE2E' });
    tokens.owner = await tokenFor({ sub: 'c-repe2e', roles: ['consultant'], department_id: 'D-REPE2E' });
    tokens.otherManager = await tokenFor({ sub: 'm-repe2e-w', roles: ['department_manager'], department_id: 'D-REPE2E-W' });
    await call(url, 'mutation { upsertDepartment(input: {id: "D-REPE2E", name: "Reports e2e"}) { department { id } userErrors { field code message } } }', {}, tokens.gm);
    await call(url, 'mutation($i: UpsertConsultantInput!) { upsertConsultant(input: $i) { consultant { id } userErrors { field code message } } }', { i: { id: 'c-repe2e', name: 'Reports Consultant', departmentId: 'D-REPE2E' } }, tokens.gm);
  });
  afterAll(() => platform?.stop());

  it("puts an urgent report in the manager's inbox unread, and reading it marks it read", async () => {
    const filed = await call(
      url,
      'mutation($i: FileUrgentReportInput!) { fileUrgentReport(input: $i) { urgentReport { id kind departmentId read filedBy { id } } userErrors { field code message } } }',
      { i: { idempotencyKey: 'e2e-urgent', kind: 'COMPETITOR_SALES_POLICY_CHANGE', title: 'Rival drops prices 10%', details: 'Announced to every distributor in the East region today', competitor: 'Rival Pumps' } },
      tokens.owner,
    );
    expect(filed.fileUrgentReport.userErrors).toEqual([]);
    const report = filed.fileUrgentReport.urgentReport;
    expect(report).toMatchObject({ kind: 'COMPETITOR_SALES_POLICY_CHANGE', departmentId: 'D-REPE2E', read: false, filedBy: { id: 'c-repe2e' } });

    const INBOX = 'query($u: Boolean) { urgentReportInbox(unreadOnly: $u) { unreadCount reports { id title read } } }';
    const unread = await call(url, INBOX, { u: true }, tokens.manager);
    expect(unread.urgentReportInbox.reports).toContainEqual({ id: report.id, title: 'Rival drops prices 10%', read: false });
    const unreadBefore: number = unread.urgentReportInbox.unreadCount;
    expect((await call(url, INBOX, {}, tokens.otherManager)).urgentReportInbox.reports.map((r: { id: string }) => r.id)).not.toContain(report.id);

    const read = await call(url, 'mutation($i: MarkUrgentReportReadInput!) { markUrgentReportRead(input: $i) { urgentReport { id read reads { reader { id } } } userErrors { field code message } } }', { i: { id: report.id } }, tokens.manager);
    expect(read.markUrgentReportRead).toEqual({ urgentReport: { id: report.id, read: true, reads: [{ reader: { id: 'm-repe2e' } }] }, userErrors: [] });
    const after = await call(url, INBOX, {}, tokens.manager);
    expect(after.urgentReportInbox.unreadCount).toBe(unreadBefore - 1);
    expect(after.urgentReportInbox.reports).toContainEqual({ id: report.id, title: 'Rival drops prices 10%', read: true });
  });

  it("plans a prospect's first contact and, once done, the next one by the cadence", async () => {
    const created = await call(url, 'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id lifecycle } userErrors { field code message } } }', { i: { name: 'Follow-up Prospect Pumps Ltd', kind: 'ORGANISATION', listType: 'ENTERPRISE', region: 'East' } }, tokens.owner);
    expect(created.createCustomer.customer.lifecycle).toBe('PROSPECT');
    const customerId: string = created.createCustomer.customer.id;
    const FU = 'id stage kind status origin dueAt next { id kind dueAt status }';
    const plan = await soon(async () => {
      const read = await call(url, `query($id: ID!) { customer(id: $id) { followUps { ${FU} } } }`, { id: customerId }, tokens.owner);
      if (!read.customer.followUps?.length) throw new Error('no follow-up yet');
      return read.customer.followUps;
    });
    expect(plan).toEqual([{ id: expect.any(String), stage: 'PROSPECT', kind: 'CONTACT', status: 'PLANNED', origin: 'PROSPECT_START', dueAt: endOfShanghaiDayIn(14), next: null }]);

    const due = await call(url, 'query($from: DateTime!, $to: DateTime!) { followUpsDue(from: $from, to: $to) { id } }', { from: new Date().toISOString(), to: new Date(Date.now() + 15 * 86_400_000).toISOString() }, tokens.owner);
    expect(due.followUpsDue).toContainEqual({ id: plan[0].id });

    const done = await call(url, `mutation($i: CompleteFollowUpInput!) { completeFollowUp(input: $i) { followUp { ${FU} } userErrors { field code message } } }`, { i: { id: plan[0].id, note: 'Needs a quotation for 20 pumps' } }, tokens.owner);
    expect(done.completeFollowUp.userErrors).toEqual([]);
    expect(done.completeFollowUp.followUp).toMatchObject({ status: 'COMPLETED', next: { kind: 'CONTACT', status: 'PLANNED', dueAt: endOfShanghaiDayIn(14) } });
  });
});
