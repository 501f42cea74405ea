import { complaintEscalatedV1, complaintSlaBreachedV1, complaintSlaNearBreachV1 } from '@crm/contracts';
import type { RunningService } from '@crm/kernel';
import { graphql } from '@crm/testing';
import { defaultSlaTargets } from '../src/sla/sla-policy-rules';
import { act, announceCustomer, complaint, cst, ok, openTicket, published, refusal, startServiceDesk, tokens, USER_ERRORS, type TestClock } from './service-desk-fixture';

const WATCH = `mutation { runSlaWatch { summary { examined nearBreaches breaches escalations recomputed skipped } ${USER_ERRORS} } }`;
const READ =
  'query($id: ID!) { ticket(id: $id) { promisedReplyBy resolutionDueAt escalationLevel sla { policyVersion firstResponse { status dueAt } } escalations { level reason clock onCallUserId escalatedBy { id kind staffMember { id } } } history { kind actor { id kind } detailsJson } } }';
const SET_DAY = `mutation($i: SetCalendarDayInput!) { setCalendarDay(input: $i) { calendarDay { id date kind name } ${USER_ERRORS} } }`;
const REMOVE_DAY = `mutation($i: RemoveCalendarDayInput!) { removeCalendarDay(input: $i) { removed ${USER_ERRORS} } }`;
const ASSIGN = `mutation($i: AssignOnCallInput!) { assignOnCall(input: $i) { onCallShift { id date duty userId } ${USER_ERRORS} } }`;
const REMOVE_SHIFT = `mutation($i: RemoveOnCallShiftInput!) { removeOnCallShift(input: $i) { removed ${USER_ERRORS} } }`;

// In-process service against real servers; generous under a loaded full run (the suite itself takes seconds).
jest.setTimeout(30_000);

