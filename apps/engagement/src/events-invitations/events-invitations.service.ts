import type { Caller } from '@crm/auth';
import type { CustomerScopeDirectory } from '@crm/customer-scope';
import { customerIdSchema, invitationConfirmedV1, invitationConflictResolvedV1 } from '@crm/contracts';
import { createOnce, idempotencyKeyOf, isDuplicateKeyError } from '@crm/data';
import { createEvent, updateVersioned } from '@crm/events';
import { actorOf, BadUserInputError, ConflictError, ForbiddenError, NotFoundError, parseInput, idempotencyKeyInput, type Clock } from '@crm/kernel';
import { isValidCalendarDay, type WorkingCalendarCopy } from '@crm/working-calendar';
import { isValidObjectId, Types } from 'mongoose';
import { z } from 'zod';
import { orConflict } from '../common/record-access';
import { requiredText } from '../common/text-input';
import type { CustomerEventRecord, EventHoldRecord, EventsInvitationsModels, InvitationRecord } from './event.model';
import { confirmationCountsFor, eventKinds, eventTimesOfDay, listClosed, mayInvite, mayOrganiseEvents, mayResolveConflicts } from './invitation-rules';

const createEventInput = z.object({
  idempotencyKey: idempotencyKeyInput,
  kind: z.enum(eventKinds),
  title: requiredText(200),
  date: z.string().refine(isValidCalendarDay, 'must be a YYYY-MM-DD day'),
  timeOfDay: z.enum(eventTimesOfDay),
  capacity: z.number().int().min(1, 'must be at least 1').max(10_000),
});
const inviteInput = z.object({ eventId: z.string(), customerId: customerIdSchema, inviterId: z.string().min(1).max(64).nullish() });
const confirmInput = z.object({ id: z.string() });
const resolveInput = z.object({ invitationId: z.string(), reason: requiredText(2000) });

const holdId = (eventId: string, customerId: string) => `${eventId}:${customerId}`;

/** Customer events, invitations across departments, confirmations and the coordinator's resolutions. */
export class EventsInvitationsService {
  constructor(
    readonly models: EventsInvitationsModels,
    private readonly clock: Clock,
    private readonly scopes: CustomerScopeDirectory,
    private readonly calendar: WorkingCalendarCopy,
  ) {}

  private get timeZone(): string {
    return this.calendar.current().timeZone;
  }

  async createEvent(caller: Caller, rawInput: unknown): Promise<CustomerEventRecord> {
    if (!mayOrganiseEvents(caller)) throw new ForbiddenError('Only managers, marketing and the coordinator organise customer events');
    const input = parseInput(createEventInput, rawInput);
    const now = this.clock.now();
    if (input.date < this.calendar.current().calendarDay(now)) throw new BadUserInputError('input.date', 'must not be in the past');
    const { idempotencyKey, ...fields } = input;
    return createOnce(this.models.events, idempotencyKeyOf(caller.userId, idempotencyKey), async (stored) =>
      (await this.models.events.create({ _id: new Types.ObjectId(), ...fields, createdBy: caller.userId, createdAt: now, ...stored })).toObject(),
    );
  }

  async invite(caller: Caller, rawInput: unknown): Promise<InvitationRecord> {
    if (!mayInvite(caller)) throw new ForbiddenError("Invitations are a department's: only staff of a department invite");
    const input = parseInput(inviteInput, rawInput);
    const now = this.clock.now();
    const event = await this.findEvent(input.eventId, 'input.eventId');
    if (!(await this.scopes.canSee(caller, input.customerId, now))) throw new BadUserInputError('input.customerId', 'no such customer');
    if (listClosed(now, event, this.timeZone)) throw new ConflictError(`The invitation list of "${event.title}" has closed`);
    const hold = await this.models.holds.findById(holdId(input.eventId, input.customerId)).lean<EventHoldRecord>();
    if (hold && hold.departmentId !== caller.departmentId) throw this.heldElsewhere(hold);
    const inviterId = input.inviterId ?? caller.userId;
    if (inviterId !== caller.userId && !caller.roles.includes('department_manager')) throw new ForbiddenError('Only a department manager invites in the name of a colleague');
    try {
      return (await this.models.invitations.create({ _id: new Types.ObjectId(), eventId: input.eventId, customerId: input.customerId, departmentId: caller.departmentId!, inviterId, invitedBy: caller.userId, invitedAt: now })).toObject();
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new ConflictError('Your department has already invited this customer to the event', { departmentId: caller.departmentId });
      throw error;
    }
  }

