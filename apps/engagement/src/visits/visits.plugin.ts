import { customerScopeToken } from '@crm/customer-scope';
import { visitReportedV1 } from '@crm/contracts';
import { createEvent } from '@crm/events';
import { actorOf, pluginToken } from '@crm/kernel';
import { definePlugin } from '../define-plugin';
import { visitModel } from './visit.model';
import { visitsLoaders } from './visits.loaders';
import { visitsResolvers } from './visits.resolvers';
import { VisitsService } from './visits.service';

/** The visits service, for the plugins that act on reported visits (minutes, return visits). */
export const visitsToken = pluginToken<VisitsService>('engagement.visits');

/** Visit plans approved by the department manager, and visit reports (docs/domain/engagement.md, visits). */
export const visitsPlugin = definePlugin({
  name: 'visits',
  uses: [customerScopeToken],
  provides: [visitsToken],
  sdl: ['visits.graphql'],
  register({ connection, clock, use, provide }) {
    const scopes = use(customerScopeToken);
    const Visit = visitModel(connection);
    // crm.engagement.visit.reported (surveys' after-visit survey follows a MAINTENANCE visit), in the report's write.
    const visits = new VisitsService(Visit, clock, scopes, (visit, report, caller) =>
      createEvent(visitReportedV1, {
        subject: String(visit._id),
        actor: actorOf(caller),
        time: report.reportedAt,
        data: {
          visitId: String(visit._id),
          customerId: visit.customerId,
          staffId: visit.staffId,
          accompanyingStaffIds: visit.accompanyingStaffIds,
          kind: visit.kind,
          product: visit.product,
          visitedAt: report.visitedAt.toISOString(),
          reportedAt: report.reportedAt.toISOString(),
        },
      }),
    );
    provide(visitsToken, visits);
    const loaders = visitsLoaders(visits, { scopes, clock });
    return { resolvers: visitsResolvers(visits, loaders, scopes, clock), models: [Visit], loaders: Object.values(loaders) };
  },
});