describe('service-desk: SLA clocks, the watch and escalation (injected clock)', () => {
  let service: RunningService;
  let clock: TestClock;
  let agent: string;
  let gm: string;
  const watch = async () => (await ok(service, WATCH, {}, gm)).runSlaWatch.summary;
  const read = async (id: string) => (await ok(service, READ, { id }, gm)).ticket;

  beforeAll(async () => {
    ({ service, clock } = await startServiceDesk(cst('2024-09-20T16:30:00')));
    agent = await tokens.agent();
    gm = await tokens.gm();
  });
  afterAll(() => service.stop());

  it('carries a Friday complaint over the weekend, then detects the near-breach and the breach as they happen and climbs the ladder one rung at a time', async () => {
    clock.set(cst('2024-09-20T16:30:00'));
    const customerId = await announceCustomer(service);
    const ticket = await openTicket(service, complaint(customerId), agent);
    // 2 working hours: Friday 16:30–18:00, then Monday 09:00–09:30.
    expect(ticket.promisedReplyBy).toBe(cst('2024-09-23T09:30:00').toISOString());

    clock.set(cst('2024-09-22T12:00:00')); // Sunday: no working time passes, nothing to report.
    await watch();
    expect((await read(ticket.id)).escalationLevel).toBe('HANDLER');

    clock.set(cst('2024-09-23T09:10:00')); // 100 of 120 minutes used.
    await watch();
    let now = await read(ticket.id);
    expect(now).toMatchObject({ escalationLevel: 'SUPERVISOR', sla: { firstResponse: { status: 'NEAR_BREACH' } } });

    clock.set(cst('2024-09-23T09:45:00'));
    await watch();
    now = await read(ticket.id);
    expect(now).toMatchObject({ escalationLevel: 'DEPARTMENT_MANAGER', sla: { firstResponse: { status: 'BREACHED' } } });

    clock.set(cst('2024-09-23T13:31:00')); // 4 working hours overdue: the general manager.
    await watch();
    await watch(); // A second pass finds nothing new.
    now = await read(ticket.id);
    expect(now.escalationLevel).toBe('GENERAL_MANAGER');
    // The SLA watch acts as the system: an Actor of kind SYSTEM, no staff member behind it.
    const watchActor = { id: 'system:sla-watch', kind: 'SYSTEM', staffMember: null };
    expect(now.escalations).toEqual([
      { level: 'SUPERVISOR', reason: 'SLA_NEAR_BREACH', clock: 'FIRST_RESPONSE', onCallUserId: null, escalatedBy: watchActor },
      { level: 'DEPARTMENT_MANAGER', reason: 'SLA_BREACH', clock: 'FIRST_RESPONSE', onCallUserId: null, escalatedBy: watchActor },
      { level: 'GENERAL_MANAGER', reason: 'SLA_BREACH', clock: 'FIRST_RESPONSE', onCallUserId: null, escalatedBy: watchActor },
    ]);
    expect(now.history.map((h: any) => h.kind)).toEqual(['OPENED', 'SLA_NEAR_BREACH', 'ESCALATED', 'SLA_BREACHED', 'ESCALATED', 'ESCALATED']);
    expect(now.history.map((h: any) => h.actor)).toEqual([{ id: 'agent-7', kind: 'STAFF_MEMBER' }, ...Array(5).fill({ id: 'system:sla-watch', kind: 'SYSTEM' })]);

    const near = await published(service, complaintSlaNearBreachV1.type, ticket.id);
    expect(near.map((e) => e.data)).toEqual([
      expect.objectContaining({ clock: 'FIRST_RESPONSE', dueAt: cst('2024-09-23T09:30:00').toISOString(), policyVersion: 1, remainingWorkingMinutes: 20, targetWorkingMinutes: 120 }),
    ]);
    const breached = await published(service, complaintSlaBreachedV1.type, ticket.id);
    expect(breached.map((e) => e.data)).toEqual([
      expect.objectContaining({ clock: 'FIRST_RESPONSE', dueAt: cst('2024-09-23T09:30:00').toISOString(), status: 'RECEIVED', occurredAt: cst('2024-09-23T09:45:00').toISOString() }),
    ]);
    const escalated = await published(service, complaintEscalatedV1.type, ticket.id);
    expect(escalated.map((e) => [e.data.level, e.data.reason])).toEqual([
      [1, 'SLA_NEAR_BREACH'],
      [2, 'SLA_BREACH'],
      [3, 'SLA_BREACH'],
    ]);
  });

  it('stops the clock at the first answer: an answered ticket is never reported', async () => {
    clock.set(cst('2024-09-23T10:00:00'));
    const customerId = await announceCustomer(service);
    const ticket = await openTicket(service, complaint(customerId), agent);
    clock.set(cst('2024-09-23T11:00:00'));
    await act(service, 'recordProgress', ticket.id, agent, { note: 'Called the customer back', communicatedToCustomer: true });
    clock.set(cst('2024-09-23T16:00:00'));
    await watch();
    const now = await read(ticket.id);
    expect(now).toMatchObject({ escalationLevel: 'HANDLER', sla: { firstResponse: { status: 'MET' } } });
  });

  it('keeps the holiday calendar in GraphQL: holidays move due times, and only the general manager or coordinator may change it', async () => {
    clock.set(cst('2024-09-30T17:00:00'));
    const holiday = (date: string) => ({ date, kind: 'HOLIDAY', name: 'National Day' });
    const forbidden = await graphql(service.url, SET_DAY, { i: holiday('2024-10-01') }, agent);
    expect(forbidden.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(forbidden.data?.setCalendarDay).toBeNull();
    const malformed = await graphql(service.url, SET_DAY, { i: { date: '2024-10-32', kind: 'HOLIDAY', name: ' ' } }, gm);
    expect(refusal(malformed, 'setCalendarDay', 'calendarDay')).toEqual([
      { field: ['input', 'date'], code: 'BAD_USER_INPUT', message: 'must be a YYYY-MM-DD date' },
      { field: ['input', 'name'], code: 'BAD_USER_INPUT', message: 'is required' },
    ]);
    expect(await service.connection.collection('calendar_days').countDocuments({ _id: { $regex: '^2024-10-3' } } as never)).toBe(0);
    for (const day of ['2024-10-01', '2024-10-02', '2024-10-03', '2024-10-04', '2024-10-07']) {
      const set = await ok(service, SET_DAY, { i: holiday(day) }, gm);
      expect(set.setCalendarDay.calendarDay).toEqual({ id: day, date: day, kind: 'HOLIDAY', name: 'National Day' });
    }
    await ok(service, SET_DAY, { i: { date: '2024-10-12', kind: 'MAKE_UP_WORKDAY', name: 'National Day make-up' } }, gm);
    const calendar = await ok(service, '{ workingCalendar { id timeZone workdayStart workdayEnd days(year: 2024) { id date kind } isWorkingDay(date: "2024-10-12") } }', {}, agent);
    expect(calendar.workingCalendar).toMatchObject({ id: 'working-calendar', timeZone: 'Asia/Shanghai', workdayStart: '09:00', workdayEnd: '18:00', isWorkingDay: true });
    expect(calendar.workingCalendar.days).toHaveLength(6);
    expect(calendar.workingCalendar.days.every((d: { id: string; date: string }) => d.id === d.date)).toBe(true);

    const customerId = await announceCustomer(service);
    const ticket = await openTicket(service, complaint(customerId), agent);
    // Monday 17:00 + 2 working hours: 1 hour on Monday, then Tuesday 8 October 09:00–10:00.
    expect(ticket.promisedReplyBy).toBe(cst('2024-10-08T10:00:00').toISOString());

    // Taking a holiday back moves the promise; the watch recomputes what is shown on the ticket.
    expect((await ok(service, REMOVE_DAY, { i: { date: '2024-10-07' } }, gm)).removeCalendarDay.removed).toBe(true);
    expect((await ok(service, REMOVE_DAY, { i: { date: '2024-10-07' } }, gm)).removeCalendarDay.removed).toBe(false);
    await ok(service, SET_DAY, { i: holiday('2024-10-07') }, gm);
    expect((await ok(service, REMOVE_DAY, { i: { date: '2024-10-01' } }, gm)).removeCalendarDay.removed).toBe(true);
    const badDate = await graphql(service.url, REMOVE_DAY, { i: { date: 'tomorrow' } }, gm);
    expect(refusal(badDate, 'removeCalendarDay', 'removed')).toEqual([{ field: ['input', 'date'], code: 'BAD_USER_INPUT', message: 'must be a YYYY-MM-DD date' }]);
    const summary = await watch();
    expect(summary.recomputed).toBeGreaterThanOrEqual(1);
    expect((await read(ticket.id)).promisedReplyBy).toBe(cst('2024-10-01T10:00:00').toISOString());
    await ok(service, SET_DAY, { i: holiday('2024-10-01') }, gm);
  });

  it('names the on-call person from the holiday roster when a major matter goes to the general manager on a holiday', async () => {
    clock.set(cst('2024-10-02T08:00:00'));
    const onWorkday = await graphql(service.url, ASSIGN, { i: { date: '2024-10-08', duty: 'GENERAL_MANAGER', userId: 'gm-deputy' } }, gm);
    expect(refusal(onWorkday, 'assignOnCall', 'onCallShift')).toEqual([{ field: ['input', 'date'], code: 'BAD_USER_INPUT', message: expect.stringMatching(/is a working day/) }]);
    const blank = await graphql(service.url, ASSIGN, { i: { date: '2024-10-2', duty: 'GENERAL_MANAGER', userId: ' ' } }, gm);
    expect(refusal(blank, 'assignOnCall', 'onCallShift').map((e) => e.field)).toEqual([
      ['input', 'date'],
      ['input', 'userId'],
    ]);
    expect((await ok(service, '{ onCallRoster(from: "2024-10-01", to: "2024-10-31") { id } }', {}, agent)).onCallRoster).toEqual([]);
    await ok(service, ASSIGN, { i: { date: '2024-10-02', duty: 'GENERAL_MANAGER', userId: 'gm-holiday', contact: '+86 139 0000 0000' } }, gm);
    await ok(service, ASSIGN, { i: { date: '2024-10-02', duty: 'SERVICE_AGENT', userId: 'agent-holiday' } }, gm);
    const roster = await ok(service, '{ onCallRoster(from: "2024-10-01", to: "2024-10-07") { date duty userId contact } }', {}, agent);
    expect(roster.onCallRoster).toEqual([
      { date: '2024-10-02', duty: 'GENERAL_MANAGER', userId: 'gm-holiday', contact: '+86 139 0000 0000' },
      { date: '2024-10-02', duty: 'SERVICE_AGENT', userId: 'agent-holiday', contact: null },
    ]);
    // A day with shifts rostered on it stays: CONFLICT, and the holiday is still there.
    const rostered = await graphql(service.url, REMOVE_DAY, { i: { date: '2024-10-02' } }, gm);
    expect(refusal(rostered, 'removeCalendarDay', 'removed')).toEqual([{ field: null, code: 'CONFLICT', message: expect.stringMatching(/on-call shifts/) }]);
    expect((await ok(service, '{ workingCalendar { isWorkingDay(date: "2024-10-02") } }', {}, agent)).workingCalendar.isWorkingDay).toBe(false);

    clock.set(cst('2024-10-02T10:00:00'));
    const customerId = await announceCustomer(service);
    const ticket = await openTicket(service, complaint(customerId, { severity: 'CRITICAL', matter: 'Line down on a holiday' }), await tokens.agent());
    expect(ticket.escalations).toEqual([{ level: 'GENERAL_MANAGER', previousLevel: 'HANDLER', reason: 'MAJOR_MATTER', clock: null, onCallUserId: 'gm-holiday' }]);
    // CRITICAL runs around the clock, holidays included: 1 hour to answer.
    expect(ticket.promisedReplyBy).toBe(cst('2024-10-02T11:00:00').toISOString());
    const escalated = await published(service, complaintEscalatedV1.type, ticket.id);
    expect(escalated[0].data).toMatchObject({ reason: 'MAJOR_MATTER', onCallUserId: 'gm-holiday' });
  });

  it('removes an on-call shift once (general manager, coordinator); the roster no longer names it', async () => {
    const shift = (await ok(service, ASSIGN, { i: { date: '2024-10-03', duty: 'SUPERVISOR', userId: 'sup-holiday' } }, gm)).assignOnCall.onCallShift;
    expect(shift).toMatchObject({ date: '2024-10-03', duty: 'SUPERVISOR', userId: 'sup-holiday' });
    const byAgent = await graphql(service.url, REMOVE_SHIFT, { i: { id: shift.id } }, agent);
    expect(byAgent.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect((await ok(service, REMOVE_SHIFT, { i: { id: shift.id } }, gm)).removeOnCallShift.removed).toBe(true);
    expect((await ok(service, REMOVE_SHIFT, { i: { id: shift.id } }, gm)).removeOnCallShift.removed).toBe(false);
    expect((await ok(service, '{ onCallRoster(from: "2024-10-03", to: "2024-10-03") { id } }', {}, agent)).onCallRoster).toEqual([]);
  });

  it('versions SLA policies: a backdated new version moves the open tickets received since onto it and recomputes their clocks', async () => {
    clock.set(cst('2024-10-14T10:00:00'));
    const customerId = await announceCustomer(service);
    const ticket = await openTicket(service, complaint(customerId), agent);
    expect(ticket.sla.policyVersion).toBe(1);

    const tighter = defaultSlaTargets.map((t) => (t.severity === 'HIGH' ? { ...t, firstResponseMinutes: 30 } : t));
    const publish = `mutation($i: PublishSlaPolicyInput!) { publishSlaPolicy(input: $i) { slaPolicy { version effectiveFrom createdBy { id kind } targets { severity importance firstResponseMinutes } } ${USER_ERRORS} } }`;
    const byAgent = await graphql(service.url, publish, { i: { name: 'Tighter', targets: tighter } }, agent);
    expect(byAgent.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(byAgent.data?.publishSlaPolicy).toBeNull();
    const incomplete = await graphql(service.url, publish, { i: { name: 'Broken', targets: tighter.slice(1) } }, gm);
    expect(refusal(incomplete, 'publishSlaPolicy', 'slaPolicy')).toEqual([{ field: ['input', 'targets'], code: 'BAD_USER_INPUT', message: 'CRITICAL × KEY must appear exactly once (found 0)' }]);
    // Every problem its own user error: the set as a whole, an entry, and the name.
    const backwards = tighter.slice(1).map((t, i) => (i === 2 ? { ...t, resolutionMinutes: 10 } : t));
    const broken = await graphql(service.url, publish, { i: { name: ' ', targets: backwards } }, gm);
    expect(refusal(broken, 'publishSlaPolicy', 'slaPolicy').map((e) => e.field)).toEqual([['input', 'name']]);
    const several = await graphql(service.url, publish, { i: { name: 'Broken', targets: backwards } }, gm);
    expect(refusal(several, 'publishSlaPolicy', 'slaPolicy')).toEqual([
      { field: ['input', 'targets'], code: 'BAD_USER_INPUT', message: 'CRITICAL × KEY must appear exactly once (found 0)' },
      { field: ['input', 'targets', '2', 'resolutionMinutes'], code: 'BAD_USER_INPUT', message: `${backwards[2].severity} × ${backwards[2].importance}: resolution cannot be due before the first response` },
    ]);
    expect((await ok(service, '{ slaPolicies { version createdBy { id kind } } }', {}, agent)).slaPolicies).toEqual([{ version: 1, createdBy: { id: 'system', kind: 'SYSTEM' } }]);

    const v2 = await ok(service, publish, { i: { name: 'Tighter HIGH response', effectiveFrom: cst('2024-10-14T09:00:00').toISOString(), targets: tighter, note: 'Board decision' } }, gm);
    expect(v2.publishSlaPolicy.slaPolicy).toMatchObject({ version: 2, createdBy: { id: 'gm-1', kind: 'STAFF_MEMBER' } });
    await watch();
    const now = await read(ticket.id);
    expect(now.sla.policyVersion).toBe(2);
    expect(now.promisedReplyBy).toBe(cst('2024-10-14T10:30:00').toISOString());
    const changed = now.history.find((h: any) => h.kind === 'POLICY_CHANGED');
    expect(JSON.parse(changed.detailsJson)).toEqual({ fromVersion: 1, toVersion: 2 });

    const later = await openTicket(service, complaint(customerId), agent);
    expect(later.sla.policyVersion).toBe(2);
    const policies = await ok(service, '{ slaPolicies { version name } slaPolicyInEffect { version } }', {}, agent);
    expect(policies.slaPolicies.map((p: any) => p.version)).toEqual([1, 2]);
    expect(policies.slaPolicyInEffect.version).toBe(2);
  });

  it('pauses the resolution clock while waiting for the customer', async () => {
    clock.set(cst('2024-10-15T10:00:00'));
    const customerId = await announceCustomer(service);
    const { id, resolutionDueAt } = await openTicket(service, complaint(customerId), agent);
    await act(service, 'startInvestigation', id, agent);
    clock.set(cst('2024-10-15T11:00:00'));
    const waiting = await act(service, 'awaitCustomer', id, agent, { note: 'Asked for photos of the leak' });
    expect(waiting.resolutionDueAt).toBeNull();
    expect(waiting.sla.resolution.status).toBe('PAUSED');
    clock.set(cst('2024-10-16T11:00:00'));
    const resumed = await act(service, 'customerResponded', id, agent, { note: 'Photos received' });
    // A full working day (9 h) of waiting moves the due time by a working day.
    expect(resumed.resolutionDueAt).toBe(new Date(new Date(resolutionDueAt).getTime() + 24 * 3600 * 1000).toISOString());
  });

  it('runs the watch on demand only for the general manager and internal apps', async () => {
    const byAgent = await graphql(service.url, WATCH, {}, agent);
    expect(byAgent.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(byAgent.data?.runSlaWatch).toBeNull();
    const byApp = await graphql(service.url, WATCH, {}, await tokens.app());
    expect(byApp.errors).toBeUndefined();
    expect(byApp.data?.runSlaWatch).toMatchObject({ summary: { examined: expect.any(Number) }, userErrors: [] });
  });
});
