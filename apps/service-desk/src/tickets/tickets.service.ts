import type { Caller } from '@crm/auth';
import { customerIdSchema } from '@crm/contracts';
import { createOnce, idempotencyKeyOf, paginateById, type Connection as Page, type PageArgs, type StoredIdempotencyKey } from '@crm/data';
import { StaleRevisionError, updateVersioned, type EventActor } from '@crm/events';
import { actorOf, BadUserInputError, ConflictError, ForbiddenError, NotFoundError, idempotencyKeyInput, parseInput, type Clock, type InputProblem } from '@crm/kernel';
import { isValidObjectId, Types, type Model, type UpdateQuery } from 'mongoose';
import { z } from 'zod';
import type { CalendarService } from '../calendar/calendar.service';
import type { CustomerDirectory, CustomerScope } from '../customer-directory/customer-directory.service';
import { majorMatterStep } from '../sla/escalation-ladder';
import { computeSlaClocks, type SlaClockState } from '../sla/sla-clock';
import type { SlaPolicyService } from '../sla/sla-policies.service';
import { clockRules } from '../sla/sla-policy-rules';
import type { SlaPolicyRecord } from '../sla/sla-policy.model';
import { canOpenTicket, mayOpenTicketOfType, type TicketAccess } from './ticket-access';
import { ticketEventsFor } from './ticket-events';
import { applyChange, escalationChange, planTicketChange, type ChangeContext, type TicketChange, type TicketCommand } from './ticket-lifecycle';
import {
  complaintCauses,
  severities,
  ticketChannels,
  ticketOrigins,
  ticketStatuses,
  ticketTypes,
  type TicketHistoryEntry,
  type TicketRecord,
} from './ticket.model';

// A matter received by voicemail over a long holiday may be registered days later, not months.
const MAX_BACKDATE_MS = 30 * 24 * 3600 * 1000;

const text = (max: number) => z.string().trim().min(1, 'is required').max(max);

const openTicketInput = z.object({
  idempotencyKey: idempotencyKeyInput,
  customerId: customerIdSchema,
  type: z.enum(ticketTypes),
  channel: z.enum(ticketChannels),
  severity: z.enum(severities),
  matter: text(4000),
  complainant: z.object({ name: text(200), contact: z.string().trim().max(200).nullish() }),
  product: z.string().trim().max(200).nullish(),
  origin: z.enum(ticketOrigins).nullish(),
  cause: z.enum(complaintCauses).nullish(),
  receivedAt: z.coerce.date().nullish(),
});

export interface TicketFilter {
  status?: string | null;
  type?: string | null;
  customerId?: string | null;
  assigneeId?: string | null;
  escalationLevelAtLeast?: number | null;
  slaBreached?: boolean | null;
}

export interface TicketClocks {
  policy: SlaPolicyRecord;
  businessHoursOnly: boolean;
  firstResponse: SlaClockState;
  resolution: SlaClockState;
}

/** Who opens a ticket: the actor recorded and on its events, its first responder, and the survey response it follows up. */
interface Opening {
  actor: EventActor;
  firstResponderId: string;
  surveyResponseId: string | null;
}

const SYSTEM_ACTOR: EventActor = { userId: 'system:sla-watch', roles: ['internal_app'] };

/** Ticket rules: opening, the handling steps, and the one write that records a change with its events. */
export class TicketsService {
  constructor(
    private readonly tickets: Model<TicketRecord>,
    private readonly directory: CustomerDirectory,
    private readonly calendar: CalendarService,
    private readonly policies: SlaPolicyService,
    private readonly clock: Clock,
    /** Who reads which ticket; fault reports and KPIs use the same. */
    readonly access: TicketAccess,
  ) {}

