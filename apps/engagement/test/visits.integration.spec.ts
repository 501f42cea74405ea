import type { RunningService } from '@crm/kernel';
import { announceCustomer, graphql } from '@crm/testing';
import { eventsAbout, eventsOf, ok, okPayload, staffTokens, startEngagement, user, type FixedClock } from './engagement-fixture';

const VISIT = 'id kind purpose goals plannedAt status visitedBy { id kind } plannedBy { id } decision { approved decidedBy { id } reason } report { visitedAt questionsRaised importantMatters { matter handling } competitorMoves customerReaction reportedBy { id } }';
const PLAN = `mutation($input: PlanVisitInput!) { planVisit(input: $input) { visit { ${VISIT} } userErrors { field code message } } }`;
const APPROVE = `mutation($input: ApproveVisitInput!) { approveVisit(input: $input) { visit { ${VISIT} } userErrors { field code message } } }`;
const REJECT = `mutation($input: RejectVisitInput!) { rejectVisit(input: $input) { visit { ${VISIT} } userErrors { field code message } } }`;
const REPORT = `mutation($input: ReportVisitInput!) { reportVisit(input: $input) { visit { ${VISIT} } userErrors { field code message } } }`;
const ONE = `query($id: ID!) { visit(id: $id) { id status } }`;
const WAITING = `{ visitPlansAwaitingDecision { id } }`;
const CUSTOMER_VISITS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id visits { id status } } } }`;

jest.setTimeout(60_000);

describe('engagement: visits', () => {
  let service: RunningService;
  let clock: FixedClock;
  let t: Awaited<ReturnType<typeof staffTokens>>;
  const visits = () => service.connection.collection('visits');

  beforeAll(async () => {
    ({ service, clock } = await startEngagement('2025-06-02T01:00:00Z'));
    t = await staffTokens();
  });
  afterAll(() => service.stop());
  beforeEach(() => clock.set('2025-06-02T01:00:00Z'));

  const planInput = (customerId: string, overrides: Record<string, unknown> = {}) => ({
    customerId,
    purpose: 'Present the new pump series',
    goals: ['Agree a trial', 'Learn the spring demand'],
    plannedAt: '2025-06-04T02:00:00Z',
    ...overrides,
  });
  const plan = async (customerId: string, overrides: Record<string, unknown> = {}, token = t.alice) => (await okPayload(service, PLAN, { input: planInput(customerId, overrides) }, token)).visit;

  it('plans, approves and reports a visit, publishing planned and approved', async () => {
    const customerId = await announceCustomer(service, { owner: user('alice'), department: 'D-EAST' });
    const visit = await plan(customerId, { kind: 'MAINTENANCE', product: 'Pump P-300', accompanyingStaffIds: [user('bob')] });
    expect(visit).toMatchObject({ kind: 'MAINTENANCE', status: 'PLANNED', visitedBy: { id: user('alice'), kind: 'STAFF_MEMBER' }, plannedBy: { id: user('alice') }, decision: null, report: null });
    expect((await ok(service, WAITING, {}, t.east)).visitPlansAwaitingDecision.map((v: { id: string }) => v.id)).toContain(visit.id);
    expect((await ok(service, WAITING, {}, t.west)).visitPlansAwaitingDecision).toEqual([]);

    const approved = (await okPayload(service, APPROVE, { input: { id: visit.id, note: 'Take the brochure' } }, t.east)).visit;
    expect(approved).toMatchObject({ status: 'APPROVED', decision: { approved: true, decidedBy: { id: user('mgr-east') }, reason: 'Take the brochure' } });

    clock.set('2025-06-04T06:00:00Z');
    const reported = (
      await okPayload(
        service,
        REPORT,
        {
          input: {
            id: visit.id,
            visitedAt: '2025-06-04T02:30:00Z',
            questionsRaised: 'Delivery times for the autumn',
            importantMatters: [{ matter: 'A leaking seal on pump 3', handling: 'Replaced on site' }],
            competitorMoves: 'Rival offers a 3-year warranty',
            customerReaction: 'Satisfied, asks for a quotation',
          },
        },
        t.alice,
      )
    ).visit;
    expect(reported).toMatchObject({
      status: 'REPORTED',
      report: { visitedAt: '2025-06-04T02:30:00.000Z', questionsRaised: 'Delivery times for the autumn', importantMatters: [{ matter: 'A leaking seal on pump 3', handling: 'Replaced on site' }], competitorMoves: 'Rival offers a 3-year warranty', reportedBy: { id: user('alice') } },
    });

    const planned = await eventsOf(service, 'crm.engagement.visit.planned', visit.id);
    expect(planned).toHaveLength(1);
    expect(planned[0].data).toMatchObject({ visitId: visit.id, customerId, departmentId: 'D-EAST', staffId: user('alice'), kind: 'MAINTENANCE' });
    const approvedEvents = await eventsOf(service, 'crm.engagement.visit.approved', visit.id);
    expect(approvedEvents).toHaveLength(1);
    expect(approvedEvents[0]).toMatchObject({ actorid: user('mgr-east'), data: { approvedBy: user('mgr-east') } });

    // Reported with the report's write: surveys sends its after-visit survey for a maintenance visit.
    const reportedEvents = await eventsOf(service, 'crm.engagement.visit.reported', visit.id);
    expect(reportedEvents).toHaveLength(1);
    expect(reportedEvents[0]).toMatchObject({
      actorid: user('alice'),
      data: { visitId: visit.id, customerId, staffId: user('alice'), accompanyingStaffIds: [user('bob')], kind: 'MAINTENANCE', product: 'Pump P-300', visitedAt: '2025-06-04T02:30:00.000Z', reportedAt: '2025-06-04T06:00:00.000Z' },
    });

    const listed = await ok(service, CUSTOMER_VISITS, { r: [{ __typename: 'Customer', id: customerId }] }, t.east);
    expect(listed._entities[0].visits).toEqual([{ id: visit.id, status: 'REPORTED' }]);
  });

  it('rejects a plan with the reason and publishes visit.rejected; a rejected plan cannot be approved (CONFLICT)', async () => {
    const customerId = await announceCustomer(service, { owner: user('alice'), department: 'D-EAST' });
    const visit = await plan(customerId);
    const rejected = (await okPayload(service, REJECT, { input: { id: visit.id, reason: 'Visit them after the trade fair' } }, t.east)).visit;
    expect(rejected).toMatchObject({ status: 'REJECTED', decision: { approved: false, reason: 'Visit them after the trade fair' } });
    expect((await eventsOf(service, 'crm.engagement.visit.rejected', visit.id))[0].data).toMatchObject({ reason: 'Visit them after the trade fair', rejectedBy: user('mgr-east') });

    const again = await graphql(service.url, APPROVE, { input: { id: visit.id } }, t.east);
    expect(again.data!.approveVisit).toEqual({ visit: null, userErrors: [expect.objectContaining({ code: 'CONFLICT', field: null })] });
    expect((await ok(service, ONE, { id: visit.id }, t.alice)).visit.status).toBe('REJECTED');
    expect(await eventsOf(service, 'crm.engagement.visit.approved', visit.id)).toEqual([]);
  });

  it('refuses to report a plan before approval: a CONFLICT user error, nothing written, no event', async () => {
    const customerId = await announceCustomer(service, { owner: user('alice'), department: 'D-EAST' });
    const visit = await plan(customerId);
    const eventsBefore = (await eventsAbout(service, customerId)).length;
    const res = await graphql(service.url, REPORT, { input: { id: visit.id, visitedAt: '2025-06-02T00:30:00Z' } }, t.alice);
    expect(res.data!.reportVisit).toEqual({ visit: null, userErrors: [expect.objectContaining({ code: 'CONFLICT', message: expect.stringMatching(/not been approved/) })] });
    expect((await ok(service, ONE, { id: visit.id }, t.alice)).visit.status).toBe('PLANNED');
    expect(await eventsAbout(service, customerId)).toHaveLength(eventsBefore);
  });

  it('lists every problem of a plan at once, one user error each, and writes nothing', async () => {
    const customerId = await announceCustomer(service, { owner: user('alice'), department: 'D-EAST' });
    const before = await visits().countDocuments();
    const res = await graphql(service.url, PLAN, { input: planInput(customerId, { purpose: '  ', goals: ['ok', ''], plannedAt: '2025-06-03T00:00:00Z', kind: 'MAINTENANCE' }) }, t.alice);
    expect(res.data!.planVisit.visit).toBeNull();
    expect(res.data!.planVisit.userErrors).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'BAD_USER_INPUT', field: ['input', 'purpose'] }), expect.objectContaining({ code: 'BAD_USER_INPUT', field: ['input', 'goals', '1'] })]),
    );
    expect(res.data!.planVisit.userErrors).toHaveLength(2);
    // The rules after the shape: a time in the past and an unknown customer, both at once.
    const rules = await graphql(service.url, PLAN, { input: planInput('0123456789abcdef01234567', { plannedAt: '2025-06-01T00:00:00Z' }) }, t.alice);
    expect(rules.data!.planVisit.userErrors.map((e: { field: string[] }) => e.field.join('.'))).toEqual(['input.plannedAt', 'input.customerId']);
    expect(await visits().countDocuments()).toBe(before);
    expect(await eventsAbout(service, customerId)).toEqual([]);
  });

  it('refuses a consultant deciding a plan, a manager of another department, and a partner: FORBIDDEN, nothing written', async () => {
    const customerId = await announceCustomer(service, { owner: user('alice'), department: 'D-EAST' });
    const visit = await plan(customerId);
    // The visitor themself, and a colleague who may not read the customer.
    for (const token of [t.alice, t.bob]) {
      const res = await graphql(service.url, APPROVE, { input: { id: visit.id } }, token);
      expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    // Outside the customer's department the manager may not even read the plan.
    const west = await graphql(service.url, APPROVE, { input: { id: visit.id } }, t.west);
    expect(west.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const partner = await graphql(service.url, PLAN, { input: planInput(customerId) }, t.partner);
    expect(partner.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const partnerApprove = await graphql(service.url, APPROVE, { input: { id: visit.id } }, t.partner);
    expect(partnerApprove.data!.approveVisit).toEqual({ visit: null, userErrors: [expect.objectContaining({ code: 'NOT_FOUND' })] });
    expect((await ok(service, ONE, { id: visit.id }, t.alice)).visit.status).toBe('PLANNED');
    expect(await eventsOf(service, 'crm.engagement.visit.approved', visit.id)).toEqual([]);
  });

  it('answers a malformed id as a BAD_USER_INPUT on input.id and a missing visit as NOT_FOUND', async () => {
    const malformed = await graphql(service.url, APPROVE, { input: { id: 'nope' } }, t.east);
    expect(malformed.data!.approveVisit.userErrors).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field: ['input', 'id'] })]);
    const missing = await graphql(service.url, APPROVE, { input: { id: '0123456789abcdef01234567' } }, t.east);
    expect(missing.data!.approveVisit.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
  });

  it('plans once per idempotency key', async () => {
    const customerId = await announceCustomer(service, { owner: user('alice'), department: 'D-EAST' });
    const first = await plan(customerId, { idempotencyKey: 'plan-1' });
    const second = await plan(customerId, { idempotencyKey: 'plan-1' });
    expect(second.id).toBe(first.id);
    expect(await eventsOf(service, 'crm.engagement.visit.planned', first.id)).toHaveLength(1);
  });
});
