import { withIdempotencyKey } from '@crm/data';
import { outboxPlugin, type WithPendingEvents } from '@crm/events';
import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { EscalationLevel, EscalationReason } from '../sla/escalation-ladder';
import type { SlaClockKind } from '../sla/sla-clock';
import type { CustomerImportance } from '../sla/sla-policy.model';

export const ticketTypes = ['COMPLAINT', 'SERVICE_REQUEST', 'INQUIRY', 'REPAIR', 'FAULT'] as const;
export const ticketChannels = ['PHONE', 'EMAIL', 'ONLINE', 'HOTLINE', 'VISIT'] as const;
export const severities = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export const ticketStatuses = ['RECEIVED', 'INVESTIGATING', 'ESCALATED', 'PLAN_AGREED', 'RESOLVED', 'FOLLOW_UP_VISITED', 'CLOSED'] as const;
/** CUSTOMER: the customer raised it; PROACTIVE: we went to the customer (proactive maintenance). */
export const ticketOrigins = ['CUSTOMER', 'PROACTIVE'] as const;
/** What a complaint was about, for the complaint analysis by cause. */
export const complaintCauses = ['PRODUCT_QUALITY', 'DELIVERY', 'INSTALLATION', 'SERVICE_ATTITUDE', 'TECHNICAL_SUPPORT', 'BILLING', 'DOCUMENTATION', 'OTHER'] as const;
export const assigneeRoles = ['FIRST_RESPONDER', 'RESPONSIBLE', 'DEPUTY'] as const;
/** Everything that happens to a ticket is one of these history entries (who, when, what). */
export const ticketHistoryKinds = [
  'OPENED',
  'INVESTIGATION_STARTED',
  'CUSTOMER_CONTACTED',
  'PROGRESS_NOTED',
  'ESCALATED',
  'PLAN_AGREED',
  'RESOLVED',
  'FOLLOW_UP_VISITED',
  'SATISFACTION_CONFIRMED',
  'CLOSED',
  'REOPENED',
  'TRANSFERRED',
  'WAITING_FOR_CUSTOMER',
  'CUSTOMER_RESPONDED',
  'SLA_NEAR_BREACH',
  'SLA_BREACHED',
  'POLICY_CHANGED',
] as const;

export type TicketType = (typeof ticketTypes)[number];
export type TicketChannel = (typeof ticketChannels)[number];
export type Severity = (typeof severities)[number];
export type TicketStatus = (typeof ticketStatuses)[number];
export type ComplaintCause = (typeof complaintCauses)[number];
export type AssigneeRole = (typeof assigneeRoles)[number];
export type TicketHistoryKind = (typeof ticketHistoryKinds)[number];

interface TicketHistoryBase {
  /** 1, 2, 3 … in the order things happened to this ticket. */
  seq: number;
  at: Date;
  /** The user who acted, or `system:sla-watch` for what the SLA watch records. */
  actorId: string;
  fromStatus: TicketStatus | null;
  toStatus: TicketStatus;
  note: string | null;
}

/** What an SLA alert records: the clock, where it stood and the policy version it was measured under. */
export interface SlaAlertDetails {
  clock: SlaClockKind;
  round: number;
  /** ISO date-time (details are stored as plain JSON). */
  dueAt: string;
  elapsedMs: number;
  targetMs: number;
  remainingMs: number;
  policyId: string;
  policyVersion: number;
  onCallUserId: string | null;
}

/** What each kind of history entry records beyond who, when and the status move; null where nothing more. */
export interface TicketHistoryDetails {
  OPENED: { channel: TicketChannel; severity: Severity };
  INVESTIGATION_STARTED: null;
  CUSTOMER_CONTACTED: null;
  PROGRESS_NOTED: null;
  ESCALATED: { level: EscalationLevel; previousLevel: EscalationLevel; reason: EscalationReason; clock: SlaClockKind | null; onCallUserId: string | null; departmentId: string };
  PLAN_AGREED: null;
  RESOLVED: { atOnce: boolean; handlingRound: number; cause?: ComplaintCause };
  FOLLOW_UP_VISITED: null;
  SATISFACTION_CONFIRMED: null;
  CLOSED: { handlingRounds: number };
  REOPENED: { handlingRound: number };
  TRANSFERRED: { fromUserId: string; toUserId: string; toRole: 'RESPONSIBLE' | 'DEPUTY'; transferCount: number };
  WAITING_FOR_CUSTOMER: null;
  CUSTOMER_RESPONDED: null;
  SLA_NEAR_BREACH: SlaAlertDetails;
  SLA_BREACHED: SlaAlertDetails;
  POLICY_CHANGED: { fromVersion: number; toVersion: number };
}

