import { createService } from '@crm/kernel';
import { viewerPlugin } from './viewer/viewer.plugin';
import { workingCalendarPlugin } from '@crm/working-calendar';
import { interactionsPlugin } from './interactions/interactions.plugin';
import { customerScopePlugin } from '@crm/customer-scope';
import { visitsPlugin } from './visits/visits.plugin';
import { minutesPlugin } from './minutes/minutes.plugin';
import { watchesPlugin } from './watches/watches.plugin';
import { returnVisitsPlugin } from './return-visits/return-visits.plugin';
import { eventsInvitationsPlugin } from './events-invitations/events-invitations.plugin';
import { loyaltyPlugin } from './loyalty/loyalty.plugin';
import { kanbanPlugin } from './kanban/kanban.plugin';
import { carePlugin } from './care/care.plugin';
import { relationshipEvaluationPlugin } from './relationship-evaluation/relationship-evaluation.plugin';
import { reportsPlugin } from './reports/reports.plugin';
import { followUpsPlugin } from './follow-ups/follow-ups.plugin';
import { activityPlugin } from './activity/activity.plugin';

/** engagement: contact with customers, visits, follow-up and care (docs/domain/engagement.md). */
export const engagementService = createService({ name: 'engagement', plugins: [workingCalendarPlugin('engagement'), customerScopePlugin('engagement'), interactionsPlugin, visitsPlugin, minutesPlugin, returnVisitsPlugin, eventsInvitationsPlugin, loyaltyPlugin, carePlugin, relationshipEvaluationPlugin, kanbanPlugin, reportsPlugin, followUpsPlugin, activityPlugin, watchesPlugin, viewerPlugin] });
