import { faultAnalysedV1, faultReportedV1 } from '@crm/contracts';
import type { RunningService } from '@crm/kernel';
import { graphql } from '@crm/testing';
import { act, announceCustomer, complaint, cst, ok, openTicket, published, publishedWhere, refusal, startServiceDesk, tokens, USER_ERRORS, type TestClock } from './service-desk-fixture';

const REPORT = `mutation($i: ReportFaultInput!) { reportFault(input: $i) { faultReport { id status severity place reportedBy { id kind } recipients { role userId departmentId } ticket { id } customer { id } } ${USER_ERRORS} } }`;
const ANALYSE = `mutation($i: RecordFaultAnalysisInput!) { recordFaultAnalysis(input: $i) { faultReport { id status analysis { rootCause correctiveActions preventiveActions analysedBy { id kind } sharedWith { kind id } } } ${USER_ERRORS} } }`;
const SUPERVISION = `mutation($i: RequestServiceSupervisionReportInput!) { requestServiceSupervisionReport(input: $i) { reportRun { id departmentId } ${USER_ERRORS} } }`;
const ANALYSIS = `mutation($i: RequestComplaintAnalysisInput!) { requestComplaintAnalysis(input: $i) { reportRun { id kind } ${USER_ERRORS} } }`;
const RUN = `id kind status progressPercent month fromMonth toMonth departmentId requestedBy { id kind } error
  result {
    __typename
    ... on ServiceSupervisionReport { month departments { department { id } requestsAccepted proactiveMaintenance complaints resolved firstResponse { decided met breached rate } resolution { decided met breached rate } } }
    ... on ComplaintAnalysisReport { fromMonth toMonth total byCause { cause count share } trend { month count } }
  }`;

const analysis = {
  impact: 'Line 2 stopped for 3 hours',
  handling: 'Controller swapped from stock',
  rootCause: 'Firmware watchdog disabled in the last update',
  correctiveActions: ['Re-enable the watchdog on all shipped controllers'],
  preventiveActions: ['Add the watchdog to the release checklist'],
};

// In-process service against real servers; generous under a loaded full run (the suite itself takes seconds).
jest.setTimeout(30_000);

