import { ConflictError, ForbiddenError } from '@crm/kernel';
import type { SlaClockState } from '../sla/sla-clock';
import { allowedTransitions, applyChange, canTransition, planTicketChange, slaWatchChange, type ChangeContext, type TicketCommand } from './ticket-lifecycle';
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