/** One history entry: `details` is typed by `kind` (a kind without a row above does not compile). */
export type TicketHistoryEntry = { [K in TicketHistoryKind]: TicketHistoryBase & { kind: K; details: TicketHistoryDetails[K] } }[TicketHistoryKind];

export interface TransferRecord {
  fromUserId: string;
  toUserId: string;
  toRole: 'RESPONSIBLE' | 'DEPUTY';
  reason: string;
  at: Date;
  byUserId: string;
}

export interface EscalationRecord {
  level: number;
  previousLevel: number;
  reason: EscalationReason;
  clock: SlaClockKind | null;
  at: Date;
  byUserId: string;
  onCallUserId: string | null;
  note: string | null;
}

export interface SlaAlertRecord {
  clock: SlaClockKind;
  round: number;
  kind: 'NEAR_BREACH' | 'BREACHED';
  at: Date;
  dueAt: Date;
}

export interface ResolutionRecord {
  summary: string;
  byUserId: string;
  at: Date;
  atOnce: boolean;
}

export interface TicketRecord extends WithPendingEvents {
  _id: Types.ObjectId;
  /** The opening request's idempotency key, scoped to its caller (libs/data createOnce). */
  idempotencyKey?: string;
  type: TicketType;
  channel: TicketChannel;
  severity: Severity;
  matter: string;
  complainant: { name: string; contact?: string | null };
  customerId: string;
  /** The customer's owner and department: tickets are scoped like their customer and follow its handovers. */
  customerOwnerId: string;
  customerDepartmentId: string;
  /** Time of the accounts event the scope reflects; an older event never rolls it back. */
  scopeAsOf: Date | null;
  /** The customer's owner when the matter was received: the complaint counts towards their KPI. */
  consultantAtOpeningId: string;
  /** The customer's importance when the ticket was opened; selects the SLA target. */
  customerImportance: CustomerImportance;
  product?: string | null;
  origin: (typeof ticketOrigins)[number];
  cause: ComplaintCause | null;
  /** Whoever first received the customer; stays accountable whoever handles it now (首问负责制). */
  firstResponderId: string;
  /** Who handles it now: the first responder until transferred. */
  assigneeId: string;
  assigneeRole: AssigneeRole;
  status: TicketStatus;
  /** When the customer's matter was received: both SLA clocks start here. */
  openedAt: Date;
  /** When it was registered (later than openedAt for a matter received e.g. by voicemail). */
  registeredAt: Date;
  /** 1 for the first handling; each reopen (二次处理) adds one. */
  handlingRound: number;
  /** 0 with the handler, 1 supervisor, 2 department manager, 3 general manager. */
  escalationLevel: number;
  slaPolicyId: string;
  /** The SLA policy version the ticket runs under (the one in effect when it was received). */
  slaPolicyVersion: number;
  /** When the customer was promised an answer: the first-response due time. */
  promisedReplyBy: Date;
  /** When the current handling round is due to be resolved; null while the clock is paused. */
  resolutionDueAt: Date | null;
  firstRespondedAt: Date | null;
  handlingPlan: string | null;
  resolution: ResolutionRecord | null;
  followUpVisitedAt: Date | null;
  satisfactionConfirmedAt: Date | null;
  waitingForCustomerSince: Date | null;
  closedAt: Date | null;
  transfers: TransferRecord[];
  escalations: EscalationRecord[];
  slaAlerts: SlaAlertRecord[];
  history: TicketHistoryEntry[];
  /** The survey response (owned by surveys) a follow-up ticket was opened from; null for every other ticket. */
  surveyResponseId?: string | null;
  /** Optimistic concurrency: every write names the revision it read. */
  revision: number;
}

const historyEntrySchema = new Schema<TicketHistoryEntry>(
  {
    seq: { type: Number, required: true },
    kind: { type: String, enum: ticketHistoryKinds, required: true },
    at: { type: Date, required: true },
    actorId: { type: String, required: true },
    fromStatus: { type: String, default: null },
    toStatus: { type: String, required: true },
    note: { type: String, default: null },
    details: { type: Schema.Types.Mixed, default: null },
  },
  { _id: false },
);

