import { surveyResponseRecordedV1 } from '@crm/contracts';
import { requireCaller } from '@crm/kernel';
import { customerDirectoryToken } from '../customer-directory/customer-directory.plugin';
import { definePlugin } from '../define-plugin';
import { ticketsToken } from '../tickets/tickets.plugin';
import { SurveyFollowUpService } from './survey-follow-up.service';

/**
 * The service desk's side of the surveys' closed loop: a response the customer was not satisfied with opens one
 * follow-up complaint, for the first responder of the ticket the survey came from; the ticket names the response
 * (`Ticket.surveyResponse`) and its lifecycle events carry it, so surveys sees the loop close.
 */
export const surveyFollowUpPlugin = definePlugin({
  name: 'survey-follow-up',
  uses: [ticketsToken, customerDirectoryToken],
  sdl: ['survey-follow-up.graphql'],
  register({ clock, logger, use }) {
    const followUps = new SurveyFollowUpService(use(ticketsToken), use(customerDirectoryToken), clock, logger);
    return {
      resolvers: {
        Ticket: {
          surveyResponse: (ticket, _, ctx) => (requireCaller(ctx), ticket.surveyResponseId ? { id: ticket.surveyResponseId } : null),
        },
      },
      eventHandlers: [
        {
          contract: surveyResponseRecordedV1,
          durable: 'service-desk-survey-follow-up',
          handle: async (event) => void (await followUps.onResponseRecorded(event.data, new Date(event.time))),
        },
      ],
    };
  },
});
