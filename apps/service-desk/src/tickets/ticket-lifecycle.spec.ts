import { ConflictError, ForbiddenError } from '@crm/kernel';
import type { SlaClockState } from '../sla/sla-clock';
import { allowedTransitions, applyChange, canTransition, escalationChange, merge, planTicketChange, policyChange, slaWatchChange, type ChangeContext, type TicketCommand } from './ticket-lifecycle';
import { ticketStatuses, type TicketRecord } from './ticket.model';

const now = new Date('2024-09-23T02:00:00Z');
const ctx = (actorId = 'agent-1', onCall: ChangeContext['onCall'] = {}): ChangeContext => ({ actorId, now, onCall });

function ticket(overrides: Partial<TicketRecord> = {}): TicketRecord {
  return {
    status: 'RECEIVED',
    severity: 'HIGH',
    type: 'COMPLAINT',
    firstResponderId: 'agent-1',
    assigneeId: 'agent-1',
    assigneeRole: 'FIRST_RESPONDER',
    handlingRound: 1,
    escalationLevel: 0,
    satisfactionConfirmedAt: null,
    waitingForCustomerSince: null,
    resolution: null,
    customerDepartmentId: 'D-EAST',
    transfers: [],
    escalations: [],
    slaAlerts: [],
    history: [{ seq: 1, kind: 'OPENED', at: now, actorId: 'agent-1', fromStatus: null, toStatus: 'RECEIVED', note: null, details: { channel: 'PHONE', severity: 'HIGH' } }],
    ...overrides,
  } as TicketRecord;
}

/** Run commands one after the other, as the service would. */
function play(start: TicketRecord, ...commands: [TicketCommand, string?][]): TicketRecord {
  return commands.reduce((current, [command, actor]) => applyChange(current, planTicketChange(current, command, ctx(actor))).after, start);
}

const investigate: TicketCommand = { kind: 'START_INVESTIGATION' };
const escalate: TicketCommand = { kind: 'ESCALATE' };
const plan: TicketCommand = { kind: 'AGREE_PLAN', plan: 'Replace the seal' };
const resolve: TicketCommand = { kind: 'RESOLVE', resolution: 'Seal replaced', cause: 'PRODUCT_QUALITY' };
const visit: TicketCommand = { kind: 'RECORD_FOLLOW_UP_VISIT', note: 'Visited, works' };
const satisfied: TicketCommand = { kind: 'CONFIRM_SATISFACTION' };
const close: TicketCommand = { kind: 'CLOSE' };
const reopen: TicketCommand = { kind: 'REOPEN', reason: 'Still leaks' };

