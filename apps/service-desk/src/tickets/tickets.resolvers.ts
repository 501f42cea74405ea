import { isPartner } from '@crm/auth';
import { ForbiddenError, mutationPayload, requiredActorRef, requireCaller, type Clock, type RequestContext, selectsField } from '@crm/kernel';
import type { EscalationLevel as EscalationLevelName, Resolvers } from '../generated/graphql';
import { escalationLevelName, escalationLevelNames } from '../sla/escalation-ladder';
import type { SlaClockState } from '../sla/sla-clock';
import type { SlaWatch } from './sla-watch';
import { canRunSlaWatch, maskedContact } from './ticket-access';
import { ticketCommandArgs } from './ticket-commands';
import type { TicketsLoaders } from './tickets.loaders';
import type { TicketsService } from './tickets.service';

const minutes = (ms: number) => Math.round((ms / 60_000) * 100) / 100;

/** The id a clock is cached under: one per ticket and kind (the resolution clock keeps it across rounds). */
const slaClockId = (ticketId: string, kind: SlaClockState['kind']) => `${ticketId}:sla:${kind === 'FIRST_RESPONSE' ? 'first-response' : 'resolution'}`;

function slaClock(ticketId: string, clock: SlaClockState) {
  return {
    id: slaClockId(ticketId, clock.kind),
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
  // Each handling mutation: validate the input into a command, let the service run it on the ticket `input.id`;
  // what the caller can fix comes back as the payload's userErrors.
  const handling = (name: keyof typeof ticketCommandArgs) => (_: unknown, { input }: { input: { id: string } }, ctx: Parameters<typeof requireCaller>[0]) =>
    mutationPayload('ticket', () => {
      const caller = requireCaller(ctx);
      return tickets.handle(caller, input.id, ticketCommandArgs[name](input));
    });
  /** The internal handling record of a ticket (who passed it to whom, escalations, history): staff only. */
  const internal = <T>(ctx: RequestContext, value: T[]): T[] => (isPartner(requireCaller(ctx)) ? [] : value);
  return {
    Query: {
      ticket: (_, { id }, ctx) => (requireCaller(ctx), ctx.loaders.get(loaders.readableTicketById).load(id)),
      tickets: (_, { filter, first, after, last, before }, ctx, info) =>
        tickets.list(requireCaller(ctx), { ...filter, escalationLevelAtLeast: levelNumber(filter?.escalationLevelAtLeast) }, { first, after, last, before, countTotal: selectsField(info, 'totalCount') }),
    },
    Mutation: {
      openTicket: (_, { input }, ctx) => mutationPayload('ticket', () => tickets.open(requireCaller(ctx), input)),
      transferTicket: handling('transferTicket'),
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
        return mutationPayload('summary', () => watch.run());
      },
    },
    Ticket: {
      // Other subgraphs reach tickets through here: the read rule of `ticket(id)`, its error at the field's path.
      __resolveReference: (ref, ctx) => (requireCaller(ctx), ctx.loaders.get(loaders.readableTicketById).load(String(ref.id))),
      id: (t) => String(t._id),
      customer: (t) => ({ id: t.customerId }),
      // A partner follows its customers' tickets but never reads the complainant's phone or email in full.
      complainant: (t, _, ctx) => (isPartner(requireCaller(ctx)) ? { ...t.complainant, contact: maskedContact(t.complainant.contact) } : t.complainant),
      firstResponder: (t) => requiredActorRef(t.firstResponderId),
      escalationLevel: (t) => escalationLevelName(t.escalationLevel),
      transfers: (t, _, ctx) => internal(ctx, t.transfers),
      escalations: (t, _, ctx) =>
        internal(ctx, t.escalations).map((e) => ({ ...e, level: escalationLevelName(e.level), previousLevel: escalationLevelName(e.previousLevel), escalatedBy: requiredActorRef(e.byUserId) })),
      history: (t, _, ctx) => internal(ctx, t.history),
      sla: async (t) => {
        const clocks = await tickets.clocks(t, clock.now());
        const ticketId = String(t._id);
        return {
          id: `${ticketId}:sla`,
          policyVersion: clocks.policy.version,
          importance: t.customerImportance,
          businessHoursOnly: clocks.businessHoursOnly,
          firstResponse: slaClock(ticketId, clocks.firstResponse),
          resolution: slaClock(ticketId, clocks.resolution),
        };
      },
    },
    TicketHistoryEntry: {
      actor: (entry) => requiredActorRef(entry.actorId),
      details: (entry) => entry.details ?? null,
      detailsJson: (entry) => (entry.details ? JSON.stringify(entry.details) : null),
    },
    TicketTransfer: {
      transferredBy: (transfer) => requiredActorRef(transfer.byUserId),
    },
    TicketResolution: {
      resolvedBy: (resolution) => requiredActorRef(resolution.byUserId),
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

