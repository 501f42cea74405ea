import { customerScopeToken } from '@crm/customer-scope';
import { pluginToken, requireCaller } from '@crm/kernel';
import { workingCalendarToken } from '@crm/working-calendar';
import type { BoardItemKind } from '../common/board-item';
import { definePlugin } from '../define-plugin';
import type { Resolvers, ResolversParentTypes } from '../generated/graphql';
import { minutesToken } from '../minutes/minutes.plugin';
import { returnVisitsToken } from '../return-visits/return-visits.plugin';
import { visitsToken } from '../visits/visits.plugin';
import { followUpsToken } from '../follow-ups/follow-ups.plugin';
import { careToken } from '../care/care.plugin';
import { KanbanService } from './kanban.service';

export const kanbanToken = pluginToken<KanbanService>('engagement.kanban');

type KanbanRecordValue = ResolversParentTypes['KanbanRecord'];
type KanbanRecordType = 'Visit' | 'Minutes' | 'ReturnVisit' | 'FollowUp' | 'CareTask';

/** The GraphQL type of each kind of board item's record. */
const recordTypeOf: Record<BoardItemKind, KanbanRecordType> = { VISIT: 'Visit', MINUTES: 'Minutes', RETURN_VISIT: 'ReturnVisit', FOLLOW_UP: 'FollowUp', CARE_TASK: 'CareTask' };

/** Weekly and monthly boards assembled from the plugins that own dated work (docs/domain/engagement.md, kanban). */
export const kanbanPlugin = definePlugin({
  name: 'kanban',
  uses: [customerScopeToken, workingCalendarToken, visitsToken, minutesToken, returnVisitsToken, followUpsToken, careToken],
  provides: [kanbanToken],
  sdl: ['kanban.graphql'],
  register({ clock, use, provide }) {
    const visits = use(visitsToken);
    const minutes = use(minutesToken);
    const returnVisits = use(returnVisitsToken);
    const followUps = use(followUpsToken);
    const care = use(careToken);
    const sources = [visits.openWork.bind(visits), minutes.openWork.bind(minutes), returnVisits.openWork.bind(returnVisits), followUps.openWork.bind(followUps), care.openWork.bind(care)];
    const kanban = new KanbanService(sources, use(customerScopeToken), use(workingCalendarToken), clock);
    provide(kanbanToken, kanban);
    // The record of each item remembers its type for the union, as the item resolving it knows its kind.
    const recordTypes = new WeakMap<object, KanbanRecordType>();
    const resolvers: Resolvers = {
      Query: {
        weeklyBoard: (_, { staffId }, ctx) => kanban.weekly(requireCaller(ctx), staffId ?? null),
        monthlyBoard: (_, { staffId, month }, ctx) => kanban.monthly(requireCaller(ctx), staffId ?? null, month ?? null),
      },
      KanbanBoard: {
        staffMember: (board) => ({ id: board.staffId }),
      },
      KanbanItem: {
        id: (item) => `${item.kind}:${item.recordId}`,
        overdue: (item) => item.dueAt.getTime() < clock.now().getTime(),
        customer: (item) => (item.customerId ? { id: item.customerId } : null),
        record: (item) => {
          const record = item.record as KanbanRecordValue;
          recordTypes.set(record, recordTypeOf[item.kind]);
          return record;
        },
      },
      KanbanRecord: {
        __resolveType: (record) => recordTypes.get(record) ?? null,
      },
    };
    return { resolvers };
  },
});
