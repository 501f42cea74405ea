import { isPartner } from '@crm/auth';
import { groupByKeys } from '@crm/data';
import { actorRef, BadUserInputError, defineLoader, ForbiddenError, requireCaller } from '@crm/kernel';
import { definePlugin } from '../define-plugin';
import { surveyResponsesToken } from '../survey-responses/survey-responses.plugin';
import { followUpOf } from './follow-up-rules';
import { ticketCopiesToken } from './ticket-copies.plugin';
import type { TicketCopyRecord } from './ticket-projection';

/** The surveys side of the closed loop: a dissatisfied response shows its follow-up ticket, and unhandled ones past their SLA. */
export const followUpPlugin = definePlugin({
  name: 'follow-up',
  uses: [ticketCopiesToken, surveyResponsesToken],
  sdl: ['follow-up.graphql'],
  register({ clock, use }) {
    const copies = use(ticketCopiesToken);
    const responses = use(surveyResponsesToken);
    copies.onClosed(async (ticket) => {
      if (ticket.surveyResponseId && ticket.closedAt) await responses.followUpClosed(ticket.surveyResponseId, ticket.closedAt);
    });
    const ticketsByResponse = defineLoader<string, TicketCopyRecord[]>('followUpTicketsByResponse', async (ids) =>
      groupByKeys(ids, await copies.ofResponses(ids), (t) => t.surveyResponseId ?? ''),
    );
    return {
      resolvers: {
        SurveyResponse: {
          followUp: async (r, _, ctx) => {
            if (!r.needsFollowUp) return null;
            const [ticket] = await ctx.loaders.get(ticketsByResponse).load(String(r._id));
            return followUpOf(r, ticket ?? null, clock.now());
          },
        },
        SurveyFollowUp: {
          ticket: (f) => (f.ticketId ? { id: f.ticketId } : null),
          firstResponder: (f) => actorRef(f.firstResponderId),
          closedBy: (f) => actorRef(f.closedBy),
        },
        Query: {
          overdueSurveyFollowUps: (_, { first }, ctx) => {
            const caller = requireCaller(ctx);
            if (isPartner(caller)) throw new ForbiddenError('Partners have no access to surveys');
            if (first !== null && first !== undefined && (first < 1 || first > 200)) throw new BadUserInputError('first', 'must be between 1 and 200');
            return responses.overdueFollowUps(caller, first ?? 50);
          },
        },
      },
      loaders: [ticketsByResponse],
    };
  },
});
