import { isPartner } from '@crm/auth';
import { customerScopeToken, defineCustomerKeyedLoader, defineReadableRecordLoader } from '@crm/customer-scope';
import { customerCreatedV1, customerHandedOverV1, customerMergedV1, customerUpdatedV1 } from '@crm/contracts';
import { groupByKeys } from '@crm/data';
import { ConfigError, mutationPayload, parseInput, pluginToken, requiredActorRef, requireCaller } from '@crm/kernel';
import { workingCalendarToken } from '@crm/working-calendar';
import { SafeIntResolver } from 'graphql-scalars';
import { z } from 'zod';
import { definePlugin } from '../define-plugin';
import type { Resolvers } from '../generated/graphql';
import { expensesPageSize, MAX_EXPENSES_PAGE } from './care-input';
import { parseBudgets } from './care-rules';
import { careModels, type CareExpenseRecord, type CareTaskRecord } from './care.model';
import { CareService } from './care.service';

/** The care service, for the plugins that read its customers (the relationship card) or its open work (boards). */
export const careToken = pluginToken<CareService>('engagement.care');

/** Customer care: greetings, the December tasks, gifts and entertainment (docs/domain/engagement.md, care). */
export const carePlugin = definePlugin({
  name: 'care',
  uses: [customerScopeToken, workingCalendarToken],
  provides: [careToken],
  sdl: ['care.graphql'],
  config: z.object({
    CARE_GIFT_BUDGETS: z
      .string()
      .default('KEY=200000,TARGET=100000,GENERAL=50000,POTENTIAL=30000')
      .describe('Gift budget per customer category in minor units of CARE_BUDGET_CURRENCY (KEY=…,TARGET=…,GENERAL=…,POTENTIAL=…); a gift above it waits for the department manager.'),
    CARE_BUDGET_CURRENCY: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .default('CNY')
      .describe('ISO 4217 currency of the gift budgets.'),
    CARE_TASK_HORIZON_DAYS: z.coerce.number().int().min(0).max(60).default(7).describe('How many days ahead birthday and holiday greetings are generated as care tasks.'),
    CARE_TASKS_INTERVAL_MS: z.coerce.number().int().positive().default(3_600_000).describe('How often the care-task generation runs (idempotent; greetings and the December tasks).'),
  }),
  register({ connection, clock, config, use, provide }) {
    const parsed = parseBudgets(config.CARE_GIFT_BUDGETS);
    if ('problem' in parsed) throw new ConfigError([`CARE_GIFT_BUDGETS: ${parsed.problem}`]);
    const scopes = use(customerScopeToken);
    const models = careModels(connection);
    const care = new CareService(models, clock, scopes, use(workingCalendarToken), { budgets: parsed.budgets, currency: config.CARE_BUDGET_CURRENCY, horizonDays: config.CARE_TASK_HORIZON_DAYS });
    provide(careToken, care);

    const scoped = { scopes, clock };
    const readableCareTaskById = defineReadableRecordLoader<CareTaskRecord>('readableCareTaskById', scoped, care.taskRecords);
    const readableCareExpenseById = defineReadableRecordLoader<CareExpenseRecord>('readableCareExpenseById', scoped, care.expenseRecords);
    // Keyed by customer only, so any `first` shares one query; resolvers cut each list to its `first`.
    const latestCareExpensesByCustomer = defineCustomerKeyedLoader<CareExpenseRecord[]>('latestCareExpensesByCustomer', scoped, [], async (customerIds) =>
      groupByKeys(customerIds, await care.latestExpensesFor(customerIds, MAX_EXPENSES_PAGE), (e) => e.customerId),
    );

    const resolvers: Resolvers = {
      SafeInt: SafeIntResolver,
      Query: {
        careTasks: (_, { staffId, ...args }, ctx) => care.tasksOf(requireCaller(ctx), staffId ?? null, args),
        careExpensesAwaitingApproval: (_, { first }, ctx) => care.awaitingApproval(requireCaller(ctx), parseInput(expensesPageSize, first, 'first')),
      },
      Mutation: {
        generateCareTasks: (_, __, ctx) => {
          const caller = requireCaller(ctx);
          return mutationPayload('generation', () => care.generateFor(caller));
        },
        completeCareTask: (_, { input }, ctx) => mutationPayload('careTask', () => care.complete(requireCaller(ctx), input)),
        skipCareTask: (_, { input }, ctx) => mutationPayload('careTask', () => care.skip(requireCaller(ctx), input)),
        recordCareExpense: (_, { input }, ctx) => mutationPayload('careExpense', () => care.record(requireCaller(ctx), input)),
        approveCareExpense: (_, { input }, ctx) => mutationPayload('careExpense', () => care.approve(requireCaller(ctx), input)),
        rejectCareExpense: (_, { input }, ctx) => mutationPayload('careExpense', () => care.reject(requireCaller(ctx), input)),
      },
      CareTask: {
        __resolveReference: (ref, ctx) => (requireCaller(ctx), ctx.loaders.get(readableCareTaskById).load(String(ref.id))),
        id: (t) => String(t._id),
        customer: (t) => ({ id: t.customerId }),
        assignee: (t) => requiredActorRef(t.staffId),
      },
      CareTaskCompletion: {
        by: (c) => requiredActorRef(c.by),
      },
      CareExpense: {
        __resolveReference: (ref, ctx) => (requireCaller(ctx), ctx.loaders.get(readableCareExpenseById).load(String(ref.id))),
        id: (e) => String(e._id),
        customer: (e) => ({ id: e.customerId }),
        recordedBy: (e) => requiredActorRef(e.recordedBy),
      },
      CareExpenseDecision: {
        decidedBy: (d) => requiredActorRef(d.decidedBy),
      },
      Customer: {
        careExpenses: async (customer, { first }, ctx) => {
          const caller = requireCaller(ctx);
          const limit = parseInput(expensesPageSize, first, 'first');
          if (isPartner(caller)) return [];
          return (await ctx.loaders.get(latestCareExpensesByCustomer).load(customer.id)).slice(0, limit);
        },
      },
    };
    return {
      resolvers,
      models: [models.customers, models.tasks, models.expenses],
      loaders: [readableCareTaskById, readableCareExpenseById, latestCareExpensesByCustomer],
      eventHandlers: [
        { contract: customerCreatedV1, durable: 'engagement-care-customer-created', handle: (event) => care.applyCustomer(event) },
        { contract: customerUpdatedV1, durable: 'engagement-care-customer-updated', handle: (event) => care.applyCustomer(event) },
        { contract: customerHandedOverV1, durable: 'engagement-care-customer-handed-over', handle: (event) => care.applyHandover(event) },
        { contract: customerMergedV1, durable: 'engagement-care-customer-merged', handle: (event) => care.applyMerge(event) },
      ],
      jobs: [{ name: 'engagement-care-tasks', intervalMs: config.CARE_TASKS_INTERVAL_MS, run: async () => void (await care.generate()) }],
    };
  },
});
