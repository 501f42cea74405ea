import { ForbiddenError, requireCaller, type Clock } from '@crm/kernel';
import type { EscalationLevel as EscalationLevelName, Resolvers } from '../generated/graphql';
import { escalationLevelName, escalationLevelNames } from '../sla/escalation-ladder';
import type { SlaClockState } from '../sla/sla-clock';
import type { SlaWatch } from './sla-watch';
import { canRunSlaWatch } from './ticket-access';
import { ticketCommandArgs } from './ticket-commands';
import type { TicketsLoaders } from './tickets.loaders';
import type { TicketsService } from './tickets.service';

const minutes = (ms: number) => Math.round((ms / 60_000) * 100) / 100;

function slaClock(clock: SlaClockState) {
  return {
    kind: clock.kind,
    status: clock.status,
    round: clock.round,
    targetMinutes: Math.round(clock.targetMs / 60_000),
    startedAt: clock.startedAt,
    dueAt: clock.dueAt,
    stoppedAt: clock.stoppedAt,
    elapsedMinutes: minutes(clock.elapsedMs),
    remainingMinutes: minutes(clock.remainingMs),
    overdueMinutes: minutes(clock.overdueMs),
  };
}

function levelNumber(name: EscalationLevelName | null | undefined): number | null {
  if (!name) return null;
  return escalationLevelNames.indexOf(name);
}

export function ticketsResolvers(tickets: TicketsService, loaders: TicketsLoaders, watch: SlaWatch, clock: Clock): Resolvers {
  // Each handling mutation: validate the arguments into a command, let the service run it.
  const handling = (name: Exclude<keyof typeof ticketCommandArgs, 'transferTicket'>) => (_: unknown, args: { id: string }, ctx: Parameters<typeof requireCaller>[0]) => {
    const caller = requireCaller(ctx);
    const { id, ...rest } = args;
    return tickets.handle(caller, id, ticketCommandArgs[name](rest));
  };
  return {
    Query: {
      ticket: (_, { id }, ctx) => (requireCaller(ctx), ctx.loaders.get(loaders.readableTicketById).load(id)),
      tickets: (_, { filter, first, after, last, before }, ctx) =>
        tickets.list(requireCaller(ctx), { ...filter, escalationLevelAtLeast: levelNumber(filter?.escalationLevelAtLeast) }, { first, after, last, before }),
    },
    Mutation: {
      openTicket: (_, { input }, ctx) => tickets.open(requireCaller(ctx), input),
      transferTicket: (_, { id, input }, ctx) => tickets.handle(requireCaller(ctx), id, ticketCommandArgs.transferTicket(input)),
      resolveAtOnce: handling('resolveAtOnce'),
      startInvestigation: handling('startInvestigation'),
      escalateTicket: handling('escalateTicket'),
      agreeHandlingPlan: handling('agreeHandlingPlan'),
      recordProgress: handling('recordProgress'),
      awaitCustomer: handling('awaitCustomer'),
      customerResponded: handling('customerResponded'),
      resolveTicket: handling('resolveTicket'),
      recordFollowUpVisit: handling('recordFollowUpVisit'),
      confirmCustomerSatisfaction: handling('confirmCustomerSatisfaction'),
      reopenTicket: handling('reopenTicket'),
      closeTicket: handling('closeTicket'),
      runSlaWatch: (_, __, ctx) => {
        if (!canRunSlaWatch(requireCaller(ctx))) throw new ForbiddenError('Only the general manager or an internal app runs the SLA watch on demand');
        return watch.run();
      },
    },
    Ticket: {
      // Other subgraphs reach tickets through here: the read rule of `ticket(id)`, its error at the field's path.
      __resolveReference: (ref, ctx) => (requireCaller(ctx), ctx.loaders.get(loaders.readableTicketById).load(String(ref.id))),
      id: (t) => String(t._id),
      customer: (t) => ({ id: t.customerId }),
      escalationLevel: (t) => escalationLevelName(t.escalationLevel),
      transfers: (t) => t.transfers,
      escalations: (t) => t.escalations.map((e) => ({ ...e, level: escalationLevelName(e.level), previousLevel: escalationLevelName(e.previousLevel) })),
      history: (t) => t.history,
      sla: async (t) => {
        const clocks = await tickets.clocks(t, clock.now());
        return {
          policyVersion: clocks.policy.version,
          importance: t.customerImportance,
          businessHoursOnly: clocks.businessHoursOnly,
          firstResponse: slaClock(clocks.firstResponse),
          resolution: slaClock(clocks.resolution),
        };
      },
    },
    TicketHistoryEntry: {
      details: (entry) => entry.details ?? null,
      detailsJson: (entry) => (entry.details ? JSON.stringify(entry.details) : null),
    },
    Customer: {
      __resolveReference: (ref) => ({ id: ref.id }),
      tickets: async (customer, { status }, ctx) => {
        requireCaller(ctx);
        const all = await ctx.loaders.get(loaders.visibleTicketsByCustomer).load(String(customer.id));
        return status ? all.filter((t) => t.status === status) : all;
      },
    },
  };
}