  async open(caller: Caller, rawInput: unknown): Promise<TicketRecord> {
    const type = (rawInput as { type?: unknown } | null)?.type;
    if (!mayOpenTicketOfType(caller, String(type))) throw new ForbiddenError(`Partners open service requests only, not ${String(type)}`, { field: 'input.type' });
    const input = parseInput(openTicketInput, rawInput);
    const idempotencyKey = idempotencyKeyOf(caller.userId, input.idempotencyKey);
    if (!canOpenTicket(caller)) return createOnce(this.tickets, idempotencyKey, (stored) => this.openForPartner(caller, input, stored));
    const opening: Opening = { actor: actorOf(caller), firstResponderId: caller.userId, surveyResponseId: null };
    return createOnce(this.tickets, idempotencyKey, (stored) => this.openNew(opening, input, stored));
  }

  /**
   * A partner's service request for one of its linked customers: any other customer is "no such customer" (its
   * existence is not revealed). Nobody at the partner handles tickets, so the customer's owner is the first responder.
   */
  private async openForPartner(caller: Caller, input: z.infer<typeof openTicketInput>, stored: StoredIdempotencyKey): Promise<TicketRecord> {
    if (!(await this.access.canSee(caller, { customerId: input.customerId }))) throw new BadUserInputError('input.customerId', 'no such customer (or accounts has not announced it yet)');
    return this.openNew({ actor: actorOf(caller), firstResponderId: null, surveyResponseId: null }, input, stored);
  }

  /**
   * Open a ticket on another service's behalf (no caller, e.g. a survey's follow-up): the same input rules, SLA and
   * events as `open`, once per `idempotencyKey` (a replay answers the ticket the first delivery opened). With no
   * first responder named, the ticket goes to the customer's owner.
   */
  async openOnBehalf(opening: Omit<Opening, 'firstResponderId'> & { firstResponderId: string | null; idempotencyKey: string }, rawInput: unknown): Promise<TicketRecord> {
    const input = parseInput(openTicketInput, rawInput);
    const { idempotencyKey, ...rest } = opening;
    return createOnce(this.tickets, idempotencyKeyOf(opening.actor.userId, idempotencyKey), (stored) => this.openNew(rest, input, stored));
  }

  private async openNew(opening: Omit<Opening, 'firstResponderId'> & { firstResponderId: string | null }, input: z.infer<typeof openTicketInput>, stored: StoredIdempotencyKey): Promise<TicketRecord> {
    // Every problem at once: the customer and the time of receipt are checked together.
    const problems: InputProblem[] = [];
    const customer = await this.directory.find(input.customerId);
    if (!customer) problems.push({ field: 'input.customerId', message: 'no such customer (or accounts has not announced it yet)' });
    else if (customer.lifecycle === 'REMOVED') problems.push({ field: 'input.customerId', message: 'the customer has been removed from the archive' });
    const now = this.clock.now();
    const openedAt = input.receivedAt ?? now;
    if (openedAt.getTime() > now.getTime()) problems.push({ field: 'input.receivedAt', message: 'cannot be in the future' });
    if (now.getTime() - openedAt.getTime() > MAX_BACKDATE_MS) problems.push({ field: 'input.receivedAt', message: 'cannot be more than 30 days ago' });
    if (!customer || problems.length > 0) throw new BadUserInputError(problems[0].field, problems[0].message, problems);
    const policy = await this.policies.inEffectAt(openedAt);
    const firstResponderId = opening.firstResponderId ?? customer.ownerId;
    const opened: TicketHistoryEntry = { seq: 1, kind: 'OPENED', at: openedAt, actorId: opening.actor.userId, fromStatus: null, toStatus: 'RECEIVED', note: input.matter, details: { channel: input.channel, severity: input.severity } };
    const draft: TicketRecord = {
      _id: new Types.ObjectId(),
      type: input.type,
      channel: input.channel,
      severity: input.severity,
      matter: input.matter,
      complainant: { name: input.complainant.name, contact: input.complainant.contact ?? null },
      customerId: input.customerId,
      customerOwnerId: customer.ownerId,
      customerDepartmentId: customer.departmentId,
      scopeAsOf: customer.asOf,
      consultantAtOpeningId: customer.ownerId,
      customerImportance: customer.importance ?? 'GENERAL',
      product: input.product ?? null,
      origin: input.origin ?? 'CUSTOMER',
      cause: input.cause ?? null,
      firstResponderId,
      assigneeId: firstResponderId,
      assigneeRole: 'FIRST_RESPONDER',
      status: 'RECEIVED',
      openedAt,
      registeredAt: now,
      handlingRound: 1,
      escalationLevel: 0,
      slaPolicyId: String(policy._id),
      slaPolicyVersion: policy.version,
      promisedReplyBy: openedAt,
      resolutionDueAt: null,
      firstRespondedAt: null,
      handlingPlan: null,
      resolution: null,
      followUpVisitedAt: null,
      satisfactionConfirmedAt: null,
      waitingForCustomerSince: null,
      closedAt: null,
      transfers: [],
      escalations: [],
      slaAlerts: [],
      history: [opened],
      surveyResponseId: opening.surveyResponseId,
      revision: 0,
      pendingEvents: [],
    };
    // A major matter goes to the general manager at once, in the same write as the ticket itself.
    const major = majorMatterStep(draft.severity, 0);
    const change = major ? escalationChange(draft, [major], await this.changeContext(draft, opening.actor.userId, now)) : null;
    const { after, entries } = change ? applyChange(draft, change) : { after: draft, entries: [] };
    const ticket = { ...after, ...(await this.dueTimes(after, now)) };
    const events = ticketEventsFor(ticket, [opened, ...entries], opening.actor);
    const created = await this.tickets.create({ ...ticket, pendingEvents: events, ...stored });
    return created.toObject();
  }

