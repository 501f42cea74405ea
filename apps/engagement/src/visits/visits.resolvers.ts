import { hasRole, isPartner } from '@crm/auth';
import type { CustomerScopeDirectory } from '@crm/customer-scope';
import { mutationPayload, parseInput, requiredActorRef, requireCaller, type Clock } from '@crm/kernel';
import type { Resolvers } from '../generated/graphql';
import { visitsPageSize } from './visit-input';
import type { VisitsLoaders } from './visits.loaders';
import type { VisitsService } from './visits.service';

export function visitsResolvers(visits: VisitsService, loaders: VisitsLoaders, scopes: CustomerScopeDirectory, clock: Clock): Resolvers {
  return {
    Query: {
      visit: (_, { id }, ctx) => (requireCaller(ctx), ctx.loaders.get(loaders.readableVisitById).load(id)),
      visitPlansAwaitingDecision: async (_, { first }, ctx) => {
        const caller = requireCaller(ctx);
        const limit = parseInput(visitsPageSize, first, 'first');
        if (isPartner(caller) || !hasRole(caller, 'department_manager', 'general_manager')) return [];
        const waiting = await visits.waitingFor(caller, limit);
        const visible = await scopes.visibleCustomerIds(caller, waiting.map((v) => v.customerId), clock.now());
        return waiting.filter((v) => visible.has(v.customerId));
      },
    },
    Mutation: {
      planVisit: (_, { input }, ctx) => mutationPayload('visit', () => visits.plan(requireCaller(ctx), input)),
      approveVisit: (_, { input }, ctx) => mutationPayload('visit', () => visits.approve(requireCaller(ctx), input)),
      rejectVisit: (_, { input }, ctx) => mutationPayload('visit', () => visits.reject(requireCaller(ctx), input)),
      reportVisit: (_, { input }, ctx) => mutationPayload('visit', () => visits.report(requireCaller(ctx), input)),
    },
    Visit: {
      __resolveReference: (ref, ctx) => (requireCaller(ctx), ctx.loaders.get(loaders.readableVisitById).load(String(ref.id))),
      id: (v) => String(v._id),
      customer: (v) => ({ id: v.customerId }),
      visitedBy: (v) => requiredActorRef(v.staffId),
      plannedBy: (v) => requiredActorRef(v.plannedBy),
      accompanyingStaff: (v) => (v.accompanyingStaffIds ?? []).map(requiredActorRef),
    },
    VisitDecision: {
      decidedBy: (d) => requiredActorRef(d.decidedBy),
    },
    VisitReport: {
      reportedBy: (r) => requiredActorRef(r.reportedBy),
    },
    Customer: {
      visits: async (customer, { first }, ctx) => {
        const caller = requireCaller(ctx);
        const limit = parseInput(visitsPageSize, first, 'first');
        if (isPartner(caller)) return [];
        return (await ctx.loaders.get(loaders.latestVisitsByCustomer).load(customer.id)).slice(0, limit);
      },
    },
  };
}
