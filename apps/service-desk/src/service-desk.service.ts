import { customerScopePlugin } from '@crm/customer-scope';
import { createService } from '@crm/kernel';
import { viewerPlugin } from './viewer/viewer.plugin';
import { calendarPlugin } from './calendar/calendar.plugin';
import { complaintEventsPlugin } from './complaint-events/complaint-events.plugin';
import { customerDirectoryPlugin } from './customer-directory/customer-directory.plugin';
import { faultsPlugin } from './faults/faults.plugin';
import { slaPoliciesPlugin } from './sla/sla-policies.plugin';
import { supervisionPlugin } from './supervision/supervision.plugin';
import { surveyFollowUpPlugin } from './survey-follow-up/survey-follow-up.plugin';
import { ticketsPlugin } from './tickets/tickets.plugin';

/** service-desk: tickets, first-responder ownership, SLA clocks and escalation, faults, supervision (docs/domain/service-desk.md). */
export const serviceDeskService = createService({
  name: 'service-desk',
  plugins: [customerScopePlugin('service-desk', 'ticket'), customerDirectoryPlugin, calendarPlugin, slaPoliciesPlugin, ticketsPlugin, faultsPlugin, supervisionPlugin, surveyFollowUpPlugin, complaintEventsPlugin, viewerPlugin],
});