  /** Run one handling step for a caller: the state machine decides, one guarded write records it. */
  async handle(caller: Caller, id: string, command: TicketCommand): Promise<TicketRecord> {
    const ticket = await this.findVisible(caller, id);
    if (!ticket) throw new NotFoundError('Ticket', id);
    if (!(await this.access.canHandle(caller, ticket))) throw new ForbiddenError('You may read this ticket but not handle it');
    const now = this.clock.now();
    const change = planTicketChange(ticket, command, await this.changeContext(ticket, caller.userId, now));
    const saved = await this.commit(ticket, change, actorOf(caller), now);
    if (!saved) throw new ConflictError('The ticket was changed by someone else meanwhile; reload and try again');
    return saved;
  }

  /**
   * Apply a change as one single-document write: the new state, its history entries, recomputed due times
   * and the complaint and ticket lifecycle events derived from those entries. Null when the ticket changed since it was read.
   */
  async commit(ticket: TicketRecord, change: TicketChange, actor: EventActor, now: Date): Promise<TicketRecord | null> {
    const { after, entries } = applyChange(ticket, change);
    const due = await this.dueTimes(after, now);
    const events = ticketEventsFor({ ...after, ...due }, entries, actor);
    const push: Record<string, unknown> = {};
    if (entries.length > 0) push.history = { $each: entries };
    if (change.transfers.length > 0) push.transfers = { $each: change.transfers };
    if (change.escalations.length > 0) push.escalations = { $each: change.escalations };
    if (change.slaAlerts.length > 0) push.slaAlerts = { $each: change.slaAlerts };
    const update: UpdateQuery<TicketRecord> = { $set: { ...change.set, ...due }, ...(Object.keys(push).length > 0 ? { $push: push } : {}) };
    return updateVersioned(this.tickets, ticket, update, events).catch((error: unknown) => {
      if (error instanceof StaleRevisionError) return null;
      throw error;
    });
  }

  /** Where the ticket's SLA clocks stand at `now`, computed from its history under its policy version. */
  async clocks(ticket: Pick<TicketRecord, 'history' | 'severity' | 'customerImportance' | 'slaPolicyVersion'>, now: Date = this.clock.now()): Promise<TicketClocks> {
    const policy = await this.policies.byVersion(ticket.slaPolicyVersion);
    const rules = clockRules(policy, ticket.severity, ticket.customerImportance, await this.calendar.calendar());
    const { firstResponse, resolution } = computeSlaClocks(ticket.history, rules.targets, rules.measure, now);
    return { policy, businessHoursOnly: rules.businessHoursOnly, firstResponse, resolution };
  }

