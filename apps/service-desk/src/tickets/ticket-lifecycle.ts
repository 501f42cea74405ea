import { assertNever, ConflictError, ForbiddenError } from '@crm/kernel';
import { escalationSteps, majorMatterStep, newSlaAlerts, type EscalationLevel, type EscalationStep } from '../sla/escalation-ladder';
import type { SlaClockState } from '../sla/sla-clock';
import type {
  ComplaintCause,
  EscalationRecord,
  SlaAlertRecord,
  TicketHistoryDetails,
  TicketHistoryEntry,
  TicketHistoryKind,
  TicketRecord,
  TicketStatus,
  TransferRecord,
} from './ticket.model';

/*
 * The ticket state machine (docs/domain/service-desk.md), as pure functions: given a ticket and a command, what changes.
 *
 *   RECEIVED ─► INVESTIGATING ─► ESCALATED ─► PLAN_AGREED ─► RESOLVED ─► FOLLOW_UP_VISITED ─► CLOSED
 *      │              └──────────────────────────►┘             ▲  │  ▲            │
 *      ├─► ESCALATED                                             │  │  └ reopen ◄──┤ (second handling, any number of times)
 *      └─► RESOLVED (resolveAtOnce, by the first responder) ─────┘  └──────────────►┘ CLOSED only once the customer confirmed satisfaction
 *
 * Escalation *level* (who is called in: supervisor → department manager → general manager) is separate from
 * the ESCALATED *status* (the handler handed the matter to the supervisor to organise the plan): SLA
 * escalations and a major matter raise the level without changing what step the handling is in.
 */

export const allowedTransitions: Record<TicketStatus, readonly TicketStatus[]> = {
  RECEIVED: ['INVESTIGATING', 'ESCALATED', 'RESOLVED'],
  INVESTIGATING: ['ESCALATED', 'PLAN_AGREED'],
  ESCALATED: ['PLAN_AGREED'],
  PLAN_AGREED: ['RESOLVED'],
  RESOLVED: ['FOLLOW_UP_VISITED', 'INVESTIGATING', 'CLOSED'],
  FOLLOW_UP_VISITED: ['CLOSED', 'INVESTIGATING'],
  CLOSED: [],
};

export function canTransition(from: TicketStatus, to: TicketStatus): boolean {
  return allowedTransitions[from].includes(to);
}

/** A command that is not allowed in the ticket's current state; maps to CONFLICT. */
export class InvalidTicketTransitionError extends ConflictError {
  constructor(message: string, status: TicketStatus) {
    super(message, { status });
  }
}

export type TicketCommand =
  | { kind: 'START_INVESTIGATION'; note?: string | null }
  | { kind: 'NOTE_PROGRESS'; note: string; communicatedToCustomer: boolean }
  | { kind: 'ESCALATE'; note?: string | null }
  | { kind: 'AGREE_PLAN'; plan: string }
  | { kind: 'RESOLVE'; resolution: string; cause?: ComplaintCause | null }
  | { kind: 'RESOLVE_AT_ONCE'; resolution: string; cause?: ComplaintCause | null }
  | { kind: 'RECORD_FOLLOW_UP_VISIT'; note: string }
  | { kind: 'CONFIRM_SATISFACTION'; note?: string | null }
  | { kind: 'REOPEN'; reason: string }
  | { kind: 'CLOSE'; note?: string | null }
  | { kind: 'TRANSFER'; toUserId: string; toRole: 'RESPONSIBLE' | 'DEPUTY'; reason: string }
  | { kind: 'AWAIT_CUSTOMER'; note: string }
  | { kind: 'CUSTOMER_RESPONDED'; note?: string | null };

export interface ChangeContext {
  actorId: string;
  now: Date;
  /** Who is on call for each escalation level right now (days off only; null otherwise). */
  onCall: Partial<Record<1 | 2 | 3, string | null>>;
}

/** A history entry before it is numbered; still typed by kind (a plain Omit would merge the kinds). */
export type HistoryDraft = TicketHistoryEntry extends infer E ? (E extends TicketHistoryEntry ? Omit<E, 'seq'> : never) : never;

/** What a command changes: fields to set, history to append, trail records to keep. */
export interface TicketChange {
  set: Partial<TicketRecord>;
  entries: HistoryDraft[];
  transfers: TransferRecord[];
  escalations: EscalationRecord[];
  slaAlerts: SlaAlertRecord[];
}

type TicketState = Pick<
  TicketRecord,
  | 'status'
  | 'severity'
  | 'firstResponderId'
  | 'assigneeId'
  | 'handlingRound'
  | 'escalationLevel'
  | 'satisfactionConfirmedAt'
  | 'waitingForCustomerSince'
  | 'resolution'
  | 'customerDepartmentId'
  | 'transfers'
  | 'slaAlerts'
