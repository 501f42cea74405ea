import { z } from 'zod';
import { defineEvent } from '../event-contract';
import { customerIdSchema, departmentIdSchema } from '../entity-keys';

/*
 * service-desk events. Complaint lifecycle events (`crm.service-desk.complaint.*`) are the stream internal
 * apps subscribe to (the gateway's `complaintEvents` subscription feeds from it): every payload carries the
 * ticket key and the ticket's state after the change, `{ ticketId, customerId, status, severity, occurredAt }`,
 * plus what is specific to the change. They are emitted for tickets of type COMPLAINT only.
 *
 * Ticket lifecycle events (`crm.service-desk.ticket.*`: opened, resolved, reopened, closed) are emitted for every
 * ticket type, in the same write as the change; they carry the ticket's type, first responder and department, and the
 * survey response a follow-up ticket comes from (surveys sends its after-service questionnaire on `ticket.resolved`
 * and closes its loop on `ticket.closed`).
 */

export const ticketTypeSchema = z.enum(['COMPLAINT', 'SERVICE_REQUEST', 'INQUIRY', 'REPAIR', 'FAULT']);
export const ticketSeveritySchema = z.enum(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
export const ticketStatusSchema = z.enum(['RECEIVED', 'INVESTIGATING', 'ESCALATED', 'PLAN_AGREED', 'RESOLVED', 'FOLLOW_UP_VISITED', 'CLOSED']);
/** The two SLA clocks a ticket runs. */
export const slaClockKindSchema = z.enum(['FIRST_RESPONSE', 'RESOLUTION']);
/** Escalation ladder: 0 = with the handler, 1 = service supervisor, 2 = department manager, 3 = general manager. */
export const escalationLevelSchema = z.number().int().min(1).max(3);
export const escalationLevelNameSchema = z.enum(['SUPERVISOR', 'DEPARTMENT_MANAGER', 'GENERAL_MANAGER']);
export const escalationReasonSchema = z.enum(['MANUAL', 'SLA_NEAR_BREACH', 'SLA_BREACH', 'MAJOR_MATTER']);

const isoDateTime = z.string().datetime();

/** What every complaint lifecycle event carries: the entity key and the ticket's state after the change. */
export const complaintEventBaseSchema = z.object({
  ticketId: z.string(),
  customerId: customerIdSchema,
  status: ticketStatusSchema,
  severity: ticketSeveritySchema,
  /** When the change happened (the ticket's clock, not the relay's). */
  occurredAt: isoDateTime,
});
export type ComplaintEventBase = z.infer<typeof complaintEventBaseSchema>;

const openedPayload = complaintEventBaseSchema.extend({
  channel: z.string(),
  matter: z.string(),
  firstResponderId: z.string(),
  openedAt: isoDateTime,
  /** Reply promised to the customer (first-response due time); absent on events published before SLA policies. */
  promisedReplyBy: isoDateTime.optional(),
  /** Resolution due time under the ticket's SLA policy; absent on events published before SLA policies. */
  resolutionDueAt: isoDateTime.optional(),
  /** The survey response a follow-up ticket was opened from; null (or absent, on older events) for every other ticket. */
  surveyResponseId: z.string().nullable().optional(),
});

/**
 * `complaint.opened` v1 was first published without `status` and `occurredAt`; such events read as what they
 * were (status RECEIVED at `openedAt`), so consumers replaying the stream from the start still accept them.
 */
function withOpenedDefaults(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object') return raw;
  const payload = raw as Record<string, unknown>;
  return { ...payload, status: payload.status ?? 'RECEIVED', occurredAt: payload.occurredAt ?? payload.openedAt };
}

export const complaintOpenedV1 = defineEvent('service-desk', 'crm.service-desk.complaint.opened', 'v1', z.preprocess(withOpenedDefaults, openedPayload));

/** Handed to the responsible person or their deputy (首问负责制: the first responder stays accountable). */
export const complaintTransferredV1 = defineEvent(
  'service-desk',
  'crm.service-desk.complaint.transferred',
  'v1',
  complaintEventBaseSchema.extend({
    fromUserId: z.string(),
    toUserId: z.string(),
    /** RESPONSIBLE: the person in charge of the matter; DEPUTY: standing in for them. */
    toRole: z.enum(['RESPONSIBLE', 'DEPUTY']),
    reason: z.string(),
    firstResponderId: z.string(),
    /** How many times the ticket has been transferred, this one included. */
    transferCount: z.number().int().positive(),
  }),
);

export const complaintEscalatedV1 = defineEvent(
  'service-desk',
  'crm.service-desk.complaint.escalated',
  'v1',
  complaintEventBaseSchema.extend({
    level: escalationLevelSchema,
    levelName: escalationLevelNameSchema,
    /** 0 when the ticket was with its handler; a major matter jumps from 0 straight to 3. */
    previousLevel: z.number().int().min(0).max(3),
    reason: escalationReasonSchema,
    /** The SLA clock behind an automatic escalation; null for MANUAL and MAJOR_MATTER. */
    clock: slaClockKindSchema.nullable(),
    /** Department whose manager is in charge at level 2 (the customer's department). */
    departmentId: departmentIdSchema,
    /** On a holiday, the on-call person from the roster for this level; otherwise null (whoever holds the role). */
    onCallUserId: z.string().nullable(),
    note: z.string().nullable(),
  }),
);

const slaClockPayload = complaintEventBaseSchema.extend({
  clock: slaClockKindSchema,
  dueAt: isoDateTime,
  /** The SLA policy document and version the ticket started under. */
  policyId: z.string(),
  policyVersion: z.number().int().positive(),
  /** Working time the clock has consumed when detected, in minutes. */
  elapsedWorkingMinutes: z.number().nonnegative(),
  targetWorkingMinutes: z.number().positive(),
  /** On a holiday, the on-call person from the roster; otherwise null. */
  onCallUserId: z.string().nullable(),
});

export const complaintSlaBreachedV1 = defineEvent('service-desk', 'crm.service-desk.complaint.sla-breached', 'v1', slaClockPayload);

export const complaintSlaNearBreachV1 = defineEvent(
  'service-desk',
  'crm.service-desk.complaint.sla-near-breach',
  'v1',
  slaClockPayload.extend({ remainingWorkingMinutes: z.number().nonnegative() }),
);

export const complaintResolvedV1 = defineEvent(
  'service-desk',
  'crm.service-desk.complaint.resolved',
  'v1',
  complaintEventBaseSchema.extend({
    resolvedBy: z.string(),
    resolution: z.string(),
    /** Finished at once by the first responder, within their remit. */
    resolvedAtOnce: z.boolean(),
    /** 1 for the first handling, 2+ for second handling after a reopen (二次处理). */
    handlingRound: z.number().int().positive(),
  }),
);

export const complaintReopenedV1 = defineEvent(
  'service-desk',
  'crm.service-desk.complaint.reopened',
  'v1',
  complaintEventBaseSchema.extend({
    reopenedBy: z.string(),
    /** What the customer still disagrees with. */
    reason: z.string(),
    /** The handling round that starts now (2 for the first reopen). */
    handlingRound: z.number().int().min(2),
    /** The new resolution due time: the resolution clock restarts on reopen. */
    resolutionDueAt: isoDateTime,
  }),
);

export const complaintClosedV1 = defineEvent(
  'service-desk',
  'crm.service-desk.complaint.closed',
  'v1',
  complaintEventBaseSchema.extend({
    closedBy: z.string(),
    /** When the customer confirmed they are satisfied (a ticket cannot close without it). */
    satisfactionConfirmedAt: isoDateTime,
    handlingRounds: z.number().int().positive(),
  }),
);

/** Every complaint lifecycle contract, e.g. for a subscriber of `crm.service-desk.complaint.>`. */
export const complaintEventContracts = [
  complaintOpenedV1,
  complaintTransferredV1,
  complaintEscalatedV1,
  complaintSlaBreachedV1,
  complaintSlaNearBreachV1,
  complaintResolvedV1,
  complaintReopenedV1,
  complaintClosedV1,
] as const;
export type ComplaintEventContract = (typeof complaintEventContracts)[number];
export type ComplaintEventType = ComplaintEventContract['type'];
/** NATS subject filter for every complaint lifecycle event. */
export const complaintEventsSubject = 'crm.service-desk.complaint.>';

/** What every ticket lifecycle event carries: the ticket key, what kind of ticket, who owns it and its state after the change. */
export const ticketEventBaseSchema = z.object({
  ticketId: z.string(),
  customerId: customerIdSchema,
  type: ticketTypeSchema,
  status: ticketStatusSchema,
  severity: ticketSeveritySchema,
  /** Whoever first received the customer; stays accountable whoever handles the ticket now. */
  firstResponderId: z.string(),
  /** The customer's department the ticket is scoped to. */
  departmentId: departmentIdSchema,
  /** The survey response a follow-up ticket was opened from; null for every other ticket. */
  surveyResponseId: z.string().nullable(),
  /** When the change happened (the ticket's clock, not the relay's). */
  occurredAt: isoDateTime,
});
export type TicketEventBase = z.infer<typeof ticketEventBaseSchema>;

export const ticketOpenedV1 = defineEvent(
  'service-desk',
  'crm.service-desk.ticket.opened',
  'v1',
  ticketEventBaseSchema.extend({
    channel: z.string(),
    /** When the matter was received (both SLA clocks start here). */
    openedAt: isoDateTime,
    /** The first-response due time promised to the customer. */
    promisedReplyBy: isoDateTime,
  }),
);

export const ticketResolvedV1 = defineEvent(
  'service-desk',
  'crm.service-desk.ticket.resolved',
  'v1',
  ticketEventBaseSchema.extend({
    resolvedBy: z.string(),
    resolvedAt: isoDateTime,
    /** Finished at once by the first responder, within their remit. */
    resolvedAtOnce: z.boolean(),
    /** 1 for the first handling, 2+ after a reopen. */
    handlingRound: z.number().int().positive(),
  }),
);

export const ticketReopenedV1 = defineEvent(
  'service-desk',
  'crm.service-desk.ticket.reopened',
  'v1',
  ticketEventBaseSchema.extend({
    reopenedBy: z.string(),
    /** The handling round that starts now (2 for the first reopen). */
    handlingRound: z.number().int().min(2),
  }),
);

export const ticketClosedV1 = defineEvent(
  'service-desk',
  'crm.service-desk.ticket.closed',
  'v1',
  ticketEventBaseSchema.extend({
    closedBy: z.string(),
    closedAt: isoDateTime,
  }),
);

/** Every ticket lifecycle contract (every ticket type), e.g. for a subscriber of `crm.service-desk.ticket.>`. */
export const ticketEventContracts = [ticketOpenedV1, ticketResolvedV1, ticketReopenedV1, ticketClosedV1] as const;
/** NATS subject filter for every ticket lifecycle event. */
export const ticketEventsSubject = 'crm.service-desk.ticket.>';

/** Who a fault report goes to at once: the customer's sales owner and the responsible manager. */
export const faultRecipientSchema = z.object({
  role: z.enum(['SALES_OWNER', 'RESPONSIBLE_MANAGER']),
  /** Null when the manager was not named: whoever manages `departmentId`. */
  userId: z.string().nullable(),
  departmentId: departmentIdSchema,
});

export const faultReportedV1 = defineEvent(
  'service-desk',
  'crm.service-desk.fault.reported',
  'v1',
  z.object({
    faultReportId: z.string(),
    /** The FAULT ticket the report belongs to, if it was registered from one. */
    ticketId: z.string().nullable(),
    customerId: customerIdSchema,
    severity: ticketSeveritySchema,
    faultOccurredAt: isoDateTime,
    place: z.string(),
    symptoms: z.string(),
    handlingPlan: z.string(),
    reportedBy: z.string(),
    recipients: z.array(faultRecipientSchema).min(2),
    occurredAt: isoDateTime,
  }),
);

/** Who the post-fault analysis is shared with: the customer and the business department. */
export const faultAnalysisRecipientSchema = z.object({
  kind: z.enum(['CUSTOMER', 'BUSINESS_DEPARTMENT']),
  /** Customer id for CUSTOMER, department id for BUSINESS_DEPARTMENT. */
  id: z.string(),
});

export const faultAnalysedV1 = defineEvent(
  'service-desk',
  'crm.service-desk.fault.analysed',
  'v1',
  z.object({
    faultReportId: z.string(),
    ticketId: z.string().nullable(),
    customerId: customerIdSchema,
    severity: ticketSeveritySchema,
    impact: z.string(),
    handling: z.string(),
    rootCause: z.string(),
    correctiveActions: z.array(z.string()).min(1),
    preventiveActions: z.array(z.string()).min(1),
    analysedBy: z.string(),
    sharedWith: z.array(faultAnalysisRecipientSchema).min(2),
    occurredAt: isoDateTime,
  }),
);

/*
 * The platform's one working calendar is edited through service-desk's graph (setCalendarDay, removeCalendarDay).
 * Every change is published so that each service counting working days (filing, minutes, SLA, dunning) keeps
 * the same calendar; the environment only seeds the defaults.
 */
export const calendarDayChangedV1 = defineEvent(
  'service-desk',
  'crm.service-desk.calendar.day-changed',
  'v1',
  z.object({
    /** `YYYY-MM-DD` in the calendar's time zone. */
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    /** null: the stored day was removed, the date follows the environment's default again. */
    kind: z.enum(['HOLIDAY', 'MAKE_UP_WORKDAY']).nullable(),
    name: z.string().nullable(),
    changedAt: isoDateTime,
  }),
);
