import { viewerReference } from '@crm/kernel';
import { mayManageCalendar } from '../calendar/calendar.service';
import { definePlugin } from '../define-plugin';
import { mayPublishSlaPolicies } from '../sla/sla-policies.service';
import { mayRequestSupervisionReports } from '../supervision/reports.service';
import { canOpenTicket, canRunSlaWatch } from '../tickets/ticket-access';

/** What the caller may do at the service desk, on accounts' `viewer`, from the rules the mutations apply. */
export const viewerPlugin = definePlugin({
  name: 'viewer',
  sdl: ['viewer.graphql'],
  register() {
    return {
      resolvers: {
        Viewer: {
          __resolveReference: (ref, ctx) => viewerReference(ref, ctx),
          id: (caller) => caller.userId,
          canOpenTickets: (caller) => canOpenTicket(caller),
          canRunSlaWatch: (caller) => canRunSlaWatch(caller),
          canManageServiceCalendar: (caller) => mayManageCalendar(caller),
          canPublishSlaPolicies: (caller) => mayPublishSlaPolicies(caller),
          canRequestSupervisionReports: (caller) => mayRequestSupervisionReports(caller),
        },
      },
    };
  },
});
