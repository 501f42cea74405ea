import { viewerResolvers } from '@crm/kernel';
import { mayManageCalendar } from '../calendar/calendar.service';
import { definePlugin } from '../define-plugin';
import { mayPublishSlaPolicies } from '../sla/sla-policies.service';
import { mayRequestSupervisionReports } from '../supervision/reports.service';
import { canOpenTicket, canRunSlaWatch } from '../tickets/ticket-access';

/** What the caller may do at the service desk, on accounts' `viewer`, from the rules the mutations apply. */
export const viewerPlugin = definePlugin({
  name: 'viewer',
  sdl: ['viewer.graphql'],
  register: () => ({
    resolvers: viewerResolvers({
      canOpenTickets: canOpenTicket,
      canRunSlaWatch,
      canManageServiceCalendar: mayManageCalendar,
      canPublishSlaPolicies: mayPublishSlaPolicies,
      canRequestSupervisionReports: mayRequestSupervisionReports,
    }),
  }),
});
