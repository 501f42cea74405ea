import { isPartner } from '@crm/auth';
import { defineCustomerKeyedLoader, defineReadableRecordLoader, customerScopeToken } from '@crm/customer-scope';
import { interactionLoggedV1 } from '@crm/contracts';
import { groupByKeys } from '@crm/data';
import { mutationPayload, parseInput, pluginToken, requiredActorRef, requireCaller } from '@crm/kernel';
import { workingCalendarToken } from '@crm/working-calendar';
import { definePlugin } from '../define-plugin';
import type { Resolvers } from '../generated/graphql';
import { visitsToken } from '../visits/visits.plugin';
import { MAX_MINUTES_PAGE, minutesPageSize } from './minutes-input';
import { isOverdue, submittedLate } from './minutes-rules';
import { minutesModel, type MinutesRecord } from './minutes.model';
import { MinutesService } from './minutes.service';

/** The minutes service, for the watches and the boards. */
export const minutesToken = pluginToken<MinutesService>('engagement.minutes');

/** Meeting minutes of face-to-face interactions and reported visits (docs/domain/engagement.md, minutes). */
export const minutesPlugin = definePlugin({
  name: 'minutes',
  uses: [customerScopeToken, workingCalendarToken, visitsToken],
  provides: [minutesToken],
  sdl: ['minutes.graphql'],
  register({ connection, clock, use, provide }) {
    const scopes = use(customerScopeToken);
    const Minutes = minutesModel(connection);
    const minutes = new MinutesService(Minutes, clock, scopes, use(workingCalendarToken));
    provide(minutesToken, minutes);
    // A reported visit opens its minutes in the same request, once per visit.
    use(visitsToken).onReported((visit) => minutes.open({ source: { kind: 'VISIT', id: String(visit._id) }, customerId: visit.customerId, staffId: visit.staffId, meetingAt: visit.report!.visitedAt }));
    const scoped = { scopes, clock };
    const readableMinutesById = defineReadableRecordLoader<MinutesRecord>('readableMinutesById', scoped, minutes.records);
    const latestMinutesByCustomer = defineCustomerKeyedLoader<MinutesRecord[]>('latestMinutesByCustomer', scoped, [], async (customerIds) =>
      groupByKeys(customerIds, await minutes.newestForCustomers(customerIds, MAX_MINUTES_PAGE), (m) => m.customerId),
    );
    const resolvers: Resolvers = {
      Query: {
        minutes: (_, { id }, ctx) => (requireCaller(ctx), ctx.loaders.get(readableMinutesById).load(id)),
        overdueMinutes: (_, { staffId, first }, ctx) => {
          const caller = requireCaller(ctx);
          const limit = parseInput(minutesPageSize, first, 'first');
          return isPartner(caller) ? [] : minutes.overdue(caller, clock.now(), limit, staffId ?? null);
        },
      },
      Mutation: {
        saveMinutesDraft: (_, { input }, ctx) => mutationPayload('minutes', () => minutes.saveDraft(requireCaller(ctx), input)),
        submitMinutes: (_, { input }, ctx) => mutationPayload('minutes', () => minutes.submit(requireCaller(ctx), input)),
        approveMinutes: (_, { input }, ctx) => mutationPayload('minutes', () => minutes.approve(requireCaller(ctx), input)),
        sendBackMinutes: (_, { input }, ctx) => mutationPayload('minutes', () => minutes.sendBack(requireCaller(ctx), input)),
        recordMinutesConfirmation: (_, { input }, ctx) => mutationPayload('minutes', () => minutes.recordConfirmation(requireCaller(ctx), input)),
      },
      Minutes: {
        __resolveReference: (ref, ctx) => (requireCaller(ctx), ctx.loaders.get(readableMinutesById).load(String(ref.id))),
        id: (m) => String(m._id),
        customer: (m) => ({ id: m.customerId }),
        writtenBy: (m) => requiredActorRef(m.staffId),
        overdue: (m) => isOverdue(m, clock.now()),
        submittedLate: (m) => submittedLate(m),
      },
      MinutesReview: { reviewedBy: (r) => requiredActorRef(r.reviewedBy) },
      MinutesConfirmation: { recordedBy: (c) => requiredActorRef(c.recordedBy) },
      Customer: {
        minutes: async (customer, { first }, ctx) => {
          const caller = requireCaller(ctx);
          const limit = parseInput(minutesPageSize, first, 'first');
          if (isPartner(caller)) return [];
          return (await ctx.loaders.get(latestMinutesByCustomer).load(customer.id)).slice(0, limit);
        },
      },
    };
    return {
      resolvers,
      models: [Minutes],
      loaders: [readableMinutesById, latestMinutesByCustomer],
      // A face-to-face interaction opens minutes; the event arrives at least once, the opening happens once.
      eventHandlers: [
        {
          contract: interactionLoggedV1,
          durable: 'engagement-minutes-interaction-logged',
          handle: async (event) => {
            const { interactionId, customerId, channel, staffId, occurredAt } = event.data;
            if (channel === 'FACE_TO_FACE') await minutes.open({ source: { kind: 'INTERACTION', id: interactionId }, customerId, staffId, meetingAt: new Date(occurredAt) });
          },
        },
      ],
    };
  },
});
