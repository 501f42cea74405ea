import { customerScopeToken } from '@crm/customer-scope';
import { defineLoader, requireCaller } from '@crm/kernel';
import { workingCalendarToken } from '@crm/working-calendar';
import { definePlugin } from '../define-plugin';
import type { Resolvers } from '../generated/graphql';
import { interactionsToken } from '../interactions/interactions.plugin';
import { minutesToken } from '../minutes/minutes.plugin';
import { returnVisitsToken } from '../return-visits/return-visits.plugin';
import { visitsToken } from '../visits/visits.plugin';
import { mayReadStaffActivity, type ActivityFigures } from './activity-rules';
import { ActivityService, type ActivityKey } from './activity.service';

/** Consultant KPIs of engagement: visits done, interactions, return visits missed and minutes overdue per period (batched). */
export const activityPlugin = definePlugin({
  name: 'activity',
  uses: [customerScopeToken, workingCalendarToken, visitsToken, interactionsToken, returnVisitsToken, minutesToken],
  sdl: ['activity.graphql'],
  register({ clock, use }) {
    const activity = new ActivityService(use(visitsToken), use(interactionsToken), use(returnVisitsToken), use(minutesToken), use(customerScopeToken), use(workingCalendarToken), clock);
    const byStaff = defineLoader<string, ActivityFigures>('engagementActivity', (keys, scope) => {
      const parsed: ActivityKey[] = keys.map((key) => {
        const [staffId, period] = key.split('\u0000');
        return { staffId, period };
      });
      return activity.figures(scope.caller!, parsed);
    });
    const resolvers: Resolvers = {
      Consultant: {
        __resolveReference: (ref) => ({ id: String(ref.id) }),
        engagementActivity: (consultant, { period }, ctx) => {
          const caller = requireCaller(ctx);
          const staffId = String(consultant.id);
          const label = activity.periodLabel(period);
          if (!mayReadStaffActivity(caller, staffId)) return null;
          return ctx.loaders.get(byStaff).load(`${staffId}\u0000${label}`);
        },
      },
      EngagementActivity: {
        id: (row) => `${row.staffId}:engagement-activity:${row.period}`,
      },
    };
    return { resolvers, loaders: [byStaff] };
  },
});
