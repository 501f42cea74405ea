import type { RunningService } from '@crm/kernel';
import { announceCustomer, eventually, graphql } from '@crm/testing';
import { eventsAbout, eventsOf, ok, okPayload, staffTokens, startEngagement, user, type FixedClock } from './engagement-fixture';

const MINUTES = 'id source { kind id } status overdue dueAt meetingAt text attendees submittedAt submittedLate writtenBy { id } reviews { approved remark reviewedBy { id } } confirmation { confirmedByName confirmedAt recordedBy { id } }';
const LOG = `mutation($input: LogInteractionInput!) { logInteraction(input: $input) { interaction { id } userErrors { field code message } } }`;
const CUSTOMER_MINUTES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id minutes { ${MINUTES} } } } }`;
const mutation = (name: string, input: string) => `mutation($input: ${input}!) { ${name}(input: $input) { minutes { ${MINUTES} } userErrors { field code message } } }`;
const SAVE = mutation('saveMinutesDraft', 'SaveMinutesDraftInput');
const SUBMIT = mutation('submitMinutes', 'SubmitMinutesInput');
const APPROVE = mutation('approveMinutes', 'ApproveMinutesInput');
const SEND_BACK = mutation('sendBackMinutes', 'SendBackMinutesInput');
const CONFIRM = mutation('recordMinutesConfirmation', 'RecordMinutesConfirmationInput');
const OVERDUE = `query($staffId: ID) { overdueMinutes(staffId: $staffId) { id overdue } }`;
const WATCH = `mutation { runEngagementWatches { summary { minutesOverdue } userErrors { code } } }`;
const PLAN = `mutation($input: PlanVisitInput!) { planVisit(input: $input) { visit { id } userErrors { field code message } } }`;
const APPROVE_VISIT = `mutation($input: ApproveVisitInput!) { approveVisit(input: $input) { visit { id } userErrors { field code message } } }`;
const REPORT_VISIT = `mutation($input: ReportVisitInput!) { reportVisit(input: $input) { visit { id } userErrors { field code message } } }`;

jest.setTimeout(90_000);

// Thursday 5 June 2025, 10:00 in China; Monday 9 June is configured as a holiday.
const NOW = '2025-06-05T02:00:00Z';

describe('engagement: minutes', () => {
  let service: RunningService;
  let clock: FixedClock;
  let t: Awaited<ReturnType<typeof staffTokens>>;

  beforeAll(async () => {
    ({ service, clock } = await startEngagement(NOW, { WORKING_CALENDAR_HOLIDAYS: '2025-06-09' }));
    t = await staffTokens();
  });
  afterAll(() => service.stop());
  beforeEach(() => clock.set(NOW));

  const minutesOf = async (customerId: string, token = t.east) => (await ok(service, CUSTOMER_MINUTES, { r: [{ __typename: 'Customer', id: customerId }] }, token))._entities[0].minutes;
  const logMeeting = async (customerId: string, channel = 'FACE_TO_FACE') =>
    (await okPayload(service, LOG, { input: { customerId, channel, occurredAt: '2025-06-05T01:00:00Z', summary: 'Met the purchasing team' } }, t.alice)).interaction.id as string;
  const meetingMinutes = async (customerId: string) => {
    const interactionId = await logMeeting(customerId);
    return eventually(async () => {
      const [m] = await minutesOf(customerId);
      if (!m) throw new Error('minutes not opened yet');
      expect(m.source).toEqual({ kind: 'INTERACTION', id: interactionId });
      return m;
    });
  };

  it('opens minutes for a face-to-face interaction, due at the end of the second working day (skipping the weekend and the holiday)', async () => {
    const customerId = await announceCustomer(service, { owner: user('alice'), department: 'D-EAST' });
    await logMeeting(customerId, 'PHONE');
    const m = await meetingMinutes(customerId);
    // Thursday's meeting: Friday is the first working day, Tuesday (after the weekend and Monday's holiday) the second.
    expect(m).toMatchObject({ status: 'DRAFT', overdue: false, dueAt: '2025-06-10T15:59:59.999Z', writtenBy: { id: user('alice') }, text: null });
    // The phone call opened none.
    expect(await minutesOf(customerId)).toHaveLength(1);
  });

  it('goes draft → submitted → sent back → submitted → approved → confirmed, publishing minutes.confirmed', async () => {
    const customerId = await announceCustomer(service, { owner: user('alice'), department: 'D-EAST' });
    const { id } = await meetingMinutes(customerId);
    const submitTooEarly = await graphql(service.url, SUBMIT, { input: { id } }, t.alice);
    expect(submitTooEarly.data!.submitMinutes.userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT', message: expect.stringMatching(/no text/) })]);

    await okPayload(service, SAVE, { input: { id, text: 'Agreed a trial of 20 units', attendees: ['Ms Wang (purchasing)'] } }, t.alice);
    await okPayload(service, SUBMIT, { input: { id } }, t.alice);
    const sentBack = (await okPayload(service, SEND_BACK, { input: { id, remark: 'Name the delivery date' } }, t.east)).minutes;
    expect(sentBack).toMatchObject({ status: 'DRAFT', reviews: [{ approved: false, remark: 'Name the delivery date', reviewedBy: { id: user('mgr-east') } }] });
    await okPayload(service, SAVE, { input: { id, text: 'Agreed a trial of 20 units, delivered on 20 June' } }, t.alice);
    await okPayload(service, SUBMIT, { input: { id } }, t.alice);
    clock.set('2025-06-05T08:00:00Z');
    const approved = (await okPayload(service, APPROVE, { input: { id } }, t.east)).minutes;
    expect(approved).toMatchObject({ status: 'APPROVED', submittedLate: false });

    const early = await graphql(service.url, CONFIRM, { input: { id, confirmedByName: 'Ms Wang', confirmedAt: '2025-06-05T07:00:00Z' } }, t.alice);
    expect(early.data!.recordMinutesConfirmation.userErrors).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field: ['input', 'confirmedAt'] })]);
    clock.set('2025-06-06T02:00:00Z');
    const confirmed = (await okPayload(service, CONFIRM, { input: { id, confirmedByName: 'Ms Wang', confirmedAt: '2025-06-06T01:30:00Z' } }, t.alice)).minutes;
    expect(confirmed).toMatchObject({ status: 'CONFIRMED', confirmation: { confirmedByName: 'Ms Wang', confirmedAt: '2025-06-06T01:30:00.000Z', recordedBy: { id: user('alice') } } });
    const events = await eventsOf(service, 'crm.engagement.minutes.confirmed', id);
    expect(events).toHaveLength(1);
    expect(events[0].data).toMatchObject({ minutesId: id, customerId, confirmedByName: 'Ms Wang', recordedBy: user('alice') });
  });

  it('refuses a review by a consultant (FORBIDDEN) and of a draft (CONFLICT), writing nothing', async () => {
    const customerId = await announceCustomer(service, { owner: user('alice'), department: 'D-EAST' });
    const { id } = await meetingMinutes(customerId);
    await okPayload(service, SAVE, { input: { id, text: 'Notes' } }, t.alice);
    const draft = await graphql(service.url, APPROVE, { input: { id } }, t.east);
    expect(draft.data!.approveMinutes).toEqual({ minutes: null, userErrors: [expect.objectContaining({ code: 'CONFLICT' })] });
    await okPayload(service, SUBMIT, { input: { id } }, t.alice);
    const byConsultant = await graphql(service.url, APPROVE, { input: { id } }, t.alice);
    expect(byConsultant.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const noRemark = await graphql(service.url, SEND_BACK, { input: { id, remark: ' ' } }, t.east);
    expect(noRemark.data!.sendBackMinutes.userErrors).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field: ['input', 'remark'] })]);
    const [m] = await minutesOf(customerId);
    expect(m).toMatchObject({ status: 'SUBMITTED', reviews: [] });
  });

  it('lists overdue minutes and raises the overdue event once', async () => {
    const customerId = await announceCustomer(service, { owner: user('alice'), department: 'D-EAST' });
    const { id } = await meetingMinutes(customerId);
    clock.set('2025-06-10T15:59:59.999Z');
    expect((await ok(service, OVERDUE, { staffId: user('alice') }, t.east)).overdueMinutes.map((m: { id: string }) => m.id)).not.toContain(id);
    clock.set('2025-06-10T16:00:00Z');
    expect((await ok(service, OVERDUE, { staffId: user('alice') }, t.east)).overdueMinutes).toContainEqual({ id, overdue: true });
    // Not visible to a colleague outside the customer's scope.
    expect((await ok(service, OVERDUE, {}, t.bob)).overdueMinutes.map((m: { id: string }) => m.id)).not.toContain(id);

    const forbidden = await graphql(service.url, WATCH, {}, t.alice);
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const first = await ok(service, WATCH, {}, t.gm);
    expect(first.runEngagementWatches.summary.minutesOverdue).toBeGreaterThanOrEqual(1);
    await ok(service, WATCH, {}, t.gm);
    const events = await eventsOf(service, 'crm.engagement.minutes.overdue', id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorid: 'system:minutes-watch', data: { minutesId: id, customerId, staffId: user('alice'), departmentId: 'D-EAST', dueAt: '2025-06-10T15:59:59.999Z' } });
  });

  it('opens minutes for a reported visit in the same request', async () => {
    const customerId = await announceCustomer(service, { owner: user('alice'), department: 'D-EAST' });
    const visit = (await okPayload(service, PLAN, { input: { customerId, purpose: 'Service review', plannedAt: '2025-06-05T03:00:00Z' } }, t.alice)).visit;
    await okPayload(service, APPROVE_VISIT, { input: { id: visit.id } }, t.east);
    clock.set('2025-06-05T06:00:00Z');
    await okPayload(service, REPORT_VISIT, { input: { id: visit.id, visitedAt: '2025-06-05T03:00:00Z' } }, t.alice);
    const [m] = await minutesOf(customerId);
    expect(m).toMatchObject({ source: { kind: 'VISIT', id: visit.id }, status: 'DRAFT', dueAt: '2025-06-10T15:59:59.999Z' });
    expect((await eventsAbout(service, customerId)).map((e) => e.type)).not.toContain('crm.engagement.minutes.overdue');
  });
});
