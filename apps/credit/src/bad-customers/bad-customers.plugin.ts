import { customerScopeToken, defineReadableRecordLoader } from '@crm/customer-scope';
import { defineLoader, env, mutationPayload, actorRef, requiredActorRef, requireCaller, pluginToken, selectsField } from '@crm/kernel';
import { z } from 'zod';
import { creditProfilesToken } from '../credit-profiles/credit-profiles.plugin';
import { customerFactsToken } from '../customer-facts/customer-facts';
import { definePlugin } from '../define-plugin';
import { ordersToken } from '../orders/orders.plugin';
import { receivablesToken } from '../receivables/receivables.plugin';
import { badCustomerRules, ruleByCode } from './bad-customer-rules';
import { badCustomerCaseModel, badCustomerFactModel, type BadCustomerCaseRecord, type BadCustomerFactRecord } from './bad-customer.model';
import { BadCustomersService } from './bad-customers.service';

/** The bad-customer cases, for the credit standing. */
export const badCustomersToken = pluginToken<BadCustomersService>('credit.bad-customers');

/** Bad customers (docs/domain/credit.md): the five criteria as declarative rules, the dry run, cases with their measures as department tasks. */
export const badCustomersPlugin = definePlugin({
  name: 'bad-customers',
  uses: [customerScopeToken, customerFactsToken, creditProfilesToken, receivablesToken, ordersToken],
  provides: [badCustomersToken],
  sdl: ['bad-customers.graphql'],
  config: z.object({
    BAD_CUSTOMER_EVALUATION_INTERVAL_MS: env.positiveInt(3_600_000).describe('How often the bad-customer evaluation proposes cases for newly flagged customers and finishes the automatic measures of open cases.'),
    BAD_CUSTOMER_ADMINISTRATION_DEPARTMENT_ID: z.string().min(1).default('D-ADMIN').describe("The department id of administration, whose staff complete a case's legal tasks."),
  }),
  register({ connection, clock, config, logger, use, provide }) {
    const scopes = use(customerScopeToken);
    const orders = use(ordersToken);
    const Case = badCustomerCaseModel(connection);
    const Fact = badCustomerFactModel(connection);
    const service = new BadCustomersService(Case, Fact, orders, use(receivablesToken), use(customerFactsToken), use(creditProfilesToken), scopes, clock, logger, {
      administrationDepartmentId: config.BAD_CUSTOMER_ADMINISTRATION_DEPARTMENT_ID,
    });
    provide(badCustomersToken, service);
    // While a case is open the customer accepts no order and nothing ships (also before accounts marks it BAD).
    orders.addRefusalCheck(async (customerId) => ((await service.withOpenCase([customerId])).has(customerId) ? 'BAD_CUSTOMER_CASE_OPEN' : null));
    const readableCase = defineReadableRecordLoader<BadCustomerCaseRecord>('readableBadCustomerCaseById', { scopes, clock }, {
      entity: 'BadCustomerCase',
      fetch: (ids) => service.findByIds(ids),
      idOf: (c) => String(c._id),
      customerIdOf: (c) => c.customerId,
      departmentIdOf: (c) => c.departmentId,
    });
    const factById = defineLoader<string, BadCustomerFactRecord | null>('badCustomerFactById', async (ids) => {
      const found = await service.factsById(ids);
      return ids.map((id) => found.get(id) ?? null);
    });
    const caseMutation = (run: () => Promise<BadCustomerCaseRecord>) => mutationPayload('badCustomerCase', run);
    return {
      models: [Case, Fact],
      loaders: [readableCase, factById],
      jobs: [{ name: 'bad-customer-evaluation', intervalMs: config.BAD_CUSTOMER_EVALUATION_INTERVAL_MS, run: () => service.runEvaluation() }],
      resolvers: {
        Query: {
          badCustomerDryRun: (_, __, ctx) => service.dryRun(requireCaller(ctx)),
          badCustomerCase: (_, { id }, ctx) => (requireCaller(ctx), ctx.loaders.get(readableCase).load(id)),
          badCustomerCases: (_, { filter, first, after }, ctx, info) =>
            service.list(requireCaller(ctx), { status: filter?.status, customerId: filter?.customerId }, { first, after, countTotal: selectsField(info, 'totalCount') }),
        },
        Mutation: {
          recordBadCustomerFact: (_, { input }, ctx) => mutationPayload('fact', () => service.recordFact(requireCaller(ctx), input)),
          proposeBadCustomerCases: (_, __, ctx) => mutationPayload('cases', () => service.propose(requireCaller(ctx))),
          openBadCustomerCase: (_, { input }, ctx) => caseMutation(() => service.open(requireCaller(ctx), input)),
          dismissBadCustomerCase: (_, { input }, ctx) => caseMutation(() => service.dismiss(requireCaller(ctx), input)),
          completeBadCustomerMeasure: (_, { input }, ctx) => caseMutation(() => service.completeMeasure(requireCaller(ctx), input)),
          closeBadCustomerCase: (_, { input }, ctx) => caseMutation(() => service.close(requireCaller(ctx), input)),
        },
        BadCustomerFact: {
          id: (fact) => String(fact._id),
          customer: (fact) => ({ id: fact.customerId }),
          recordedBy: (fact) => requiredActorRef(fact.recordedBy),
        },
        BadCustomerFinding: {
          description: (finding) => ruleByCode.get(finding.rule)?.description ?? finding.rule,
          facts: async (finding, _, ctx) => finding.facts ?? (await ctx.loaders.get(factById).loadMany(finding.factIds)).filter((f): f is BadCustomerFactRecord => Boolean(f) && !(f instanceof Error)),
        },
        BadCustomerMeasureTask: {
          id: (task) => `${task.caseId}:${task.measure}`,
          doneBy: (task) => actorRef(task.doneBy),
        },
        BadCustomerCase: {
          __resolveReference: (ref, ctx) => (requireCaller(ctx), ctx.loaders.get(readableCase).load(String(ref.id))),
          id: (c) => String(c._id),
          customer: (c) => ({ id: c.customerId }),
          measures: (c) => c.measures.map((task) => ({ ...task, caseId: String(c._id) })),
          proposedBy: (c) => requiredActorRef(c.proposedBy),
          openedBy: (c) => actorRef(c.openedBy),
          dismissedBy: (c) => actorRef(c.dismissedBy),
          closedBy: (c) => actorRef(c.closedBy),
        },
        BadCustomerCandidate: {
          id: (candidate) => `${candidate.customerId}:bad-customer-candidate:${candidate.asOf}`,
          customer: (candidate) => ({ id: candidate.customerId }),
        },
        BadCustomerDryRun: {
          id: (run) => `bad-customer-dry-run:${run.asOf}`,
          rules: () => badCustomerRules.map((rule) => ({ code: rule.code, description: rule.description })),
        },
      },
    };
  },
});