  async confirm(caller: Caller, rawInput: unknown): Promise<InvitationRecord> {
    const input = parseInput(confirmInput, rawInput);
    const now = this.clock.now();
    const invitation = await this.findVisibleInvitation(caller, input.id);
    if (invitation.departmentId !== caller.departmentId && !caller.roles.includes('coordinator')) throw new ForbiddenError("Only the inviting department's staff confirm its invitation");
    const event = await this.findEvent(invitation.eventId, 'input.id');
    if (listClosed(now, event, this.timeZone)) throw new ConflictError(`The invitation list of "${event.title}" has closed`);
    const held = await this.models.holds.findById(holdId(invitation.eventId, invitation.customerId)).lean<EventHoldRecord>();
    if (held) {
      if (held.invitationId === String(invitation._id)) return invitation;
      throw this.heldElsewhere(held);
    }
    if ((await this.models.holds.countDocuments({ eventId: invitation.eventId })) >= event.capacity) throw new ConflictError(`"${event.title}" is full (${event.capacity} confirmed)`);
    const countsForDay = confirmationCountsFor(now, this.timeZone);
    const id = holdId(invitation.eventId, invitation.customerId);
    const confirmed = createEvent(invitationConfirmedV1, {
      subject: String(invitation._id),
      actor: actorOf(caller),
      time: now,
      data: { invitationId: String(invitation._id), eventId: invitation.eventId, customerId: invitation.customerId, departmentId: invitation.departmentId, inviterId: invitation.inviterId, countsForDay, confirmedAt: now.toISOString() },
    });
    try {
      await this.models.holds.create({ _id: id, eventId: invitation.eventId, customerId: invitation.customerId, invitationId: String(invitation._id), departmentId: invitation.departmentId, inviterId: invitation.inviterId, confirmedAt: now, countsForDay, confirmedBy: caller.userId, resolution: null, revision: 0, pendingEvents: [confirmed] });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      // Another department confirmed the same customer a moment earlier: theirs stands.
      const winner = await this.models.holds.findById(id).lean<EventHoldRecord>();
      if (winner && winner.invitationId === String(invitation._id)) return invitation;
      throw winner ? this.heldElsewhere(winner) : error;
    }
    return invitation;
  }

  /** The coordinator decides which invitation keeps the customer at the event, and why. */
  async resolveConflict(caller: Caller, rawInput: unknown): Promise<InvitationRecord> {
    if (!mayResolveConflicts(caller)) throw new ForbiddenError('Only the coordinator resolves invitation conflicts');
    const input = parseInput(resolveInput, rawInput);
    const now = this.clock.now();
    const kept = await this.findVisibleInvitation(caller, input.invitationId, 'input.invitationId');
    const id = holdId(kept.eventId, kept.customerId);
    const current = await this.models.holds.findById(id).lean<EventHoldRecord>();
    const resolution = { resolvedBy: caller.userId, resolvedAt: now, reason: input.reason, previousInvitationId: current?.invitationId ?? null, previousDepartmentId: current?.departmentId ?? null };
    const resolved = createEvent(invitationConflictResolvedV1, {
      subject: String(kept._id),
      actor: actorOf(caller),
      time: now,
      data: { eventId: kept.eventId, customerId: kept.customerId, keptInvitationId: String(kept._id), departmentId: kept.departmentId, inviterId: kept.inviterId, previousInvitationId: resolution.previousInvitationId, previousDepartmentId: resolution.previousDepartmentId, reason: input.reason, resolvedBy: caller.userId },
    });
    const holding = { invitationId: String(kept._id), departmentId: kept.departmentId, inviterId: kept.inviterId, resolution };
    if (current) await orConflict(updateVersioned(this.models.holds, current, { $set: holding }, [resolved]), 'The invitation list');
    else await this.models.holds.create({ _id: id, eventId: kept.eventId, customerId: kept.customerId, ...holding, confirmedAt: now, countsForDay: confirmationCountsFor(now, this.timeZone), confirmedBy: caller.userId, revision: 0, pendingEvents: [resolved] });
    return kept;
  }

  private heldElsewhere(hold: EventHoldRecord): ConflictError {
    return new ConflictError(`The customer is already confirmed for this event by department ${hold.departmentId}; the coordinator resolves conflicts`, { holdingDepartmentId: hold.departmentId });
  }

  private async findEvent(id: string, field: string): Promise<CustomerEventRecord> {
    if (!isValidObjectId(id) || !/^[0-9a-f]{24}$/i.test(id)) throw new BadUserInputError(field, 'is not a valid id');
    const event = await this.models.events.findById(id).lean<CustomerEventRecord>();
    if (!event) throw new NotFoundError('CustomerEvent', id);
    return event;
  }

  private async findVisibleInvitation(caller: Caller, id: string, field = 'input.id'): Promise<InvitationRecord> {
    if (!/^[0-9a-f]{24}$/i.test(id)) throw new BadUserInputError(field, 'is not a valid id');
    const invitation = await this.models.invitations.findById(id).lean<InvitationRecord>();
    if (!invitation || !(await this.scopes.canSee(caller, invitation.customerId, this.clock.now()))) throw new NotFoundError('Invitation', id);
    return invitation;
  }

  findEventsByIds(ids: readonly string[]): Promise<CustomerEventRecord[]> {
    return this.models.events.find({ _id: { $in: ids.filter((id) => /^[0-9a-f]{24}$/i.test(id)) } }).lean<CustomerEventRecord[]>().exec();
  }

  /** The invitations of a batch of events: one query. */
  invitationsOfEvents(eventIds: readonly string[]): Promise<InvitationRecord[]> {
    return this.models.invitations.find({ eventId: { $in: [...eventIds] } }).sort({ invitedAt: 1, _id: 1 }).lean<InvitationRecord[]>().exec();
  }

  /** The holds of a batch of events: one query. */
  holdsOfEvents(eventIds: readonly string[]): Promise<EventHoldRecord[]> {
    return this.models.holds.find({ eventId: { $in: [...eventIds] } }).lean<EventHoldRecord[]>().exec();
  }

  upcoming(now: Date, limit: number): Promise<CustomerEventRecord[]> {
    return this.models.events.find({ date: { $gte: this.calendar.current().calendarDay(now) } }).sort({ date: 1, _id: 1 }).limit(limit).lean<CustomerEventRecord[]>().exec();
  }

  listClosed(event: CustomerEventRecord): boolean {
    return listClosed(this.clock.now(), event, this.timeZone);
  }
}