>;

const openStatuses: readonly TicketStatus[] = ['RECEIVED', 'INVESTIGATING', 'ESCALATED', 'PLAN_AGREED'];

function emptyChange(): TicketChange {
  return { set: {}, entries: [], transfers: [], escalations: [], slaAlerts: [] };
}

/** A kind with details takes them as the last argument; a kind without takes none. */
function entry<K extends TicketHistoryKind>(
  ticket: TicketState,
  ctx: ChangeContext,
  kind: K,
  toStatus: TicketStatus,
  note: string | null = null,
  ...details: TicketHistoryDetails[K] extends null ? [] : [TicketHistoryDetails[K]]
): HistoryDraft {
  // The signature pairs `kind` with its details; TypeScript cannot follow a generic K into the union.
  return { kind, at: ctx.now, actorId: ctx.actorId, fromStatus: ticket.status, toStatus, note, details: details[0] ?? null } as HistoryDraft;
}

function requireStatus(ticket: TicketState, allowed: readonly TicketStatus[], what: string): void {
  if (!allowed.includes(ticket.status)) throw new InvalidTicketTransitionError(`Cannot ${what} a ticket that is ${ticket.status}`, ticket.status);
}

function move(ticket: TicketState, to: TicketStatus, what: string): TicketStatus {
  if (!canTransition(ticket.status, to)) throw new InvalidTicketTransitionError(`Cannot ${what}: ${ticket.status} → ${to} is not an allowed step`, ticket.status);
  return to;
}

/** Escalation steps as history, trail and level, at the level each step reaches. */
export function escalationChange(ticket: TicketState, steps: readonly EscalationStep[], ctx: ChangeContext, note: string | null = null): TicketChange {
  const change = emptyChange();
  let status = ticket.status;
  for (const step of steps) {
    const onCallUserId = ctx.onCall[step.level as 1 | 2 | 3] ?? null;
    const record: EscalationRecord = { level: step.level, previousLevel: step.previousLevel, reason: step.reason, clock: step.clock, at: ctx.now, byUserId: ctx.actorId, onCallUserId, note };
    const toStatus = step.reason === 'MANUAL' && (status === 'RECEIVED' || status === 'INVESTIGATING') ? 'ESCALATED' : status;
    change.entries.push(entry({ ...ticket, status }, ctx, 'ESCALATED', toStatus, note, { level: step.level, previousLevel: step.previousLevel, reason: step.reason, clock: step.clock, onCallUserId, departmentId: ticket.customerDepartmentId }));
    change.escalations.push(record);
    status = toStatus;
  }
  if (steps.length > 0) change.set = { escalationLevel: steps[steps.length - 1].level, status };
  return change;
}