describe('ticket state machine', () => {
  it('walks the full handling: received → investigating → escalated → plan agreed → resolved → follow-up visited → closed', () => {
    const done = play(ticket(), [investigate], [escalate], [plan], [resolve], [visit], [satisfied], [close]);
    expect(done.status).toBe('CLOSED');
    expect(done.history.map((h) => h.kind)).toEqual(['OPENED', 'INVESTIGATION_STARTED', 'ESCALATED', 'PLAN_AGREED', 'RESOLVED', 'FOLLOW_UP_VISITED', 'SATISFACTION_CONFIRMED', 'CLOSED']);
    expect(done.history.map((h) => h.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(done.history.every((h) => h.actorId === 'agent-1' && h.at === now)).toBe(true);
    expect(done.cause).toBe('PRODUCT_QUALITY');
  });

  it('allows only the listed transitions; CLOSED is final', () => {
    for (const from of ticketStatuses) {
      for (const to of ticketStatuses) expect(canTransition(from, to)).toBe(allowedTransitions[from].includes(to));
    }
    expect(allowedTransitions.CLOSED).toEqual([]);
    expect(() => play(ticket(), [plan])).toThrow(ConflictError);
    expect(() => play(ticket(), [investigate], [visit])).toThrow(/INVESTIGATING → FOLLOW_UP_VISITED is not an allowed step/);
  });

  it('resolves from RECEIVED only with resolveAtOnce', () => {
    expect(() => play(ticket(), [resolve])).toThrow(/only with resolveAtOnce/);
  });

  it('cannot close until the customer confirmed satisfaction', () => {
    const visited = play(ticket(), [investigate], [plan], [resolve], [visit]);
    expect(() => play(visited, [close])).toThrow(/has not confirmed satisfaction/);
    expect(play(visited, [satisfied], [close]).status).toBe('CLOSED');
  });

  it('needs the follow-up visit before closing, unless the matter was resolved at once', () => {
    const resolved = play(ticket(), [investigate], [plan], [resolve], [satisfied]);
    expect(() => play(resolved, [close])).toThrow(/follow-up visit/);
    const atOnce = play(ticket(), [{ kind: 'RESOLVE_AT_ONCE', resolution: 'Explained the invoice' }], [satisfied], [close]);
    expect(atOnce).toMatchObject({ status: 'CLOSED', resolution: { atOnce: true, summary: 'Explained the invoice' } });
  });

  it('lets only the first responder, before any transfer, resolve at once', () => {
    expect(() => play(ticket(), [{ kind: 'RESOLVE_AT_ONCE', resolution: 'x' }, 'someone-else'])).toThrow(ForbiddenError);
    const transferred = play(ticket(), [{ kind: 'TRANSFER', toUserId: 'tech-2', toRole: 'RESPONSIBLE', reason: 'Needs a technician' }]);
    expect(() => play(transferred, [{ kind: 'RESOLVE_AT_ONCE', resolution: 'x' }])).toThrow(ForbiddenError);
  });

  it('reopens for second handling any number of times, clearing the confirmation', () => {
    const resolved = play(ticket(), [investigate], [plan], [resolve], [visit], [satisfied]);
    const second = play(resolved, [reopen]);
    expect(second).toMatchObject({ status: 'INVESTIGATING', handlingRound: 2, satisfactionConfirmedAt: null, resolution: null });
    const third = play(second, [plan], [resolve], [reopen]);
    expect(third.handlingRound).toBe(3);
    expect(third.history.filter((h) => h.kind === 'REOPENED').map((h) => h.details)).toEqual([{ handlingRound: 2 }, { handlingRound: 3 }]);
    expect(() => play(third, [close])).toThrow(ConflictError);
  });

  it('keeps the first responder accountable and the whole trail on transfer', () => {
    const t = play(
      ticket(),
      [{ kind: 'TRANSFER', toUserId: 'tech-2', toRole: 'RESPONSIBLE', reason: 'Needs a technician' }],
      [{ kind: 'TRANSFER', toUserId: 'tech-3', toRole: 'DEPUTY', reason: 'tech-2 on leave' }, 'tech-2'],
    );
    expect(t).toMatchObject({ firstResponderId: 'agent-1', assigneeId: 'tech-3', assigneeRole: 'DEPUTY', status: 'RECEIVED' });
    expect(t.transfers.map((x) => [x.fromUserId, x.toUserId, x.toRole, x.byUserId])).toEqual([
      ['agent-1', 'tech-2', 'RESPONSIBLE', 'agent-1'],
      ['tech-2', 'tech-3', 'DEPUTY', 'tech-2'],
    ]);
    expect(t.history.at(-1)).toMatchObject({ kind: 'TRANSFERRED', note: 'tech-2 on leave', details: { transferCount: 2, fromUserId: 'tech-2', toUserId: 'tech-3' } });
    expect(() => play(t, [{ kind: 'TRANSFER', toUserId: 'tech-3', toRole: 'DEPUTY', reason: 'again' }])).toThrow(/already handles/);
  });

  it('escalates level by level by hand, up to the general manager, naming who is on call', () => {
    const start = ticket();
    const first = applyChange(start, planTicketChange(start, escalate, ctx('agent-1', { 1: 'sup-holiday' }))).after;
    expect(first).toMatchObject({ status: 'ESCALATED', escalationLevel: 1 });
    expect(first.escalations[0]).toMatchObject({ level: 1, previousLevel: 0, reason: 'MANUAL', onCallUserId: 'sup-holiday' });
    const top = play(first, [escalate], [escalate]);
    expect(top.escalationLevel).toBe(3);
    expect(() => play(top, [escalate])).toThrow(/general manager already/);
  });

  it('sends a reopened major matter back to the general manager at once', () => {
    const critical = play(ticket({ severity: 'CRITICAL', escalationLevel: 3 }), [investigate], [plan], [resolve], [reopen]);
    expect(critical.escalationLevel).toBe(3);
    expect(critical.escalations.at(-1)).toMatchObject({ level: 3, previousLevel: 0, reason: 'MAJOR_MATTER' });
  });

  it('pauses for the customer only while handling, and only once', () => {
    const waiting = play(ticket(), [investigate], [{ kind: 'AWAIT_CUSTOMER', note: 'Asked for photos' }]);
    expect(waiting.waitingForCustomerSince).toEqual(now);
    expect(() => play(waiting, [{ kind: 'AWAIT_CUSTOMER', note: 'again' }])).toThrow(/Already waiting/);
    expect(play(waiting, [{ kind: 'CUSTOMER_RESPONDED' }]).waitingForCustomerSince).toBeNull();
    expect(() => play(ticket(), [{ kind: 'AWAIT_CUSTOMER', note: 'x' }])).toThrow(ConflictError);
  });
});

function clock(kind: 'FIRST_RESPONSE' | 'RESOLUTION', status: SlaClockState['status'], overdueMs = 0, round = 1): SlaClockState {
  return { kind, status, round, targetMs: 7_200_000, startedAt: now, dueAt: now, stoppedAt: null, elapsedMs: 0, remainingMs: 0, overdueMs };
}

describe('SLA watch findings', () => {
  const policy = { id: 'p1', version: 1 };

  it('records a near-breach once and calls the supervisor', () => {
    const change = slaWatchChange(ticket(), [clock('FIRST_RESPONSE', 'NEAR_BREACH'), clock('RESOLUTION', 'RUNNING')], 240, ctx('system:sla-watch'), policy)!;
    expect(change.entries.map((e) => e.kind)).toEqual(['SLA_NEAR_BREACH', 'ESCALATED']);
    expect(change.set).toMatchObject({ escalationLevel: 1, status: 'RECEIVED' });
    const after = applyChange(ticket(), change).after;
    expect(slaWatchChange(after, [clock('FIRST_RESPONSE', 'NEAR_BREACH'), clock('RESOLUTION', 'RUNNING')], 240, ctx('system:sla-watch'), policy)).toBeNull();
  });

  it('on a breach seen late, records it and climbs every rung in order', () => {
    const change = slaWatchChange(ticket(), [clock('FIRST_RESPONSE', 'BREACHED', 300 * 60_000)], 240, ctx('system:sla-watch', { 3: 'gm-on-call' }), policy)!;
    expect(change.entries.map((e) => e.kind)).toEqual(['SLA_BREACHED', 'ESCALATED', 'ESCALATED', 'ESCALATED']);
    expect(change.escalations.map((e) => [e.previousLevel, e.level, e.reason])).toEqual([
      [0, 1, 'SLA_BREACH'],
      [1, 2, 'SLA_BREACH'],
      [2, 3, 'SLA_BREACH'],
    ]);
    expect(change.escalations[2].onCallUserId).toBe('gm-on-call');
  });

  it('records the resolution breach of a new round after a reopen', () => {
    const breachedBefore = ticket({ status: 'INVESTIGATING', handlingRound: 2, escalationLevel: 2, slaAlerts: [{ clock: 'RESOLUTION', round: 1, kind: 'BREACHED', at: now, dueAt: now }] });
    const change = slaWatchChange(breachedBefore, [clock('RESOLUTION', 'BREACHED', 0, 2)], 240, ctx('system:sla-watch'), policy)!;
    expect(change.slaAlerts).toEqual([expect.objectContaining({ clock: 'RESOLUTION', round: 2, kind: 'BREACHED' })]);
    expect(change.escalations).toEqual([]);
  });

  it('leaves resolved tickets alone', () => {
    expect(slaWatchChange(ticket({ status: 'RESOLVED' }), [clock('RESOLUTION', 'BREACHED')], 240, ctx(), policy)).toBeNull();
  });
});

/** The error a refused command throws, as the API reports it. */
function refusal(run: () => unknown): { name: string; code: string; message: string; details: Record<string, unknown> } {
  try {
    run();
  } catch (error) {
    const { name, code, message, details } = error as ConflictError;
    return { name, code, message, details };
  }
  throw new Error('the command was accepted');
}

const conflict = (status: TicketRecord['status'], message: string) => ({ name: 'InvalidTicketTransitionError', code: 'CONFLICT', message, details: { status } });

/** A history draft as the lifecycle writes it: who and when come from the context. */
const written = (kind: string, fromStatus: string, toStatus: string, note: string | null, details: unknown = null, actorId = 'agent-1') => ({ kind, at: now, actorId, fromStatus, toStatus, note, details });
const nothingElse = { transfers: [], escalations: [], slaAlerts: [] };

describe('the steps of the handling, one command at a time', () => {
  it('knows exactly these status moves', () => {
    expect(allowedTransitions).toEqual({
      RECEIVED: ['INVESTIGATING', 'ESCALATED', 'RESOLVED'],
      INVESTIGATING: ['ESCALATED', 'PLAN_AGREED'],
      ESCALATED: ['PLAN_AGREED'],
      PLAN_AGREED: ['RESOLVED'],
      RESOLVED: ['FOLLOW_UP_VISITED', 'INVESTIGATING', 'CLOSED'],
      FOLLOW_UP_VISITED: ['CLOSED', 'INVESTIGATING'],
      CLOSED: [],
    });
  });

  it('starts the investigation of a received ticket, with or without a note', () => {
    expect(planTicketChange(ticket(), { kind: 'START_INVESTIGATION', note: 'Called back' }, ctx())).toStrictEqual({
      set: { status: 'INVESTIGATING' },
      entries: [written('INVESTIGATION_STARTED', 'RECEIVED', 'INVESTIGATING', 'Called back')],
      ...nothingElse,
    });
    expect(planTicketChange(ticket(), investigate, ctx()).entries[0].note).toBeNull();
  });

  it('does not start the investigation again: a resolved ticket goes back to handling only by a reopen', () => {
    expect(refusal(() => planTicketChange(ticket({ status: 'RESOLVED' }), investigate, ctx()))).toEqual(conflict('RESOLVED', 'The investigation has already started'));
    expect(refusal(() => planTicketChange(ticket({ status: 'FOLLOW_UP_VISITED' }), investigate, ctx()))).toEqual(conflict('FOLLOW_UP_VISITED', 'The investigation has already started'));
    expect(refusal(() => planTicketChange(ticket({ status: 'INVESTIGATING' }), investigate, ctx()))).toEqual(
      conflict('INVESTIGATING', 'Cannot start the investigation: INVESTIGATING → INVESTIGATING is not an allowed step'),
    );
  });

  it('records a progress note told to the customer as contact with the customer, and an internal one as a note', () => {
    const told = planTicketChange(ticket({ status: 'INVESTIGATING' }), { kind: 'NOTE_PROGRESS', note: 'Parts ordered', communicatedToCustomer: true }, ctx());
    expect(told).toStrictEqual({ set: {}, entries: [written('CUSTOMER_CONTACTED', 'INVESTIGATING', 'INVESTIGATING', 'Parts ordered')], ...nothingElse });
    const internal = planTicketChange(ticket({ status: 'INVESTIGATING' }), { kind: 'NOTE_PROGRESS', note: 'Parts ordered', communicatedToCustomer: false }, ctx());
    expect(internal.entries).toStrictEqual([written('PROGRESS_NOTED', 'INVESTIGATING', 'INVESTIGATING', 'Parts ordered')]);
  });

  it('takes progress notes until the ticket is closed', () => {
    const note: TicketCommand = { kind: 'NOTE_PROGRESS', note: 'n', communicatedToCustomer: false };
    for (const status of ['RECEIVED', 'INVESTIGATING', 'ESCALATED', 'PLAN_AGREED', 'RESOLVED', 'FOLLOW_UP_VISITED'] as const) {
      expect(planTicketChange(ticket({ status }), note, ctx()).entries[0]).toMatchObject({ kind: 'PROGRESS_NOTED', fromStatus: status, toStatus: status });
    }
    expect(refusal(() => planTicketChange(ticket({ status: 'CLOSED' }), note, ctx()))).toEqual(conflict('CLOSED', 'Cannot note progress on a ticket that is CLOSED'));
  });

  it('hands a ticket under investigation to the supervisor: ESCALATED, level 1, on the trail with the note', () => {
    const change = planTicketChange(ticket({ status: 'INVESTIGATING' }), { kind: 'ESCALATE', note: 'Customer threatens to leave' }, ctx('agent-1', { 1: 'sup-1' }));
    expect(change).toStrictEqual({
      set: { escalationLevel: 1, status: 'ESCALATED' },
      entries: [
        written('ESCALATED', 'INVESTIGATING', 'ESCALATED', 'Customer threatens to leave', { level: 1, previousLevel: 0, reason: 'MANUAL', clock: null, onCallUserId: 'sup-1', departmentId: 'D-EAST' }),
      ],
      transfers: [],
      escalations: [{ level: 1, previousLevel: 0, reason: 'MANUAL', clock: null, at: now, byUserId: 'agent-1', onCallUserId: 'sup-1', note: 'Customer threatens to leave' }],
      slaAlerts: [],
    });
  });

  it('raises the level of an escalated or planned ticket by hand without moving its status', () => {
    for (const status of ['ESCALATED', 'PLAN_AGREED'] as const) {
      const change = planTicketChange(ticket({ status, escalationLevel: 1 }), escalate, ctx());
      expect(change.set).toStrictEqual({ escalationLevel: 2, status });
      expect(change.entries).toStrictEqual([written('ESCALATED', status, status, null, { level: 2, previousLevel: 1, reason: 'MANUAL', clock: null, onCallUserId: null, departmentId: 'D-EAST' })]);
    }
  });

  it('escalates only open tickets, and not past the general manager', () => {
    expect(refusal(() => planTicketChange(ticket({ status: 'RESOLVED' }), escalate, ctx()))).toEqual(conflict('RESOLVED', 'Cannot escalate a ticket that is RESOLVED'));
    expect(refusal(() => planTicketChange(ticket({ status: 'INVESTIGATING', escalationLevel: 3 }), escalate, ctx()))).toEqual(
      conflict('INVESTIGATING', 'The general manager already has this ticket'),
    );
    expect(planTicketChange(ticket({ status: 'INVESTIGATING', escalationLevel: 2 }), escalate, ctx()).set).toStrictEqual({ escalationLevel: 3, status: 'ESCALATED' });
  });

  it('agrees a handling plan and keeps it on the ticket', () => {
    expect(planTicketChange(ticket({ status: 'ESCALATED' }), plan, ctx())).toStrictEqual({
      set: { status: 'PLAN_AGREED', handlingPlan: 'Replace the seal' },
      entries: [written('PLAN_AGREED', 'ESCALATED', 'PLAN_AGREED', 'Replace the seal')],
      ...nothingElse,
    });
    expect(refusal(() => planTicketChange(ticket(), plan, ctx()))).toEqual(conflict('RECEIVED', 'Cannot agree a handling plan: RECEIVED → PLAN_AGREED is not an allowed step'));
  });

  it('resolves an agreed plan with its cause, ending any wait for the customer', () => {
    expect(planTicketChange(ticket({ status: 'PLAN_AGREED' }), resolve, ctx())).toStrictEqual({
      set: { status: 'RESOLVED', resolution: { summary: 'Seal replaced', byUserId: 'agent-1', at: now, atOnce: false }, waitingForCustomerSince: null, cause: 'PRODUCT_QUALITY' },
      entries: [written('RESOLVED', 'PLAN_AGREED', 'RESOLVED', 'Seal replaced', { atOnce: false, handlingRound: 1, cause: 'PRODUCT_QUALITY' })],
      ...nothingElse,
    });
  });

  it('leaves the cause unset when the resolution names none', () => {
    const change = planTicketChange(ticket({ status: 'PLAN_AGREED', handlingRound: 2 }), { kind: 'RESOLVE', resolution: 'Done' }, ctx());
    expect(change.set).toStrictEqual({ status: 'RESOLVED', resolution: { summary: 'Done', byUserId: 'agent-1', at: now, atOnce: false }, waitingForCustomerSince: null });
    expect(change.entries[0].details).toStrictEqual({ atOnce: false, handlingRound: 2 });
  });

  it('resolves only an agreed plan, or a received ticket at once', () => {
    expect(refusal(() => planTicketChange(ticket(), resolve, ctx()))).toEqual(conflict('RECEIVED', 'A ticket is resolved straight from RECEIVED only with resolveAtOnce'));
    expect(refusal(() => planTicketChange(ticket({ status: 'INVESTIGATING' }), resolve, ctx()))).toEqual(conflict('INVESTIGATING', 'Cannot resolve: INVESTIGATING → RESOLVED is not an allowed step'));
  });

  it('resolves a just-received matter at once, by its first responder', () => {
    const change = planTicketChange(ticket(), { kind: 'RESOLVE_AT_ONCE', resolution: 'Explained the invoice', cause: 'BILLING' }, ctx());
    expect(change).toStrictEqual({
      set: { status: 'RESOLVED', resolution: { summary: 'Explained the invoice', byUserId: 'agent-1', at: now, atOnce: true }, waitingForCustomerSince: null, cause: 'BILLING' },
      entries: [written('RESOLVED', 'RECEIVED', 'RESOLVED', 'Explained the invoice', { atOnce: true, handlingRound: 1, cause: 'BILLING' })],
      ...nothingElse,
    });
    expect(planTicketChange(ticket(), { kind: 'RESOLVE_AT_ONCE', resolution: 'x' }, ctx()).set).not.toHaveProperty('cause');
  });

  it('does not resolve at once a ticket in handling, or one received again for a second handling: the follow-up visit would be skipped', () => {
    const atOnce: TicketCommand = { kind: 'RESOLVE_AT_ONCE', resolution: 'x' };
    for (const status of ['INVESTIGATING', 'ESCALATED', 'PLAN_AGREED'] as const) {
      expect(refusal(() => planTicketChange(ticket({ status }), atOnce, ctx()))).toEqual(conflict(status, 'Only a just-received ticket can be resolved at once'));
    }
    expect(refusal(() => planTicketChange(ticket({ handlingRound: 2 }), atOnce, ctx()))).toEqual(conflict('RECEIVED', 'Only a just-received ticket can be resolved at once'));
    expect(refusal(() => planTicketChange(ticket(), atOnce, ctx('agent-2')))).toEqual({
      name: 'ForbiddenError',
      code: 'FORBIDDEN',
      message: 'Only the first responder, before any transfer, resolves a matter at once',
      details: {},
    });
    expect(refusal(() => planTicketChange(ticket({ assigneeId: 'tech-2' }), atOnce, ctx()))).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('records the follow-up visit of a resolved ticket', () => {
    expect(planTicketChange(ticket({ status: 'RESOLVED' }), visit, ctx())).toStrictEqual({
      set: { status: 'FOLLOW_UP_VISITED', followUpVisitedAt: now },
      entries: [written('FOLLOW_UP_VISITED', 'RESOLVED', 'FOLLOW_UP_VISITED', 'Visited, works')],
      ...nothingElse,
    });
    expect(refusal(() => planTicketChange(ticket({ status: 'PLAN_AGREED' }), visit, ctx()))).toEqual(
      conflict('PLAN_AGREED', 'Cannot record the follow-up visit: PLAN_AGREED → FOLLOW_UP_VISITED is not an allowed step'),
    );
  });

  it('records the customer satisfied once, after the resolution', () => {
    for (const status of ['RESOLVED', 'FOLLOW_UP_VISITED'] as const) {
      expect(planTicketChange(ticket({ status }), { kind: 'CONFIRM_SATISFACTION', note: 'Happy' }, ctx())).toStrictEqual({
        set: { satisfactionConfirmedAt: now },
        entries: [written('SATISFACTION_CONFIRMED', status, status, 'Happy')],
        ...nothingElse,
      });
    }
    expect(planTicketChange(ticket({ status: 'RESOLVED' }), satisfied, ctx()).entries[0].note).toBeNull();
    expect(refusal(() => planTicketChange(ticket({ status: 'PLAN_AGREED' }), satisfied, ctx()))).toEqual(conflict('PLAN_AGREED', 'Cannot confirm satisfaction on a ticket that is PLAN_AGREED'));
    expect(refusal(() => planTicketChange(ticket({ status: 'RESOLVED', satisfactionConfirmedAt: now }), satisfied, ctx()))).toEqual(
      conflict('RESOLVED', 'The customer has already confirmed satisfaction'),
    );
  });

  it('reopens for a new handling round: level back to the handler, resolution, plan, visit and confirmation cleared', () => {
    for (const status of ['RESOLVED', 'FOLLOW_UP_VISITED'] as const) {
      expect(planTicketChange(ticket({ status, escalationLevel: 2 }), reopen, ctx())).toStrictEqual({
        set: {
          status: 'INVESTIGATING',
          handlingRound: 2,
          escalationLevel: 0,
          resolution: null,
          satisfactionConfirmedAt: null,
          followUpVisitedAt: null,
          handlingPlan: null,
          waitingForCustomerSince: null,
        },
        entries: [written('REOPENED', status, 'INVESTIGATING', 'Still leaks', { handlingRound: 2 })],
        ...nothingElse,
      });
    }
    expect(refusal(() => planTicketChange(ticket({ status: 'PLAN_AGREED' }), reopen, ctx()))).toEqual(conflict('PLAN_AGREED', 'Cannot reopen a ticket that is PLAN_AGREED'));
  });

  it('escalates a reopened major matter to the general manager as the reopen records it', () => {
    const change = planTicketChange(ticket({ status: 'FOLLOW_UP_VISITED', severity: 'CRITICAL', escalationLevel: 3 }), reopen, ctx('agent-1', { 3: 'gm-1' }));
    expect(change.set).toMatchObject({ status: 'INVESTIGATING', handlingRound: 2, escalationLevel: 3 });
    expect(change.entries).toStrictEqual([
      written('REOPENED', 'FOLLOW_UP_VISITED', 'INVESTIGATING', 'Still leaks', { handlingRound: 2 }),
      written('ESCALATED', 'INVESTIGATING', 'INVESTIGATING', null, { level: 3, previousLevel: 0, reason: 'MAJOR_MATTER', clock: null, onCallUserId: 'gm-1', departmentId: 'D-EAST' }),
    ]);
    expect(change.escalations).toStrictEqual([{ level: 3, previousLevel: 0, reason: 'MAJOR_MATTER', clock: null, at: now, byUserId: 'agent-1', onCallUserId: 'gm-1', note: null }]);
  });

  it('closes a visited ticket the customer is satisfied with, counting its handling rounds', () => {
    expect(planTicketChange(ticket({ status: 'FOLLOW_UP_VISITED', satisfactionConfirmedAt: now, handlingRound: 2 }), { kind: 'CLOSE', note: 'Done' }, ctx())).toStrictEqual({
      set: { status: 'CLOSED', closedAt: now },
      entries: [written('CLOSED', 'FOLLOW_UP_VISITED', 'CLOSED', 'Done', { handlingRounds: 2 })],
      ...nothingElse,
    });
    const atOnce = ticket({ status: 'RESOLVED', satisfactionConfirmedAt: now, resolution: { summary: 'x', byUserId: 'agent-1', at: now, atOnce: true } });
    expect(planTicketChange(atOnce, close, ctx()).entries).toStrictEqual([written('CLOSED', 'RESOLVED', 'CLOSED', null, { handlingRounds: 1 })]);
  });

  it('closes nothing still in handling, unconfirmed, or resolved without the visit', () => {
    expect(refusal(() => planTicketChange(ticket({ status: 'INVESTIGATING', satisfactionConfirmedAt: now }), close, ctx()))).toEqual(conflict('INVESTIGATING', 'Cannot close a ticket that is INVESTIGATING'));
    expect(refusal(() => planTicketChange(ticket({ status: 'FOLLOW_UP_VISITED' }), close, ctx()))).toEqual(conflict('FOLLOW_UP_VISITED', 'Cannot close: the customer has not confirmed satisfaction'));
    const resolved = ticket({ status: 'RESOLVED', satisfactionConfirmedAt: now, resolution: { summary: 'x', byUserId: 'agent-1', at: now, atOnce: false } });
    expect(refusal(() => planTicketChange(resolved, close, ctx()))).toEqual(conflict('RESOLVED', 'Cannot close before the follow-up visit (only a matter resolved at once closes without one)'));
    expect(refusal(() => planTicketChange(ticket({ status: 'RESOLVED', satisfactionConfirmedAt: now }), close, ctx()))).toMatchObject({ code: 'CONFLICT' });
  });

  it('transfers a ticket to a colleague, numbering the transfers, until it is closed', () => {
    const earlier = { fromUserId: 'agent-0', toUserId: 'agent-1', toRole: 'RESPONSIBLE' as const, reason: 'r', at: now, byUserId: 'agent-0' };
    const change = planTicketChange(ticket({ status: 'FOLLOW_UP_VISITED', transfers: [earlier] }), { kind: 'TRANSFER', toUserId: 'tech-2', toRole: 'DEPUTY', reason: 'On leave' }, ctx('lead-1'));
    expect(change).toStrictEqual({
      set: { assigneeId: 'tech-2', assigneeRole: 'DEPUTY' },
      entries: [written('TRANSFERRED', 'FOLLOW_UP_VISITED', 'FOLLOW_UP_VISITED', 'On leave', { fromUserId: 'agent-1', toUserId: 'tech-2', toRole: 'DEPUTY', transferCount: 2 }, 'lead-1')],
      transfers: [{ fromUserId: 'agent-1', toUserId: 'tech-2', toRole: 'DEPUTY', reason: 'On leave', at: now, byUserId: 'lead-1' }],
      escalations: [],
      slaAlerts: [],
    });
    const transfer: TicketCommand = { kind: 'TRANSFER', toUserId: 'tech-2', toRole: 'DEPUTY', reason: 'x' };
    expect(refusal(() => planTicketChange(ticket({ status: 'CLOSED' }), transfer, ctx()))).toEqual(conflict('CLOSED', 'Cannot transfer a ticket that is CLOSED'));
    expect(refusal(() => planTicketChange(ticket(), { ...transfer, toUserId: 'agent-1' }, ctx()))).toEqual(conflict('RECEIVED', 'agent-1 already handles this ticket'));
  });

  it('waits for the customer during the handling only, and resumes when the customer responds', () => {
    for (const status of ['INVESTIGATING', 'ESCALATED', 'PLAN_AGREED'] as const) {
      expect(planTicketChange(ticket({ status }), { kind: 'AWAIT_CUSTOMER', note: 'Asked for photos' }, ctx())).toStrictEqual({
        set: { waitingForCustomerSince: now },
        entries: [written('WAITING_FOR_CUSTOMER', status, status, 'Asked for photos')],
        ...nothingElse,
      });
    }
    for (const status of ['RECEIVED', 'RESOLVED'] as const) {
      expect(refusal(() => planTicketChange(ticket({ status }), { kind: 'AWAIT_CUSTOMER', note: 'x' }, ctx()))).toEqual(conflict(status, `Cannot wait for the customer on a ticket that is ${status}`));
    }
    expect(refusal(() => planTicketChange(ticket({ status: 'PLAN_AGREED', waitingForCustomerSince: now }), { kind: 'AWAIT_CUSTOMER', note: 'x' }, ctx()))).toEqual(
      conflict('PLAN_AGREED', 'Already waiting for the customer'),
    );
    expect(planTicketChange(ticket({ status: 'PLAN_AGREED', waitingForCustomerSince: now }), { kind: 'CUSTOMER_RESPONDED', note: 'Photos sent' }, ctx())).toStrictEqual({
      set: { waitingForCustomerSince: null },
      entries: [written('CUSTOMER_RESPONDED', 'PLAN_AGREED', 'PLAN_AGREED', 'Photos sent')],
      ...nothingElse,
    });
    expect(planTicketChange(ticket({ status: 'PLAN_AGREED', waitingForCustomerSince: now }), { kind: 'CUSTOMER_RESPONDED' }, ctx()).entries[0].note).toBeNull();
    expect(refusal(() => planTicketChange(ticket({ status: 'PLAN_AGREED' }), { kind: 'CUSTOMER_RESPONDED' }, ctx()))).toEqual(conflict('PLAN_AGREED', 'The ticket is not waiting for the customer'));
  });
});

describe('changes applied to the ticket', () => {
  it('numbers new history entries on from the last one, in order', () => {
    const start = ticket({ status: 'INVESTIGATING' });
    start.history.push(
      { seq: 2, kind: 'INVESTIGATION_STARTED', at: now, actorId: 'agent-1', fromStatus: 'RECEIVED', toStatus: 'INVESTIGATING', note: null, details: null },
      { seq: 3, kind: 'PROGRESS_NOTED', at: now, actorId: 'agent-1', fromStatus: 'INVESTIGATING', toStatus: 'INVESTIGATING', note: 'n', details: null },
    );
    const change = slaWatchChange(start, [clock('FIRST_RESPONSE', 'BREACHED', 300 * 60_000)], 240, ctx('system:sla-watch'), { id: 'p1', version: 1 })!;
    const { after, entries } = applyChange(start, change);
    expect(entries.map((e) => e.seq)).toEqual([4, 5, 6, 7]);
    expect(after.history.map((h) => h.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('numbers the first entry of an empty history 1', () => {
    expect(applyChange(ticket({ history: [] }), planTicketChange(ticket(), investigate, ctx())).entries.map((e) => e.seq)).toEqual([1]);
  });

  it('appends the trail records and sets the fields the change names', () => {
    const start = ticket();
    const change = planTicketChange(start, { kind: 'TRANSFER', toUserId: 'tech-2', toRole: 'RESPONSIBLE', reason: 'r' }, ctx());
    const { after } = applyChange(start, merge(change, slaWatchChange(start, [clock('FIRST_RESPONSE', 'NEAR_BREACH')], 240, ctx(), { id: 'p1', version: 1 })!));
    expect(after).toMatchObject({ assigneeId: 'tech-2', assigneeRole: 'RESPONSIBLE', escalationLevel: 1, status: 'RECEIVED' });
    expect(after.transfers).toHaveLength(1);
    expect(after.escalations).toHaveLength(1);
    expect(after.slaAlerts).toEqual([{ clock: 'FIRST_RESPONSE', round: 1, kind: 'NEAR_BREACH', dueAt: now, at: now }]);
  });

  it('merges two changes, the second one winning on a field both set', () => {
    const first = planTicketChange(ticket({ status: 'INVESTIGATING' }), escalate, ctx());
    const second = planTicketChange(ticket({ status: 'ESCALATED', escalationLevel: 1 }), escalate, ctx());
    const merged = merge(first, second);
    expect(merged.set).toEqual({ escalationLevel: 2, status: 'ESCALATED' });
    expect(merged.entries).toEqual([...first.entries, ...second.entries]);
    expect(merged.escalations).toEqual([...first.escalations, ...second.escalations]);
  });

  it('moves a ticket onto another policy version and says from which', () => {
    expect(policyChange({ ...ticket({ status: 'PLAN_AGREED' }), slaPolicyVersion: 2 }, { id: 'p1', version: 3 }, ctx('system:policy'))).toStrictEqual({
      set: { slaPolicyId: 'p1', slaPolicyVersion: 3 },
      entries: [written('POLICY_CHANGED', 'PLAN_AGREED', 'PLAN_AGREED', null, { fromVersion: 2, toVersion: 3 }, 'system:policy')],
      ...nothingElse,
    });
  });

  it('changes nothing for no escalation step', () => {
    expect(escalationChange(ticket(), [], ctx(), 'n')).toStrictEqual({ set: {}, entries: [], ...nothingElse });
  });
});

describe('SLA watch on every open ticket', () => {
  const policy = { id: 'p1', version: 7 };

  it('records each alert with where its own clock stood, the policy, and who is on call for it', () => {
    const firstResponse = { ...clock('FIRST_RESPONSE', 'BREACHED', 10 * 60_000), elapsedMs: 130 * 60_000, remainingMs: 0, targetMs: 120 * 60_000 };
    const resolution = { ...clock('RESOLUTION', 'NEAR_BREACH'), elapsedMs: 100 * 60_000, remainingMs: 20 * 60_000, targetMs: 120 * 60_000, round: 2 };
    const change = slaWatchChange(ticket({ escalationLevel: 2 }), [firstResponse, resolution], 240, ctx('system:sla-watch', { 1: 'sup-1', 2: 'dm-1' }), policy)!;
    const alertDetails = (clock: typeof firstResponse, onCallUserId: string) => ({
      clock: clock.kind,
      round: clock.round,
      dueAt: now.toISOString(),
      elapsedMs: clock.elapsedMs,
      targetMs: clock.targetMs,
      remainingMs: clock.remainingMs,
      policyId: 'p1',
      policyVersion: 7,
      onCallUserId,
    });
    expect(change).toStrictEqual({
      set: {},
      entries: [
        written('SLA_BREACHED', 'RECEIVED', 'RECEIVED', null, alertDetails(firstResponse, 'dm-1'), 'system:sla-watch'),
        written('SLA_NEAR_BREACH', 'RECEIVED', 'RECEIVED', null, alertDetails(resolution, 'sup-1'), 'system:sla-watch'),
      ],
      transfers: [],
      escalations: [],
      slaAlerts: [
        { clock: 'FIRST_RESPONSE', round: 1, kind: 'BREACHED', dueAt: now, at: now },
        { clock: 'RESOLUTION', round: 2, kind: 'NEAR_BREACH', dueAt: now, at: now },
      ],
    });
  });

  it('still climbs to the general manager when the breach was recorded before and only the overdue time grew', () => {
    const recorded = ticket({ status: 'INVESTIGATING', escalationLevel: 2, slaAlerts: [{ clock: 'FIRST_RESPONSE', round: 1, kind: 'BREACHED', at: now, dueAt: now }] });
    const change = slaWatchChange(recorded, [clock('FIRST_RESPONSE', 'BREACHED', 240 * 60_000)], 240, ctx('system:sla-watch', { 3: 'gm-1' }), policy)!;
    expect(change.slaAlerts).toEqual([]);
    expect(change.set).toEqual({ escalationLevel: 3, status: 'INVESTIGATING' });
    expect(change.escalations).toEqual([expect.objectContaining({ level: 3, previousLevel: 2, reason: 'SLA_BREACH', clock: 'FIRST_RESPONSE', onCallUserId: 'gm-1' })]);
  });

  it('watches tickets in every open status and none after the resolution', () => {
    for (const status of ['RECEIVED', 'INVESTIGATING', 'ESCALATED', 'PLAN_AGREED'] as const) {
      expect(slaWatchChange(ticket({ status }), [clock('RESOLUTION', 'BREACHED')], 240, ctx(), policy)).not.toBeNull();
    }
    for (const status of ['RESOLVED', 'FOLLOW_UP_VISITED', 'CLOSED'] as const) {
      expect(slaWatchChange(ticket({ status }), [clock('RESOLUTION', 'BREACHED')], 240, ctx(), policy)).toBeNull();
    }
  });
});
