import { isPartner } from '@crm/auth';
import { customerScopeToken, defineCustomerKeyedLoader, type CustomerScopeRecord } from '@crm/customer-scope';
import { groupByKeys, orderByKeys } from '@crm/data';
import { mutationPayload, pluginToken, requiredActorRef, requireCaller } from '@crm/kernel';
import { careToken } from '../care/care.plugin';
import type { CareCustomerRecord } from '../care/care.model';
import { definePlugin } from '../define-plugin';
import type { Resolvers } from '../generated/graphql';
import { interactionsToken } from '../interactions/interactions.plugin';
import type { InteractionRecord } from '../interactions/interaction.model';
import { visitsToken } from '../visits/visits.plugin';
import type { VisitRecord } from '../visits/visit.model';
import type { RelationshipEvaluationRecord } from './relationship-evaluation.model';
import { relationshipEvaluationModels } from './relationship-evaluation.model';
import { RelationshipEvaluationService } from './relationship-evaluation.service';

export const relationshipEvaluationToken = pluginToken<RelationshipEvaluationService>('engagement.relationship-evaluation');

/** A relationship card as RelationshipCard resolves it: its fields load through per-request, customer-keyed loaders. */
export interface RelationshipCardShape {
  customerId: string;
}

/** How many recent interactions and visits a relationship card shows. */
const RECENT_CONTACTS = 5;

/** The relationship evaluation and the key customer's relationship card (docs/domain/engagement.md). */
export const relationshipEvaluationPlugin = definePlugin({
  name: 'relationship-evaluation',
  uses: [customerScopeToken, careToken, interactionsToken, visitsToken],
  provides: [relationshipEvaluationToken],
  sdl: ['relationship-evaluation.graphql'],
  register({ connection, clock, use, provide }) {
    const scopes = use(customerScopeToken);
    const care = use(careToken);
    const interactions = use(interactionsToken);
    const visits = use(visitsToken);
    const models = relationshipEvaluationModels(connection);
    const evaluations = new RelationshipEvaluationService(models, clock, scopes);
    provide(relationshipEvaluationToken, evaluations);

    // Each loader is one query for a batch of customers (a list of 50 customers' cards costs one query per collection).
    const scoped = { scopes, clock };
    const latestEvaluationByCustomer = defineCustomerKeyedLoader<RelationshipEvaluationRecord | null>('latestRelationshipEvaluationByCustomer', scoped, null, async (customerIds) =>
      orderByKeys(customerIds, await evaluations.latestFor(customerIds), (e) => e.customerId),
    );
    const careCustomerByCustomer = defineCustomerKeyedLoader<CareCustomerRecord | null>('relationshipCardCustomer', scoped, null, async (customerIds) => {
      const known = await care.customersByIds(customerIds);
      return customerIds.map((id) => known.get(id) ?? null);
    });
    const assignedStaffByCustomer = defineCustomerKeyedLoader<string[]>('relationshipCardAssignedStaff', scoped, [], async (customerIds) => {
      const rows = await scopes.scopes.find({ _id: { $in: customerIds } }, { ownerId: 1, assignedStaffIds: 1 }).lean<Pick<CustomerScopeRecord, '_id' | 'ownerId' | 'assignedStaffIds'>[]>();
      const byId = new Map(rows.map((row) => [row._id, [...new Set([row.ownerId, ...(row.assignedStaffIds ?? [])])]]));
      return customerIds.map((id) => byId.get(id) ?? []);
    });
    const recentInteractionsByCustomer = defineCustomerKeyedLoader<InteractionRecord[]>('relationshipCardInteractions', scoped, [], async (customerIds) =>
      groupByKeys(customerIds, await interactions.newestForCustomers(customerIds, RECENT_CONTACTS), (i) => i.customerId),
    );
    const recentVisitsByCustomer = defineCustomerKeyedLoader<VisitRecord[]>('relationshipCardVisits', scoped, [], async (customerIds) =>
      groupByKeys(customerIds, await visits.newestForCustomers(customerIds, RECENT_CONTACTS), (v) => v.customerId),
    );

    const resolvers: Resolvers = {
      Query: {
        relationshipEvaluationTemplate: (_, { version }, ctx) => evaluations.template(requireCaller(ctx), version ?? null),
        relationshipEvaluationTemplates: (_, __, ctx) => evaluations.templates(requireCaller(ctx)),
      },
      Mutation: {
        draftRelationshipEvaluationTemplate: (_, { input }, ctx) => {
          const caller = requireCaller(ctx);
          return mutationPayload('template', () => evaluations.draft(caller, input));
        },
        publishRelationshipEvaluationTemplate: (_, { input }, ctx) => {
          const caller = requireCaller(ctx);
          return mutationPayload('template', () => evaluations.publish(caller, input));
        },
        evaluateRelationship: (_, { input }, ctx) => mutationPayload('evaluation', () => evaluations.evaluate(requireCaller(ctx), input)),
      },
      RelationshipEvaluationTemplate: {
        id: (t) => `relationship-template:${t.version}`,
        createdBy: (t) => requiredActorRef(t.createdBy),
      },
      RelationshipEvaluation: {
        __resolveReference: async (ref, ctx) => {
          const caller = requireCaller(ctx);
          const evaluation = await models.evaluations.findById(String(ref.id)).lean<RelationshipEvaluationRecord>().catch(() => null);
          return evaluation && !isPartner(caller) && (await scopes.canSee(caller, evaluation.customerId, clock.now())) ? evaluation : null;
        },
        id: (e) => String(e._id),
        customer: (e) => ({ id: e.customerId }),
        total: (e) => e.totalHundredths / 100,
        evaluatedBy: (e) => requiredActorRef(e.evaluatedBy),
      },
      RelationshipCard: {
        id: (card) => `${card.customerId}:relationship-card`,
        customer: (card) => ({ id: card.customerId }),
        assignedStaff: async (card, _, ctx) => (await ctx.loaders.get(assignedStaffByCustomer).load(card.customerId)).map(requiredActorRef),
        latestEvaluation: (card, _, ctx) => ctx.loaders.get(latestEvaluationByCustomer).load(card.customerId),
        recentInteractions: (card, _, ctx) => ctx.loaders.get(recentInteractionsByCustomer).load(card.customerId),
        recentVisits: (card, _, ctx) => ctx.loaders.get(recentVisitsByCustomer).load(card.customerId),
      },
      Customer: {
        latestRelationshipEvaluation: (customer, _, ctx) => (isPartner(requireCaller(ctx)) ? null : ctx.loaders.get(latestEvaluationByCustomer).load(customer.id)),
        relationshipCard: async (customer, _, ctx) => {
          if (isPartner(requireCaller(ctx))) return null;
          const known = await ctx.loaders.get(careCustomerByCustomer).load(customer.id);
          return known?.importance === 'KEY' ? { customerId: customer.id } : null;
        },
      },
    };
    return {
      resolvers,
      models: [models.templates, models.evaluations],
      loaders: [latestEvaluationByCustomer, careCustomerByCustomer, assignedStaffByCustomer, recentInteractionsByCustomer, recentVisitsByCustomer],
      onStart: () => evaluations.seedDefaultTemplate(),
    };
  },
});
