import {
  complaintClosedV1,
  complaintEscalatedV1,
  complaintOpenedV1,
  complaintReopenedV1,
  complaintResolvedV1,
  complaintSlaBreachedV1,
  complaintSlaNearBreachV1,
  complaintTransferredV1,
  ticketClosedV1,
  ticketOpenedV1,
  ticketReopenedV1,
  ticketResolvedV1,
  type ComplaintEventBase,
  type TicketEventBase,
} from '@crm/contracts';
import { createEvent, type CloudEvent, type EventActor } from '@crm/events';
import { assertNever } from '@crm/kernel';
import { escalationLevelName } from '../sla/escalation-ladder';
import type { TicketHistoryEntry, TicketRecord } from './ticket.model';

const minutes = (ms: number) => Math.round((Number(ms) / 60_000) * 100) / 100;

/**
 * The events for history entries just written, derived from the same entries that go into the ticket's history,
 * so the stream and the history can never disagree: the complaint lifecycle events (COMPLAINT tickets only, the
 * stream internal apps subscribe to) and the ticket lifecycle events (opened, resolved, reopened, closed; every type).
 */
export function ticketEventsFor(ticket: TicketRecord, entries: readonly TicketHistoryEntry[], actor: EventActor): CloudEvent[] {
  const events: CloudEvent[] = [];
  for (const entry of entries) {
    const complaintEvent = ticket.type === 'COMPLAINT' ? complaintEventFor(ticket, entry, actor) : null;
    if (complaintEvent) events.push(complaintEvent);
    const lifecycleEvent = ticketLifecycleEventFor(ticket, entry, actor);
    if (lifecycleEvent) events.push(lifecycleEvent);
  }
  return events;
}

function ticketLifecycleEventFor(ticket: TicketRecord, entry: TicketHistoryEntry, actor: EventActor): CloudEvent | null {
  const subject = String(ticket._id);
  const base: TicketEventBase = {
    ticketId: subject,
    customerId: ticket.customerId,
    type: ticket.type,
    status: entry.toStatus,
    severity: ticket.severity,
    firstResponderId: ticket.firstResponderId,
    departmentId: ticket.customerDepartmentId,
    surveyResponseId: ticket.surveyResponseId ?? null,
    occurredAt: entry.at.toISOString(),
  };
  const envelope = { subject, actor, time: entry.at };
  switch (entry.kind) {
    case 'OPENED':
      return createEvent(ticketOpenedV1, { ...envelope, data: { ...base, channel: ticket.channel, openedAt: ticket.openedAt.toISOString(), promisedReplyBy: ticket.promisedReplyBy.toISOString() } });
    case 'RESOLVED':
      return createEvent(ticketResolvedV1, {
        ...envelope,
        data: { ...base, resolvedBy: entry.actorId, resolvedAt: entry.at.toISOString(), resolvedAtOnce: entry.details.atOnce, handlingRound: entry.details.handlingRound },
      });
    case 'REOPENED':
      return createEvent(ticketReopenedV1, { ...envelope, data: { ...base, reopenedBy: entry.actorId, handlingRound: entry.details.handlingRound } });
    case 'CLOSED':
      return createEvent(ticketClosedV1, { ...envelope, data: { ...base, closedBy: entry.actorId, closedAt: entry.at.toISOString() } });
    default:
      return null;
  }
}

function complaintEventFor(ticket: TicketRecord, entry: TicketHistoryEntry, actor: EventActor): CloudEvent | null {
  const subject = String(ticket._id);
  const base: ComplaintEventBase = { ticketId: subject, customerId: ticket.customerId, status: entry.toStatus, severity: ticket.severity, occurredAt: entry.at.toISOString() };
  // Each case reads the details of its own kind (TicketHistoryDetails); createEvent validates the payload against the contract.
  const envelope = { subject, actor, time: entry.at };
  switch (entry.kind) {
    case 'OPENED':
      return createEvent(complaintOpenedV1, {
        ...envelope,
        data: {
          ...base,
          channel: ticket.channel,
          matter: ticket.matter,
          firstResponderId: ticket.firstResponderId,
          openedAt: ticket.openedAt.toISOString(),
          promisedReplyBy: ticket.promisedReplyBy.toISOString(),
          ...(ticket.resolutionDueAt ? { resolutionDueAt: ticket.resolutionDueAt.toISOString() } : {}),
          surveyResponseId: ticket.surveyResponseId ?? null,
        },
      });
    case 'TRANSFERRED': {
      const d = entry.details;
      return createEvent(complaintTransferredV1, {
        ...envelope,
        data: { ...base, fromUserId: d.fromUserId, toUserId: d.toUserId, toRole: d.toRole, reason: entry.note ?? '', firstResponderId: ticket.firstResponderId, transferCount: d.transferCount },
      });
    }
    case 'ESCALATED': {
      const d = entry.details;
      return createEvent(complaintEscalatedV1, {
        ...envelope,
        data: {
          ...base,
          level: d.level,
          levelName: escalationLevelName(d.level) as 'SUPERVISOR' | 'DEPARTMENT_MANAGER' | 'GENERAL_MANAGER',
          previousLevel: d.previousLevel,
          reason: d.reason,
          clock: d.clock,
          departmentId: d.departmentId,
          onCallUserId: d.onCallUserId,
          note: entry.note,
        },
      });
    }
    case 'SLA_BREACHED':
    case 'SLA_NEAR_BREACH': {
      const d = entry.details;
      const clockData = {
        ...base,
        clock: d.clock,
        dueAt: d.dueAt,
        policyId: d.policyId,
        policyVersion: d.policyVersion,
        elapsedWorkingMinutes: minutes(d.elapsedMs),
        targetWorkingMinutes: minutes(d.targetMs),
        onCallUserId: d.onCallUserId,
      };
      return entry.kind === 'SLA_BREACHED'
        ? createEvent(complaintSlaBreachedV1, { ...envelope, data: clockData })
        : createEvent(complaintSlaNearBreachV1, { ...envelope, data: { ...clockData, remainingWorkingMinutes: minutes(d.remainingMs) } });
    }
    case 'RESOLVED':
      return createEvent(complaintResolvedV1, {
        ...envelope,
        data: { ...base, resolvedBy: entry.actorId, resolution: entry.note ?? '', resolvedAtOnce: entry.details.atOnce, handlingRound: entry.details.handlingRound },
      });
    case 'REOPENED':
      return createEvent(complaintReopenedV1, {
        ...envelope,
        data: { ...base, reopenedBy: entry.actorId, reason: entry.note ?? '', handlingRound: entry.details.handlingRound, resolutionDueAt: (ticket.resolutionDueAt ?? entry.at).toISOString() },
      });
    case 'CLOSED':
      return createEvent(complaintClosedV1, {
        ...envelope,
        data: { ...base, closedBy: entry.actorId, satisfactionConfirmedAt: (ticket.satisfactionConfirmedAt ?? entry.at).toISOString(), handlingRounds: entry.details.handlingRounds },
      });
    case 'INVESTIGATION_STARTED':
    case 'CUSTOMER_CONTACTED':
    case 'PROGRESS_NOTED':
    case 'PLAN_AGREED':
    case 'FOLLOW_UP_VISITED':
    case 'SATISFACTION_CONFIRMED':
    case 'WAITING_FOR_CUSTOMER':
    case 'CUSTOMER_RESPONDED':
    case 'POLICY_CHANGED':
      return null;
    default:
      return assertNever(entry, 'ticket history entry');
  }
}
