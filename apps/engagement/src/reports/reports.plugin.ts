import { customerScopeToken } from '@crm/customer-scope';
import { mutationPayload, parseInput, pluginToken, requiredActorRef, requireCaller } from '@crm/kernel';
import { workingCalendarToken } from '@crm/working-calendar';
import { definePlugin } from '../define-plugin';
import { interactionsToken } from '../interactions/interactions.plugin';
import { returnVisitsToken } from '../return-visits/return-visits.plugin';
import { visitsToken } from '../visits/visits.plugin';
import { urgentReportsPageSize } from './reports-input';
import { reportModels } from './reports.model';
import { ReportsService } from './reports.service';

export const reportsToken = pluginToken<ReportsService>('engagement.reports');

/** Daily reports rolled up per department, and urgent reports with the manager's inbox (docs/domain/engagement.md, reports). */
export const reportsPlugin = definePlugin({
  name: 'reports',
  uses: [customerScopeToken, workingCalendarToken, interactionsToken, visitsToken, returnVisitsToken],
  provides: [reportsToken],
  sdl: ['reports.graphql'],
  register({ connection, clock, use, provide }) {
    const { dailyReports, urgentReports } = reportModels(connection);
    const reports = new ReportsService(dailyReports, urgentReports, use(interactionsToken), use(visitsToken), use(returnVisitsToken), use(customerScopeToken), use(workingCalendarToken), clock);
    provide(reportsToken, reports);
    return {
      models: [dailyReports, urgentReports],
      resolvers: {
        Query: {
          dailyReport: (_, { staffId, day }, ctx) => reports.dailyReport(requireCaller(ctx), staffId ?? null, day ?? null),
          departmentDailyReport: (_, { day, departmentId }, ctx) => reports.departmentDailyReport(requireCaller(ctx), departmentId ?? null, day ?? null),
          urgentReportInbox: (_, { unreadOnly }, ctx) => reports.inbox(requireCaller(ctx), unreadOnly ?? false),
          urgentReport: (_, { id }, ctx) => reports.urgentReport(requireCaller(ctx), id),
        },
        Mutation: {
          saveDailyReportDraft: (_, { input }, ctx) => mutationPayload('dailyReport', () => reports.saveDraft(requireCaller(ctx), input)),
          submitDailyReport: (_, { input }, ctx) => mutationPayload('dailyReport', () => reports.submit(requireCaller(ctx), input)),
          fileUrgentReport: (_, { input }, ctx) => mutationPayload('urgentReport', () => reports.fileUrgent(requireCaller(ctx), input)),
          markUrgentReportRead: (_, { input }, ctx) => mutationPayload('urgentReport', () => reports.markRead(requireCaller(ctx), input)),
        },
        DailyReport: {
          staffMember: (r) => requiredActorRef(r.staffId),
          customers: (r) => [...new Set([...r.interactions, ...r.visits].map((x) => x.customerId))].map((id) => ({ id })),
        },
        UrgentReportInbox: {
          unreadCount: (inbox) => reports.inboxUnreadCount(inbox),
          reports: (inbox, { first }) => reports.inboxReports(inbox, parseInput(urgentReportsPageSize, first ?? 50, 'first')),
        },
        UrgentReport: {
          __resolveReference: (ref, ctx) => reports.urgentReport(requireCaller(ctx), String(ref.id)),
          id: (r) => String(r._id),
          customer: (r) => (r.customerId ? { id: r.customerId } : null),
          filedBy: (r) => requiredActorRef(r.filedBy),
          read: (r, _, ctx) => r.reads.some((read) => read.userId === requireCaller(ctx).userId),
        },
        UrgentReportRead: {
          reader: (r) => requiredActorRef(r.userId),
        },
      },
    };
  },
});