describe('service-desk: fault reports and supervision', () => {
  let service: RunningService;
  let clock: TestClock;
  let agent: string;
  let gm: string;

  beforeAll(async () => {
    ({ service, clock } = await startServiceDesk(cst('2024-09-10T10:00:00')));
    agent = await tokens.agent();
    gm = await tokens.gm();
  });
  afterAll(() => service.stop());

  async function poll(id: string, token: string): Promise<any> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const run = (await ok(service, `query($id: ID!) { reportRun(id: $id) { ${RUN} } }`, { id }, token)).reportRun;
      if (run.status === 'DONE' || run.status === 'FAILED' || Date.now() > deadline) return run;
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it('reports a major fault to the sales owner and the responsible manager at once, then shares the analysis with the customer and the business department', async () => {
    clock.set(cst('2024-09-10T10:00:00'));
    const customerId = await announceCustomer(service, { owner: 'alice', department: 'D-EAST' });
    const ticket = await openTicket(service, complaint(customerId, { type: 'FAULT', severity: 'CRITICAL', matter: 'Controller fault stopped line 2' }), agent);
    const reported = (
      await ok(
        service,
        REPORT,
        { i: { ticketId: ticket.id, severity: 'CRITICAL', faultOccurredAt: cst('2024-09-10T08:40:00').toISOString(), place: 'Plant 3, line 2', symptoms: 'Controller reboots every 5 minutes', handlingPlan: 'Swap the controller, collect logs', responsibleManagerId: 'mgr-east' } },
        await tokens.tech(),
      )
    ).reportFault.faultReport;
    expect(reported).toMatchObject({
      status: 'REPORTED',
      reportedBy: { id: 'tech-2', kind: 'STAFF_MEMBER' },
      ticket: { id: ticket.id },
      customer: { id: customerId },
      recipients: [
        { role: 'SALES_OWNER', userId: 'alice', departmentId: 'D-EAST' },
        { role: 'RESPONSIBLE_MANAGER', userId: 'mgr-east', departmentId: 'D-EAST' },
      ],
    });
    const reportedEvents = await published(service, faultReportedV1.type, reported.id);
    expect(reportedEvents).toHaveLength(1);
    expect(reportedEvents[0].data).toMatchObject({ faultReportId: reported.id, ticketId: ticket.id, customerId, place: 'Plant 3, line 2', handlingPlan: 'Swap the controller, collect logs', reportedBy: 'tech-2' });
    expect(reportedEvents[0].data.recipients.map((r: any) => r.role)).toEqual(['SALES_OWNER', 'RESPONSIBLE_MANAGER']);

    clock.set(cst('2024-09-12T16:00:00'));
    const analysed = (await ok(service, ANALYSE, { i: { id: reported.id, ...analysis } }, await tokens.tech())).recordFaultAnalysis.faultReport;
    expect(analysed).toMatchObject({
      status: 'ANALYSED',
      analysis: { rootCause: analysis.rootCause, analysedBy: { id: 'tech-2', kind: 'STAFF_MEMBER' }, sharedWith: [{ kind: 'CUSTOMER', id: customerId }, { kind: 'BUSINESS_DEPARTMENT', id: 'D-BUSINESS' }] },
    });
    const again = await graphql(service.url, ANALYSE, { i: { id: reported.id, ...analysis, rootCause: 'Something else' } }, await tokens.tech());
    expect(refusal(again, 'recordFaultAnalysis', 'faultReport')).toEqual([{ field: null, code: 'CONFLICT', message: 'The fault has already been analysed' }]);
    // The refused second analysis wrote nothing and published nothing.
    const analysedEvents = await published(service, faultAnalysedV1.type, reported.id);
    expect(analysedEvents.map((e) => e.data)).toEqual([expect.objectContaining({ rootCause: analysis.rootCause, correctiveActions: analysis.correctiveActions, preventiveActions: analysis.preventiveActions })]);
    const stored = await ok(service, 'query($id: ID!) { faultReport(id: $id) { analysis { rootCause } } }', { id: reported.id }, await tokens.tech());
    expect(stored.faultReport.analysis.rootCause).toBe(analysis.rootCause);
    const missing = await graphql(service.url, ANALYSE, { i: { id: '000000000000000000000000', ...analysis } }, await tokens.tech());
    expect(refusal(missing, 'recordFaultAnalysis', 'faultReport').map((e) => e.code)).toEqual(['NOT_FOUND']);

    const onTicket = await ok(service, 'query($id: ID!) { ticket(id: $id) { faultReports { id status } } }', { id: ticket.id }, await tokens.alice());
    expect(onTicket.ticket.faultReports).toEqual([{ id: reported.id, status: 'ANALYSED' }]);
    const listed = await ok(service, 'query($c: ID!) { faultReports(customerId: $c) { id status } }', { c: customerId }, await tokens.alice());
    expect(listed.faultReports).toEqual([{ id: reported.id, status: 'ANALYSED' }]);
    expect((await ok(service, 'query($c: ID!) { faultReports(customerId: $c) { id } }', { c: customerId }, await tokens.bob())).faultReports).toEqual([]);
    expect((await graphql(service.url, 'query($id: ID!) { faultReport(id: $id) { id } }', { id: reported.id }, await tokens.partner())).data!.faultReport).toBeNull();
  });

  it('keeps fault reports for major faults, with the fields the report needs: every problem a user error, nothing written', async () => {
    clock.set(cst('2024-09-10T10:00:00'));
    const customerId = await announceCustomer(service);
    const before = await service.connection.collection('fault_reports').countDocuments();
    const fault = { customerId, severity: 'HIGH', faultOccurredAt: cst('2024-09-10T08:00:00').toISOString(), place: 'x', symptoms: 'y', handlingPlan: 'z' };
    const minor = await graphql(service.url, REPORT, { i: { ...fault, severity: 'LOW' } }, agent);
    expect(refusal(minor, 'reportFault', 'faultReport')).toEqual([{ field: ['input', 'severity'], code: 'BAD_USER_INPUT', message: 'fault reports are for major faults (HIGH or CRITICAL)' }]);
    const noPlan = await graphql(service.url, REPORT, { i: { ...fault, handlingPlan: ' ' } }, agent);
    expect(refusal(noPlan, 'reportFault', 'faultReport')).toEqual([{ field: ['input', 'handlingPlan'], code: 'BAD_USER_INPUT', message: 'is required' }]);
    const several = await graphql(service.url, REPORT, { i: { ...fault, severity: 'MEDIUM', place: ' ', handlingPlan: '' } }, agent);
    expect(refusal(several, 'reportFault', 'faultReport').map((e) => e.field)).toEqual([
      ['input', 'severity'],
      ['input', 'place'],
      ['input', 'handlingPlan'],
    ]);
    const future = await graphql(service.url, REPORT, { i: { ...fault, customerId: '000000000000000000000000', faultOccurredAt: cst('2024-09-10T11:00:00').toISOString() } }, agent);
    expect(refusal(future, 'reportFault', 'faultReport')).toEqual([
      { field: ['input', 'faultOccurredAt'], code: 'BAD_USER_INPUT', message: 'cannot be in the future' },
      { field: ['input', 'customerId'], code: 'BAD_USER_INPUT', message: expect.stringMatching(/no such customer/) },
    ]);
    const noTicket = await graphql(service.url, REPORT, { i: { ...fault, ticketId: '000000000000000000000000' } }, agent);
    expect(refusal(noTicket, 'reportFault', 'faultReport').map((e) => e.code)).toEqual(['NOT_FOUND']);
    expect(await service.connection.collection('fault_reports').countDocuments()).toBe(before);
    expect(await publishedWhere(service, faultReportedV1.type, (event) => (event.data as { customerId?: string }).customerId === customerId)).toEqual([]);
  });

  it('computes the monthly service-supervision report per department in the background, with progress, never on the request path', async () => {
    clock.set(cst('2024-09-16T10:00:00'));
    const east = await announceCustomer(service, { owner: 'alice', department: 'D-EAST' });
    const west = await announceCustomer(service, { owner: 'carol', department: 'D-WEST' });
    const answered = await openTicket(service, complaint(east, { cause: 'DELIVERY' }), agent);
    await act(service, 'startInvestigation', answered.id, agent);
    const late = await openTicket(service, complaint(east, { type: 'SERVICE_REQUEST' }), agent);
    await openTicket(service, complaint(west, { type: 'REPAIR', origin: 'PROACTIVE', severity: 'LOW', matter: 'Annual maintenance visit' }), agent);
    clock.set(cst('2024-09-16T14:00:00'));
    await act(service, 'startInvestigation', late.id, agent); // answered after the 2-hour promise

    clock.set(cst('2024-10-02T10:00:00'));
    const requested = (await ok(service, `mutation { requestServiceSupervisionReport(input: {month: "2024-09"}) { reportRun { ${RUN} } ${USER_ERRORS} } }`, {}, gm)).requestServiceSupervisionReport.reportRun;
    expect(requested).toMatchObject({ status: 'REQUESTED', progressPercent: 0, month: '2024-09', departmentId: null, requestedBy: { id: 'gm-1', kind: 'STAFF_MEMBER' }, result: null });
    const done = await poll(requested.id, gm);
    expect(done).toMatchObject({ status: 'DONE', progressPercent: 100, result: { __typename: 'ServiceSupervisionReport', month: '2024-09' } });
    const byDepartment = Object.fromEntries(done.result.departments.map((d: any) => [d.department.id, d]));
    expect(byDepartment['D-WEST']).toMatchObject({ requestsAccepted: 0, proactiveMaintenance: 1, complaints: 0 });
    // D-EAST: the fault ticket of the first test, the complaint and the service request here.
    expect(byDepartment['D-EAST']).toMatchObject({ requestsAccepted: 3, proactiveMaintenance: 0, complaints: 1 });
    expect(byDepartment['D-EAST'].firstResponse).toMatchObject({ met: 1, breached: expect.any(Number) });
    expect(byDepartment['D-EAST'].firstResponse.breached).toBeGreaterThanOrEqual(1);
  });

  it('lets a department manager report on their own department only, and see only their runs', async () => {
    const manager = await tokens.eastManager();
    const runs = () => service.connection.collection('report_runs').countDocuments();
    const before = await runs();
    const other = await graphql(service.url, SUPERVISION, { i: { month: '2024-09', departmentId: 'D-WEST' } }, manager);
    expect(other.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(other.data?.requestServiceSupervisionReport).toBeNull();
    const own = (await ok(service, SUPERVISION, { i: { month: '2024-09' } }, manager)).requestServiceSupervisionReport.reportRun;
    expect(own.departmentId).toBe('D-EAST');
    const done = await poll(own.id, manager);
    expect(done.result.departments.map((d: any) => d.department.id)).toEqual(['D-EAST']);
    const afterOwn = await runs();
    expect(afterOwn).toBe(before + 1);
    const badMonth = await graphql(service.url, SUPERVISION, { i: { month: '2024-9' } }, manager);
    expect(refusal(badMonth, 'requestServiceSupervisionReport', 'reportRun')).toEqual([{ field: ['input', 'month'], code: 'BAD_USER_INPUT', message: 'must be a month, YYYY-MM' }]);
    // Permission comes first: a consultant is refused whatever the input.
    for (const month of ['2024-09', 'soon']) {
      const consultant = await graphql(service.url, SUPERVISION, { i: { month } }, await tokens.alice());
      expect(consultant.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    }
    expect(await runs()).toBe(afterOwn);
    expect((await graphql(service.url, 'query($id: ID!) { reportRun(id: $id) { id } }', { id: own.id }, await tokens.westManager())).data!.reportRun).toBeNull();
    const mine = await ok(service, '{ reportRuns { id requestedBy { id } } }', {}, manager);
    expect(mine.reportRuns).toEqual([{ id: own.id, requestedBy: { id: 'mgr-east' } }]);
  });

  it('analyses complaints by cause and trend over months', async () => {
    clock.set(cst('2024-10-08T10:00:00'));
    const customerId = await announceCustomer(service, { owner: 'alice' });
    await openTicket(service, complaint(customerId, { cause: 'DELIVERY' }), agent);
    await openTicket(service, complaint(customerId, { cause: 'SERVICE_ATTITUDE' }), agent);
    const run = (await ok(service, ANALYSIS, { i: { fromMonth: '2024-08', toMonth: '2024-10' } }, gm)).requestComplaintAnalysis.reportRun;
    const done = await poll(run.id, gm);
    expect(done.result).toMatchObject({ __typename: 'ComplaintAnalysisReport', fromMonth: '2024-08', toMonth: '2024-10' });
    expect(done.result.trend.map((m: any) => m.month)).toEqual(['2024-08', '2024-09', '2024-10']);
    expect(done.result.trend[0].count).toBe(0);
    expect(done.result.trend[2].count).toBe(2);
    expect(done.result.total).toBe(done.result.trend.reduce((sum: number, m: any) => sum + m.count, 0));
    const delivery = done.result.byCause.find((c: any) => c.cause === 'DELIVERY');
    expect(delivery.count).toBeGreaterThanOrEqual(2);
    const before = await service.connection.collection('report_runs').countDocuments();
    const tooLong = await graphql(service.url, ANALYSIS, { i: { fromMonth: '2020-01', toMonth: '2024-10' } }, gm);
    expect(refusal(tooLong, 'requestComplaintAnalysis', 'reportRun')).toEqual([{ field: ['input', 'toMonth'], code: 'BAD_USER_INPUT', message: 'at most 24 months per analysis' }]);
    const backwards = await graphql(service.url, ANALYSIS, { i: { fromMonth: '2024-10', toMonth: '2024-08' } }, gm);
    expect(refusal(backwards, 'requestComplaintAnalysis', 'reportRun')).toEqual([{ field: ['input', 'toMonth'], code: 'BAD_USER_INPUT', message: 'must not be before fromMonth' }]);
    const neither = await graphql(service.url, ANALYSIS, { i: { fromMonth: '2024-8', toMonth: 'October' } }, gm);
    expect(refusal(neither, 'requestComplaintAnalysis', 'reportRun')).toEqual([
      { field: ['input', 'fromMonth'], code: 'BAD_USER_INPUT', message: 'must be a month, YYYY-MM' },
      { field: ['input', 'toMonth'], code: 'BAD_USER_INPUT', message: 'must be a month, YYYY-MM' },
    ]);
    expect(await service.connection.collection('report_runs').countDocuments()).toBe(before);
  });

  it('exposes the complaint count and rate per consultant on the Consultant entity, to the consultant and managers only', async () => {
    clock.set(cst('2024-11-05T10:00:00'));
    const first = await announceCustomer(service, { owner: 'dave', department: 'D-EAST' });
    await announceCustomer(service, { owner: 'dave', department: 'D-EAST' });
    await announceCustomer(service, { owner: 'dave', department: 'D-EAST' });
    await announceCustomer(service, { owner: 'dave', department: 'D-EAST' });
    await openTicket(service, complaint(first), agent);
    await openTicket(service, complaint(first, { type: 'INQUIRY' }), agent);
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Consultant { id month: complaintCount(period: "2024-11") rate: complaintRate(period: "2024-11") quarter: complaintCount(period: "2024-Q4") year: complaintRate(period: "2023") } } }`;
    const reps = { r: [{ __typename: 'Consultant', id: 'dave' }, { __typename: 'Consultant', id: 'nobody' }] };
    const asGm = await ok(service, query, reps, gm);
    expect(asGm._entities).toEqual([
      { id: 'dave', month: 1, rate: 0.25, quarter: 1, year: 0 },
      { id: 'nobody', month: 0, rate: null, quarter: 0, year: null },
    ]);
    const dave = await ok(service, query, reps, await (await import('@crm/testing')).tokenFor({ sub: 'dave', roles: ['consultant'], department_id: 'D-EAST' }));
    expect(dave._entities[0]).toMatchObject({ month: 1, rate: 0.25 });
    expect(dave._entities[1]).toMatchObject({ month: null, rate: null });
    const partner = await ok(service, query, reps, await tokens.partner());
    expect(partner._entities[0]).toMatchObject({ month: null, rate: null });
    const bad = await graphql(service.url, 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Consultant { complaintCount(period: "last month") } } }', reps, gm);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'period' });
  });

  it("rolls complaints up per department, for its manager and the company-wide roles; another department's manager reads of a consultant only the part booked in theirs", async () => {
    clock.set(cst('2024-12-05T10:00:00'));
    const east = await announceCustomer(service, { owner: 'erin', department: 'D-KPI-EAST' });
    await announceCustomer(service, { owner: 'erin', department: 'D-KPI-EAST' });
    const west = await announceCustomer(service, { owner: 'erin', department: 'D-KPI-WEST' });
    await openTicket(service, complaint(east), agent);
    await openTicket(service, complaint(west), agent);
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Department { id complaintCount(period: "2024-12") complaintRate(period: "2024-12") } ... on Consultant { id complaintCount(period: "2024-12") } } }`;
    const reps = { r: [{ __typename: 'Department', id: 'D-KPI-EAST' }, { __typename: 'Department', id: 'D-KPI-WEST' }, { __typename: 'Consultant', id: 'erin' }] };
    expect((await ok(service, query, reps, gm))._entities).toEqual([
      { id: 'D-KPI-EAST', complaintCount: 1, complaintRate: 0.5 },
      { id: 'D-KPI-WEST', complaintCount: 1, complaintRate: 1 },
      { id: 'erin', complaintCount: 2 },
    ]);
    const { tokenFor } = await import('@crm/testing');
    const eastManager = await tokenFor({ sub: 'mgr-kpi-east', roles: ['department_manager'], department_id: 'D-KPI-EAST' });
    expect((await ok(service, query, reps, eastManager))._entities).toEqual([
      { id: 'D-KPI-EAST', complaintCount: 1, complaintRate: 0.5 },
      { id: 'D-KPI-WEST', complaintCount: null, complaintRate: null },
      { id: 'erin', complaintCount: 1 },
    ]);
    const consultant = await tokenFor({ sub: 'erin', roles: ['consultant'], department_id: 'D-KPI-EAST' });
    expect((await ok(service, query, reps, consultant))._entities[0]).toEqual({ id: 'D-KPI-EAST', complaintCount: null, complaintRate: null });
  });
});
