import { ForbiddenError, mutationPayload, requireCaller } from '@crm/kernel';
import { z } from 'zod';
import { definePlugin } from '../define-plugin';
import { minutesToken } from '../minutes/minutes.plugin';
import { returnVisitsToken } from '../return-visits/return-visits.plugin';
import { loyaltyToken } from '../loyalty/loyalty.plugin';
import { mayRunWatches } from '../common/staff-rules';
import { EngagementWatch } from './engagement-watch';

/** engagement's scheduled rules (overdue minutes, return visits, anniversaries) as one job, and on demand. */
export const watchesPlugin = definePlugin({
  name: 'watches',
  uses: [minutesToken, returnVisitsToken, loyaltyToken],
  sdl: ['watches.graphql'],
  config: z.object({
    ENGAGEMENT_WATCH_INTERVAL_MS: z.coerce.number().int().positive().default(60_000).describe('How often engagement looks for overdue minutes, return visits to generate or raise as missed, and anniversaries.'),
  }),
  register({ clock, logger, config, use }) {
    const watch = new EngagementWatch(clock, logger.child({ part: 'engagement-watch' }));
    const minutes = use(minutesToken);
    const returnVisits = use(returnVisitsToken);
    watch.add({ name: 'minutesOverdue', run: (now) => minutes.raiseOverdue(now) });
    watch.add({ name: 'returnVisitsGenerated', run: (now) => returnVisits.extendAll(now) });
    watch.add({ name: 'returnVisitsMissed', run: (now) => returnVisits.raiseMissed(now) });
    const loyalty = use(loyaltyToken);
    watch.add({ name: 'anniversaryPointsAwarded', run: (now) => loyalty.awardAnniversaries(now) });
    return {
      resolvers: {
        Mutation: {
          runEngagementWatches: (_, __, ctx) => {
            const caller = requireCaller(ctx);
            if (!mayRunWatches(caller)) throw new ForbiddenError('Only the general manager or an internal app runs the engagement watches on demand');
            return mutationPayload('summary', () => watch.run());
          },
        },
      },
      jobs: [{ name: 'engagement-watch', intervalMs: config.ENGAGEMENT_WATCH_INTERVAL_MS, run: async () => void (await watch.run()) }],
    };
  },
});