/** What a handler's command changes; throws when the state machine does not allow it. */
export function planTicketChange(ticket: TicketState, command: TicketCommand, ctx: ChangeContext): TicketChange {
  const change = emptyChange();
  switch (command.kind) {
    case 'START_INVESTIGATION': {
      const to = move(ticket, 'INVESTIGATING', 'start the investigation');
      if (ticket.status !== 'RECEIVED') throw new InvalidTicketTransitionError('The investigation has already started', ticket.status);
      change.set = { status: to };
      change.entries.push(entry(ticket, ctx, 'INVESTIGATION_STARTED', to, command.note ?? null));
      return change;
    }
    case 'NOTE_PROGRESS': {
      requireStatus(ticket, [...openStatuses, 'RESOLVED', 'FOLLOW_UP_VISITED'], 'note progress on');
      change.entries.push(entry(ticket, ctx, command.communicatedToCustomer ? 'CUSTOMER_CONTACTED' : 'PROGRESS_NOTED', ticket.status, command.note));
      return change;
    }
    case 'ESCALATE': {
      requireStatus(ticket, openStatuses, 'escalate');
      if (ticket.escalationLevel >= 3) throw new InvalidTicketTransitionError('The general manager already has this ticket', ticket.status);
      const level = (ticket.escalationLevel + 1) as EscalationLevel;
      return escalationChange(ticket, [{ level, previousLevel: ticket.escalationLevel as EscalationLevel, reason: 'MANUAL', clock: null }], ctx, command.note ?? null);
    }
    case 'AGREE_PLAN': {
      const to = move(ticket, 'PLAN_AGREED', 'agree a handling plan');
      change.set = { status: to, handlingPlan: command.plan };
      change.entries.push(entry(ticket, ctx, 'PLAN_AGREED', to, command.plan));
      return change;
    }
    case 'RESOLVE': {
      if (ticket.status === 'RECEIVED') throw new InvalidTicketTransitionError('A ticket is resolved straight from RECEIVED only with resolveAtOnce', ticket.status);
      const to = move(ticket, 'RESOLVED', 'resolve');
      return resolution(ticket, to, command.resolution, command.cause ?? null, false, ctx);
    }
    case 'RESOLVE_AT_ONCE': {
      if (ticket.status !== 'RECEIVED' || ticket.handlingRound !== 1) throw new InvalidTicketTransitionError('Only a just-received ticket can be resolved at once', ticket.status);
      if (ctx.actorId !== ticket.firstResponderId || ticket.assigneeId !== ticket.firstResponderId) {
        throw new ForbiddenError('Only the first responder, before any transfer, resolves a matter at once');
      }
      return resolution(ticket, move(ticket, 'RESOLVED', 'resolve at once'), command.resolution, command.cause ?? null, true, ctx);
    }
    case 'RECORD_FOLLOW_UP_VISIT': {
      const to = move(ticket, 'FOLLOW_UP_VISITED', 'record the follow-up visit');
      change.set = { status: to, followUpVisitedAt: ctx.now };
      change.entries.push(entry(ticket, ctx, 'FOLLOW_UP_VISITED', to, command.note));
      return change;
    }
    case 'CONFIRM_SATISFACTION': {
      requireStatus(ticket, ['RESOLVED', 'FOLLOW_UP_VISITED'], 'confirm satisfaction on');
      if (ticket.satisfactionConfirmedAt) throw new InvalidTicketTransitionError('The customer has already confirmed satisfaction', ticket.status);
      change.set = { satisfactionConfirmedAt: ctx.now };
      change.entries.push(entry(ticket, ctx, 'SATISFACTION_CONFIRMED', ticket.status, command.note ?? null));
      return change;
    }
    case 'REOPEN': {
      requireStatus(ticket, ['RESOLVED', 'FOLLOW_UP_VISITED'], 'reopen');
      const to = move(ticket, 'INVESTIGATING', 'reopen');
      const round = ticket.handlingRound + 1;
      change.set = { status: to, handlingRound: round, escalationLevel: 0, resolution: null, satisfactionConfirmedAt: null, followUpVisitedAt: null, handlingPlan: null, waitingForCustomerSince: null };
      change.entries.push(entry(ticket, ctx, 'REOPENED', to, command.reason, { handlingRound: round }));
      // The second handling of a major matter is again the general manager's at once.
      const major = majorMatterStep(ticket.severity, 0);
      if (major) return merge(change, escalationChange({ ...ticket, status: to, escalationLevel: 0 }, [major], ctx));
      return change;
    }
    case 'CLOSE': {
      requireStatus(ticket, ['RESOLVED', 'FOLLOW_UP_VISITED'], 'close');
      if (!ticket.satisfactionConfirmedAt) throw new InvalidTicketTransitionError('Cannot close: the customer has not confirmed satisfaction', ticket.status);
      if (ticket.status === 'RESOLVED' && !ticket.resolution?.atOnce) {
        throw new InvalidTicketTransitionError('Cannot close before the follow-up visit (only a matter resolved at once closes without one)', ticket.status);
      }
      const to = move(ticket, 'CLOSED', 'close');
      change.set = { status: to, closedAt: ctx.now };
      change.entries.push(entry(ticket, ctx, 'CLOSED', to, command.note ?? null, { handlingRounds: ticket.handlingRound }));
      return change;
    }
    case 'TRANSFER': {
      requireStatus(ticket, [...openStatuses, 'RESOLVED', 'FOLLOW_UP_VISITED'], 'transfer');
      if (command.toUserId === ticket.assigneeId) throw new InvalidTicketTransitionError(`${command.toUserId} already handles this ticket`, ticket.status);
      const transfer: TransferRecord = { fromUserId: ticket.assigneeId, toUserId: command.toUserId, toRole: command.toRole, reason: command.reason, at: ctx.now, byUserId: ctx.actorId };
      change.set = { assigneeId: command.toUserId, assigneeRole: command.toRole };
      change.transfers.push(transfer);
      change.entries.push(
        entry(ticket, ctx, 'TRANSFERRED', ticket.status, command.reason, {
          fromUserId: transfer.fromUserId,
          toUserId: transfer.toUserId,
          toRole: transfer.toRole,
          transferCount: ticket.transfers.length + 1,
        }),
      );
      return change;
    }
    case 'AWAIT_CUSTOMER': {
      requireStatus(ticket, ['INVESTIGATING', 'ESCALATED', 'PLAN_AGREED'], 'wait for the customer on');
      if (ticket.waitingForCustomerSince) throw new InvalidTicketTransitionError('Already waiting for the customer', ticket.status);
      change.set = { waitingForCustomerSince: ctx.now };
      change.entries.push(entry(ticket, ctx, 'WAITING_FOR_CUSTOMER', ticket.status, command.note));
      return change;
    }
    case 'CUSTOMER_RESPONDED': {
      if (!ticket.waitingForCustomerSince) throw new InvalidTicketTransitionError('The ticket is not waiting for the customer', ticket.status);
      change.set = { waitingForCustomerSince: null };
      change.entries.push(entry(ticket, ctx, 'CUSTOMER_RESPONDED', ticket.status, command.note ?? null));
      return change;
    }
    default:
      return assertNever(command, 'ticket command');
  }
}

