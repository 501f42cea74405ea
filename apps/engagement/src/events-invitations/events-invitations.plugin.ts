import { isPartner } from '@crm/auth';
import { customerScopeToken } from '@crm/customer-scope';
import { groupByKeys, orderByKeys } from '@crm/data';
import { defineLoader, loadExisting, mutationPayload, NotFoundError, parseInput, requiredActorRef, requireCaller, type RequestContext } from '@crm/kernel';
import { workingCalendarToken } from '@crm/working-calendar';
import { definePlugin } from '../define-plugin';
import type { Resolvers } from '../generated/graphql';
import { pageSize } from '../common/text-input';
import { eventsInvitationsModels, type CustomerEventRecord, type EventHoldRecord, type InvitationRecord } from './event.model';
import { EventsInvitationsService } from './events-invitations.service';
import { listClosesAt } from './invitation-rules';

/** A customer invited by more than one department, as InvitationConflict resolves it. */
export interface InvitationConflictShape {
  customerId: string;
  invitations: InvitationRecord[];
  hold: EventHoldRecord | null;
}

const eventsPageSize = pageSize(100);

/** Customer events and invitations across departments (docs/domain/engagement.md, events). */
export const eventsInvitationsPlugin = definePlugin({
  name: 'events-invitations',
  uses: [customerScopeToken, workingCalendarToken],
  sdl: ['events-invitations.graphql'],
  register({ connection, clock, use }) {
    const scopes = use(customerScopeToken);
    const calendar = use(workingCalendarToken);
    const models = eventsInvitationsModels(connection);
    const service = new EventsInvitationsService(models, clock, scopes, calendar);
    const eventById = defineLoader<string, CustomerEventRecord | null>('customerEventById', async (ids) => orderByKeys(ids, await service.findEventsByIds(ids), (e) => String(e._id)));
    // The invitations of the caller's readable customers, per event: one query for the events, one for the scope.
    const invitationsByEvent = defineLoader<string, InvitationRecord[]>('invitationsByEvent', async (eventIds, { caller }) => {
      if (!caller || isPartner(caller)) return eventIds.map(() => []);
      const all = await service.invitationsOfEvents(eventIds);
      const visible = await scopes.visibleCustomerIds(caller, all.map((i) => i.customerId), clock.now());
      return groupByKeys(eventIds, all.filter((i) => visible.has(i.customerId)), (i) => i.eventId);
    });
    const holdsByEvent = defineLoader<string, EventHoldRecord[]>('eventHoldsByEvent', async (eventIds) => groupByKeys(eventIds, await service.holdsOfEvents(eventIds), (h) => h.eventId));
    const holdOf = async (invitation: InvitationRecord, ctx: RequestContext) => (await ctx.loaders.get(holdsByEvent).load(invitation.eventId)).find((h) => h.customerId === invitation.customerId) ?? null;
    const holdingThis = async (invitation: InvitationRecord, ctx: RequestContext) => {
      const hold = await holdOf(invitation, ctx);
      return hold && hold.invitationId === String(invitation._id) ? hold : null;
    };
    const readEvent = async (id: string, ctx: RequestContext) => {
      const caller = requireCaller(ctx);
      if (isPartner(caller)) throw new NotFoundError('CustomerEvent', id);
      return loadExisting(ctx.loaders.get(eventById), id, 'CustomerEvent');
    };
    const resolvers: Resolvers = {
      Query: {
        customerEvent: (_, { id }, ctx) => readEvent(id, ctx),
        upcomingCustomerEvents: (_, { first }, ctx) => {
          const caller = requireCaller(ctx);
          const limit = parseInput(eventsPageSize, first, 'first');
          return isPartner(caller) ? [] : service.upcoming(clock.now(), limit);
        },
      },
      Mutation: {
        createCustomerEvent: (_, { input }, ctx) => mutationPayload('customerEvent', () => service.createEvent(requireCaller(ctx), input)),
        inviteCustomerToEvent: (_, { input }, ctx) => mutationPayload('invitation', () => service.invite(requireCaller(ctx), input)),
        confirmInvitation: (_, { input }, ctx) => mutationPayload('invitation', () => service.confirm(requireCaller(ctx), input)),
        resolveInvitationConflict: (_, { input }, ctx) => mutationPayload('invitation', () => service.resolveConflict(requireCaller(ctx), input)),
      },
      CustomerEvent: {
        __resolveReference: (ref, ctx) => readEvent(String(ref.id), ctx),
        id: (e) => String(e._id),
        confirmedCount: async (e, _, ctx) => (await ctx.loaders.get(holdsByEvent).load(String(e._id))).length,
        listClosesAt: (e) => listClosesAt(e.date, e.timeOfDay, calendar.current().timeZone),
        listClosed: (e) => service.listClosed(e),
        invitations: (e, _, ctx) => ctx.loaders.get(invitationsByEvent).load(String(e._id)),
        conflicts: async (e, _, ctx) => {
          const [invitations, holds] = await Promise.all([ctx.loaders.get(invitationsByEvent).load(String(e._id)), ctx.loaders.get(holdsByEvent).load(String(e._id))]);
          const byCustomer = new Map<string, InvitationRecord[]>();
          for (const invitation of invitations) byCustomer.set(invitation.customerId, [...(byCustomer.get(invitation.customerId) ?? []), invitation]);
          return [...byCustomer.entries()]
            .filter(([, list]) => new Set(list.map((i) => i.departmentId)).size > 1)
            .map(([customerId, list]) => ({ customerId, invitations: list, hold: holds.find((h) => h.customerId === customerId) ?? null }));
        },
        createdBy: (e) => requiredActorRef(e.createdBy),
      },
      Invitation: {
        __resolveReference: async (ref, ctx) => {
          const caller = requireCaller(ctx);
          const id = String(ref.id);
          const [invitation] = /^[0-9a-f]{24}$/i.test(id) ? await models.invitations.find({ _id: id }).lean<InvitationRecord[]>() : [];
          if (!invitation || !(await scopes.canSee(caller, invitation.customerId, clock.now()))) throw new NotFoundError('Invitation', id);
          return invitation;
        },
        id: (i) => String(i._id),
        event: (i, _, ctx) => loadExisting(ctx.loaders.get(eventById), i.eventId, 'CustomerEvent'),
        customer: (i) => ({ id: i.customerId }),
        invitedBy: (i) => requiredActorRef(i.inviterId),
        status: async (i, _, ctx) => {
          const hold = await holdOf(i, ctx);
          return !hold ? 'INVITED' : hold.invitationId === String(i._id) ? 'CONFIRMED' : 'SUPERSEDED';
        },
        confirmedAt: async (i, _, ctx) => (await holdingThis(i, ctx))?.confirmedAt ?? null,
        confirmationCountsFor: async (i, _, ctx) => (await holdingThis(i, ctx))?.countsForDay ?? null,
        resolution: async (i, _, ctx) => (await holdingThis(i, ctx))?.resolution ?? null,
      },
      InvitationConflictResolution: { resolvedBy: (r) => requiredActorRef(r.resolvedBy) },
      InvitationConflict: {
        customer: (c) => ({ id: c.customerId }),
        holdingDepartmentId: (c) => c.hold?.departmentId ?? null,
        resolved: (c) => c.hold?.resolution != null,
      },
    };
    return { resolvers, models: [models.events, models.invitations, models.holds], loaders: [eventById, invitationsByEvent, holdsByEvent] };
  },
});