const transferSchema = new Schema<TransferRecord>(
  {
    fromUserId: { type: String, required: true },
    toUserId: { type: String, required: true },
    toRole: { type: String, required: true },
    reason: { type: String, required: true },
    at: { type: Date, required: true },
    byUserId: { type: String, required: true },
  },
  { _id: false },
);

const escalationSchema = new Schema<EscalationRecord>(
  {
    level: { type: Number, required: true },
    previousLevel: { type: Number, required: true },
    reason: { type: String, required: true },
    clock: { type: String, default: null },
    at: { type: Date, required: true },
    byUserId: { type: String, required: true },
    onCallUserId: { type: String, default: null },
    note: { type: String, default: null },
  },
  { _id: false },
);

const slaAlertSchema = new Schema<SlaAlertRecord>(
  {
    clock: { type: String, required: true },
    round: { type: Number, required: true },
    kind: { type: String, required: true },
    at: { type: Date, required: true },
    dueAt: { type: Date, required: true },
  },
  { _id: false },
);

const ticketSchema = new Schema<TicketRecord>(
  {
    type: { type: String, enum: ticketTypes, required: true },
    channel: { type: String, enum: ticketChannels, required: true },
    severity: { type: String, enum: severities, required: true },
    matter: { type: String, required: true },
    complainant: { name: { type: String, required: true }, contact: String },
    customerId: { type: String, required: true },
    customerOwnerId: { type: String, required: true },
    customerDepartmentId: { type: String, required: true },
    scopeAsOf: { type: Date, default: null },
    consultantAtOpeningId: { type: String, required: true },
    customerImportance: { type: String, required: true, default: 'GENERAL' },
    product: String,
    origin: { type: String, enum: ticketOrigins, required: true, default: 'CUSTOMER' },
    cause: { type: String, enum: complaintCauses, default: null },
    firstResponderId: { type: String, required: true },
    assigneeId: { type: String, required: true },
    assigneeRole: { type: String, enum: assigneeRoles, required: true, default: 'FIRST_RESPONDER' },
    status: { type: String, enum: ticketStatuses, required: true, default: 'RECEIVED' },
    openedAt: { type: Date, required: true },
    registeredAt: { type: Date, required: true },
    handlingRound: { type: Number, required: true, default: 1 },
    escalationLevel: { type: Number, required: true, default: 0 },
    slaPolicyId: { type: String, required: true },
    slaPolicyVersion: { type: Number, required: true },
    promisedReplyBy: { type: Date, required: true },
    resolutionDueAt: { type: Date, default: null },
    firstRespondedAt: { type: Date, default: null },
    handlingPlan: { type: String, default: null },
    resolution: { type: Schema.Types.Mixed, default: null },
    followUpVisitedAt: { type: Date, default: null },
    satisfactionConfirmedAt: { type: Date, default: null },
    waitingForCustomerSince: { type: Date, default: null },
    closedAt: { type: Date, default: null },
    transfers: { type: [transferSchema], default: [] },
    escalations: { type: [escalationSchema], default: [] },
    slaAlerts: { type: [slaAlertSchema], default: [] },
    history: { type: [historyEntrySchema], default: [] },
    surveyResponseId: { type: String, default: null },
    revision: { type: Number, required: true, default: 0 },
  },
  { versionKey: false, timestamps: true },
);
ticketSchema.plugin(outboxPlugin);
withIdempotencyKey(ticketSchema);
// Customer.tickets: a batch of customers' tickets, newest first.
ticketSchema.index({ customerId: 1, openedAt: -1 });
// The SLA watch: every ticket whose clocks may still run.
ticketSchema.index({ status: 1 });
// Consultant.complaintCount / complaintRate: one consultant's complaints in a period.
ticketSchema.index({ consultantAtOpeningId: 1, type: 1, openedAt: 1 });
// Supervision reports: a department's tickets received in a month.
ticketSchema.index({ customerDepartmentId: 1, openedAt: 1 });

export function ticketModel(connection: Connection): Model<TicketRecord> {
  return connection.model<TicketRecord>('Ticket', ticketSchema, 'tickets');
}

/** Statuses whose clocks can still run (the SLA watch looks only at these). */
export const openTicketStatuses: TicketStatus[] = ['RECEIVED', 'INVESTIGATING', 'ESCALATED', 'PLAN_AGREED'];
