import { isPartner } from '@crm/auth';
import { customerScopeToken, defineCustomerKeyedLoader, defineReadableRecordLoader } from '@crm/customer-scope';
import { orderDeliveredV1 } from '@crm/contracts';
import { groupByKeys } from '@crm/data';
import { parseInput, pluginToken, requiredActorRef, requireCaller } from '@crm/kernel';
import { workingCalendarToken } from '@crm/working-calendar';
import { z } from 'zod';
import { definePlugin } from '../define-plugin';
import type { Resolvers } from '../generated/graphql';
import { interactionsToken } from '../interactions/interactions.plugin';
import { pageSize } from '../common/text-input';
import { visitsToken } from '../visits/visits.plugin';
import { returnVisitModels, type ReturnVisitRecord } from './return-visit.model';
import { ReturnVisitsService } from './return-visits.service';

export const returnVisitsToken = pluginToken<ReturnVisitsService>('engagement.return-visits');

const returnVisitsPageSize = pageSize(100);

/** Return visits after credit's deliveries (docs/domain/engagement.md, return visits). */
export const returnVisitsPlugin = definePlugin({
  name: 'return-visits',
  uses: [customerScopeToken, workingCalendarToken, visitsToken, interactionsToken],
  provides: [returnVisitsToken],
  sdl: ['return-visits.graphql'],
  config: z.object({
    RETURN_VISIT_YEARS: z.coerce.number().int().min(1).max(10).default(3).describe('How many years after a delivery return visits are planned (monthly in the first, quarterly after).'),
    RETURN_VISIT_HORIZON_MONTHS: z.coerce.number().int().min(1).max(24).default(6).describe('How far ahead return visits are generated (the rolling horizon), in months.'),
    RETURN_VISIT_GRACE_DAYS: z.coerce.number().int().min(0).max(60).default(7).describe('Days after its due day before an undone return visit is raised as missed.'),
  }),
  register({ connection, clock, config, use, provide }) {
    const scopes = use(customerScopeToken);
    const { schedules, visits: ReturnVisit } = returnVisitModels(connection);
    const policy = { years: config.RETURN_VISIT_YEARS, horizonMonths: config.RETURN_VISIT_HORIZON_MONTHS, graceDays: config.RETURN_VISIT_GRACE_DAYS };
    const returnVisits = new ReturnVisitsService(schedules, ReturnVisit, clock, scopes, use(workingCalendarToken), policy);
    provide(returnVisitsToken, returnVisits);

    // A visit report or an interaction names the return visit it records: checked before it is written, completed after.
    const visits = use(visitsToken);
    visits.checkReport((caller, visit, input) => (input.returnVisitId ? returnVisits.completionProblems(caller, input.returnVisitId, visit.customerId, 'input.returnVisitId') : Promise.resolve([])));
    visits.onReported((visit, caller) => (visit.report?.returnVisitId ? returnVisits.complete(visit.report.returnVisitId, { kind: 'VISIT', id: String(visit._id), completedBy: caller.userId }) : Promise.resolve()));
    const interactions = use(interactionsToken);
    interactions.checkLog((caller, input) => (input.returnVisitId ? returnVisits.completionProblems(caller, input.returnVisitId, input.customerId, 'input.returnVisitId') : Promise.resolve([])));
    interactions.onLogged((interaction, caller) => (interaction.returnVisitId ? returnVisits.complete(interaction.returnVisitId, { kind: 'INTERACTION', id: String(interaction._id), completedBy: caller.userId }) : Promise.resolve()));

    const scoped = { scopes, clock };
    const readableReturnVisitById = defineReadableRecordLoader<ReturnVisitRecord>('readableReturnVisitById', scoped, returnVisits.records);
    const returnVisitsByCustomer = defineCustomerKeyedLoader<ReturnVisitRecord[]>('returnVisitsByCustomer', scoped, [], async (customerIds) =>
      groupByKeys(customerIds, await returnVisits.forCustomers(customerIds), (v) => v.customerId),
    );
    const resolvers: Resolvers = {
      Query: {
        returnVisit: (_, { id }, ctx) => (requireCaller(ctx), ctx.loaders.get(readableReturnVisitById).load(id)),
        missedReturnVisits: (_, { staffId, first }, ctx) => {
          const caller = requireCaller(ctx);
          const limit = parseInput(returnVisitsPageSize, first, 'first');
          return isPartner(caller) ? [] : returnVisits.missed(caller, clock.now(), limit, staffId ?? null);
        },
      },
      ReturnVisit: {
        __resolveReference: (ref, ctx) => (requireCaller(ctx), ctx.loaders.get(readableReturnVisitById).load(String(ref.id))),
        id: (v) => String(v._id),
        customer: (v) => ({ id: v.customerId }),
        missedAfter: (v) => returnVisits.missedAfter(v),
        assignee: (v) => ({ id: v.staffId }),
      },
      ReturnVisitCompletion: {
        recordId: (c) => c.id,
        completedBy: (c) => requiredActorRef(c.completedBy),
      },
      Customer: {
        returnVisits: async (customer, { first }, ctx) => {
          const caller = requireCaller(ctx);
          const limit = parseInput(returnVisitsPageSize, first, 'first');
          if (isPartner(caller)) return [];
          return (await ctx.loaders.get(returnVisitsByCustomer).load(customer.id)).slice(0, limit);
        },
      },
    };
    return {
      resolvers,
      models: [schedules, ReturnVisit],
      loaders: [readableReturnVisitById, returnVisitsByCustomer],
      eventHandlers: [{ contract: orderDeliveredV1, durable: 'engagement-return-visits-order-delivered', handle: async (event) => void (await returnVisits.fromDelivery(event)) }],
    };
  },
});