function resolution(ticket: TicketState, to: TicketStatus, summary: string, cause: ComplaintCause | null, atOnce: boolean, ctx: ChangeContext): TicketChange {
  const change = emptyChange();
  change.set = { status: to, resolution: { summary, byUserId: ctx.actorId, at: ctx.now, atOnce }, waitingForCustomerSince: null, ...(cause ? { cause } : {}) };
  change.entries.push(entry(ticket, ctx, 'RESOLVED', to, summary, { atOnce, handlingRound: ticket.handlingRound, ...(cause ? { cause } : {}) }));
  return change;
}

/**
 * What the SLA watch records for a ticket at `ctx.now`: new near-breaches and breaches of the current round,
 * and the escalation rungs they call for, one level at a time. Null when there is nothing new.
 */
export function slaWatchChange(ticket: TicketState, clocks: readonly SlaClockState[], generalManagerAfterOverdueMinutes: number, ctx: ChangeContext, policy: { id: string; version: number }): TicketChange | null {
  if (!openStatuses.includes(ticket.status)) return null;
  const alerts = newSlaAlerts(clocks, ticket.slaAlerts);
  const steps = escalationSteps(ticket.escalationLevel as EscalationLevel, clocks, generalManagerAfterOverdueMinutes);
  if (alerts.length === 0 && steps.length === 0) return null;
  const change = emptyChange();
  for (const alert of alerts) {
    const clock = clocks.find((c) => c.kind === alert.clock)!;
    change.slaAlerts.push({ ...alert, at: ctx.now });
    change.entries.push(
      entry(ticket, ctx, alert.kind === 'BREACHED' ? 'SLA_BREACHED' : 'SLA_NEAR_BREACH', ticket.status, null, {
        clock: alert.clock,
        round: alert.round,
        dueAt: alert.dueAt.toISOString(),
        elapsedMs: clock.elapsedMs,
        targetMs: clock.targetMs,
        remainingMs: clock.remainingMs,
        policyId: policy.id,
        policyVersion: policy.version,
        onCallUserId: ctx.onCall[alert.kind === 'BREACHED' ? 2 : 1] ?? null,
      }),
    );
  }
  return merge(change, escalationChange(ticket, steps, ctx));
}

export function merge(first: TicketChange, second: TicketChange): TicketChange {
  return {
    set: { ...first.set, ...second.set },
    entries: [...first.entries, ...second.entries],
    transfers: [...first.transfers, ...second.transfers],
    escalations: [...first.escalations, ...second.escalations],
    slaAlerts: [...first.slaAlerts, ...second.slaAlerts],
  };
}

/** The ticket as it will be after the change (history numbered on), to compute clocks and events from. */
export function applyChange<T extends TicketRecord>(ticket: T, change: TicketChange): { after: T; entries: TicketHistoryEntry[] } {
  const nextSeq = (ticket.history.at(-1)?.seq ?? 0) + 1;
  const entries = change.entries.map((draft, i) => ({ ...draft, seq: nextSeq + i }));
  const after = {
    ...ticket,
    ...change.set,
    history: [...ticket.history, ...entries],
    transfers: [...ticket.transfers, ...change.transfers],
    escalations: [...ticket.escalations, ...change.escalations],
    slaAlerts: [...ticket.slaAlerts, ...change.slaAlerts],
  };
  return { after, entries };
}

/** Move a ticket onto the policy version now in effect for when it was received (a backdated new version). */
export function policyChange(ticket: TicketState & Pick<TicketRecord, 'slaPolicyVersion'>, policy: { id: string; version: number }, ctx: ChangeContext): TicketChange {
  const change = emptyChange();
  change.set = { slaPolicyId: policy.id, slaPolicyVersion: policy.version };
  change.entries.push(entry(ticket, ctx, 'POLICY_CHANGED', ticket.status, null, { fromVersion: ticket.slaPolicyVersion, toVersion: policy.version }));
  return change;
}