  /** The due times shown on the ticket, recomputed from its history (so a policy or holiday change shows). */
  async dueTimes(ticket: TicketRecord, now: Date): Promise<Pick<TicketRecord, 'promisedReplyBy' | 'resolutionDueAt' | 'firstRespondedAt'>> {
    const { firstResponse, resolution } = await this.clocks(ticket, now);
    return { promisedReplyBy: firstResponse.dueAt ?? ticket.promisedReplyBy, resolutionDueAt: resolution.dueAt, firstRespondedAt: firstResponse.stoppedAt };
  }

  /** Who is on call per escalation level at `now` (only on days off: the roster covers holidays). */
  async changeContext(ticket: Pick<TicketRecord, 'customerDepartmentId'>, actorId: string, now: Date): Promise<ChangeContext> {
    const [supervisor, manager, general] = await Promise.all([
      this.calendar.onCallAt(now, 'SUPERVISOR'),
      this.calendar.onCallAt(now, 'DEPARTMENT_MANAGER', ticket.customerDepartmentId),
      this.calendar.onCallAt(now, 'GENERAL_MANAGER'),
    ]);
    return { actorId, now, onCall: { 1: supervisor, 2: manager, 3: general } };
  }

  async findVisible(caller: Caller, id: string): Promise<TicketRecord | null> {
    if (!isValidObjectId(id)) return null;
    const ticket = await this.tickets.findById(id).lean<TicketRecord>();
    return ticket && (await this.access.canSee(caller, ticket)) ? ticket : null;
  }

  findByIds(ids: readonly string[]): Promise<TicketRecord[]> {
    return this.tickets.find({ _id: { $in: ids.filter((id) => isValidObjectId(id)) } }).lean<TicketRecord[]>().exec();
  }

  /** The caller's visible tickets for a batch of customers, newest first: one query per batch. */
  async visibleForCustomers(caller: Caller, customerIds: readonly string[]): Promise<TicketRecord[]> {
    return this.tickets
      .find({ $and: [{ customerId: { $in: customerIds } }, await this.access.filter(caller)] })
      .sort({ customerId: 1, openedAt: -1 })
      .lean<TicketRecord[]>()
      .exec();
  }

  async list(caller: Caller, filter: TicketFilter = {}, page: PageArgs): Promise<Page<TicketRecord>> {
    const criteria: Record<string, unknown>[] = [await this.access.filter(caller)];
    if (filter.status) {
      if (!(ticketStatuses as readonly string[]).includes(filter.status)) throw new BadUserInputError('filter.status', 'unknown status');
      criteria.push({ status: filter.status });
    }
    if (filter.type) criteria.push({ type: filter.type });
    if (filter.customerId) criteria.push({ customerId: filter.customerId });
    if (filter.assigneeId) criteria.push({ assigneeId: filter.assigneeId });
    if (filter.escalationLevelAtLeast !== null && filter.escalationLevelAtLeast !== undefined) criteria.push({ escalationLevel: { $gte: filter.escalationLevelAtLeast } });
    if (filter.slaBreached === true) criteria.push({ 'slaAlerts.kind': 'BREACHED' });
    if (filter.slaBreached === false) criteria.push({ 'slaAlerts.kind': { $ne: 'BREACHED' } });
    return paginateById<TicketRecord>(this.tickets, { $and: criteria }, page);
  }

  /** A customer handed over (or merged): its tickets follow it, so the new owner sees them. */
  async followCustomerScope(scope: CustomerScope): Promise<void> {
    const set = { customerOwnerId: scope.ownerId, customerDepartmentId: scope.departmentId, scopeAsOf: scope.asOf };
    if (scope.mergedFromId) await this.tickets.updateMany({ customerId: scope.mergedFromId }, { $set: { ...set, customerId: scope.customerId } });
    await this.tickets.updateMany({ customerId: scope.customerId, $or: [{ scopeAsOf: null }, { scopeAsOf: { $lte: scope.asOf } }] }, { $set: set });
  }

  /** The model, for the SLA watch and the reports (they read tickets in bulk). */
  get model(): Model<TicketRecord> {
    return this.tickets;
  }

  get systemActor(): EventActor {
    return SYSTEM_ACTOR;
  }
}
