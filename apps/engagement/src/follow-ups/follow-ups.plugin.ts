import { isPartner } from '@crm/auth';
import { customerScopeToken, defineCustomerKeyedLoader, defineReadableRecordLoader } from '@crm/customer-scope';
import { customerCreatedV1, customerUpdatedV1 } from '@crm/contracts';
import { groupByKeys } from '@crm/data';
import { mutationPayload, parseInput, pluginToken, requiredActorRef, requireCaller } from '@crm/kernel';
import { workingCalendarToken } from '@crm/working-calendar';
import { z } from 'zod';
import { definePlugin } from '../define-plugin';
import type { Resolvers } from '../generated/graphql';
import { interactionsToken } from '../interactions/interactions.plugin';
import { visitsToken } from '../visits/visits.plugin';
import { followUpsPageSize, MAX_FOLLOW_UPS_PAGE } from './follow-up-input';
import { isOverdue } from './follow-up-rules';
import { followUpModels, type FollowUpRecord } from './follow-up.model';
import { FollowUpsService } from './follow-ups.service';

/** The follow-ups service, for the boards (openWork). */
export const followUpsToken = pluginToken<FollowUpsService>('engagement.follow-ups');

const days = (fallback: number, what: string) => z.coerce.number().int().min(1).max(365).default(fallback).describe(what);

/** Follow-up plans per purchase stage with their cadence (docs/domain/engagement.md, follow-ups). */
export const followUpsPlugin = definePlugin({
  name: 'follow-ups',
  uses: [customerScopeToken, workingCalendarToken, interactionsToken, visitsToken],
  provides: [followUpsToken],
  sdl: ['follow-ups.graphql'],
  config: z.object({
    FOLLOW_UP_PROSPECT_CADENCE_DAYS: days(14, 'Days between follow-up contacts with a prospect, until it converts.'),
    FOLLOW_UP_USAGE_CHECK_DAYS: days(7, 'Days after a conversion of the usage-check follow-up.'),
    FOLLOW_UP_AFTER_SALES_DAYS: days(30, 'Days after a conversion of the after-sales follow-up.'),
    FOLLOW_UP_REPEAT_PURCHASE_DAYS: days(90, 'Days after a conversion of the first repeat-purchase follow-up, and between the next ones.'),
    FOLLOW_UP_EARLY_DAYS: z.coerce.number().int().min(0).max(60).default(7).describe('How many days before its due day an interaction or visit with the customer still completes a follow-up.'),
    FOLLOW_UP_WATCH_INTERVAL_MS: z.coerce.number().int().positive().default(60_000).describe('How often overdue follow-ups are looked for (each raised once).'),
  }),
  register({ connection, clock, config, use, provide }) {
    const scopes = use(customerScopeToken);
    const { followUps: FollowUp, customers } = followUpModels(connection);
    const cadence = { prospectDays: config.FOLLOW_UP_PROSPECT_CADENCE_DAYS, usageCheckDays: config.FOLLOW_UP_USAGE_CHECK_DAYS, afterSalesDays: config.FOLLOW_UP_AFTER_SALES_DAYS, repeatPurchaseDays: config.FOLLOW_UP_REPEAT_PURCHASE_DAYS, earlyDays: config.FOLLOW_UP_EARLY_DAYS };
    const followUps = new FollowUpsService(FollowUp, customers, scopes, use(workingCalendarToken), clock, cadence);
    provide(followUpsToken, followUps);

    // A contact with the customer completes its follow-up in the same request, after the contact's own write.
    use(interactionsToken).onLogged((interaction, caller) => followUps.completeByContact({ customerId: interaction.customerId, at: interaction.occurredAt, by: 'INTERACTION', recordId: String(interaction._id), completedBy: caller.userId }, caller));
    use(visitsToken).onReported((visit, caller) => followUps.completeByContact({ customerId: visit.customerId, at: visit.report!.visitedAt, by: 'VISIT', recordId: String(visit._id), completedBy: caller.userId }, caller));

    const scoped = { scopes, clock };
    const readableFollowUpById = defineReadableRecordLoader<FollowUpRecord>('readableFollowUpById', scoped, followUps.records);
    const followUpsByCustomer = defineCustomerKeyedLoader<FollowUpRecord[]>('followUpsByCustomer', scoped, [], async (customerIds) =>
      groupByKeys(customerIds, await followUps.forCustomers(customerIds, MAX_FOLLOW_UPS_PAGE), (f) => f.customerId),
    );
    const resolvers: Resolvers = {
      Query: {
        followUp: (_, { id }, ctx) => (requireCaller(ctx), ctx.loaders.get(readableFollowUpById).load(id)),
        followUpsDue: (_, { staffId, from, to, first }, ctx) => followUps.due(requireCaller(ctx), staffId ?? null, new Date(from), new Date(to), parseInput(followUpsPageSize, first, 'first')),
        overdueFollowUps: (_, { staffId, first }, ctx) => followUps.overdue(requireCaller(ctx), staffId ?? null, parseInput(followUpsPageSize, first, 'first')),
      },
      Mutation: {
        planFollowUp: (_, { input }, ctx) => mutationPayload('followUp', () => followUps.plan(requireCaller(ctx), input)),
        completeFollowUp: (_, { input }, ctx) => mutationPayload('followUp', () => followUps.complete(requireCaller(ctx), input)),
      },
      FollowUp: {
        __resolveReference: (ref, ctx) => (requireCaller(ctx), ctx.loaders.get(readableFollowUpById).load(String(ref.id))),
        id: (f) => String(f._id),
        customer: (f) => ({ id: f.customerId }),
        overdue: (f) => isOverdue(f, clock.now()),
        origin: (f) => f.originKind,
        previous: (f, _, ctx) => (f.previousId ? ctx.loaders.get(readableFollowUpById).load(f.previousId) : null),
        next: (f, _, ctx) => (f.nextId ? ctx.loaders.get(readableFollowUpById).load(f.nextId) : null),
        assignee: (f) => requiredActorRef(f.staffId),
        plannedBy: (f) => requiredActorRef(f.plannedBy),
      },
      FollowUpCompletion: {
        completedBy: (c) => requiredActorRef(c.completedBy),
      },
      Customer: {
        followUps: async (customer, { status, first }, ctx) => {
          const caller = requireCaller(ctx);
          const limit = parseInput(followUpsPageSize, first, 'first');
          if (isPartner(caller)) return [];
          const all = await ctx.loaders.get(followUpsByCustomer).load(customer.id);
          return all.filter((f) => !status || f.status === status).slice(0, limit);
        },
      },
    };
    return {
      resolvers,
      models: [FollowUp, customers],
      loaders: [readableFollowUpById, followUpsByCustomer],
      eventHandlers: [
        { contract: customerCreatedV1, durable: 'engagement-follow-ups-customer-created', handle: (event) => followUps.fromCustomer(event) },
        { contract: customerUpdatedV1, durable: 'engagement-follow-ups-customer-updated', handle: (event) => followUps.fromCustomer(event) },
      ],
      jobs: [{ name: 'engagement-follow-ups-overdue', intervalMs: config.FOLLOW_UP_WATCH_INTERVAL_MS, run: async () => void (await followUps.raiseOverdue()) }],
    };
  },
});
