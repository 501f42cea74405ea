import { env, mutationPayload, pluginToken, requiredActorRef, requireCaller } from '@crm/kernel';
import { definePlugin } from '../define-plugin';
import { z } from 'zod';
import { calendarToken } from '../calendar/calendar.plugin';
import { customerDirectoryToken } from '../customer-directory/customer-directory.plugin';
import type { Resolvers } from '../generated/graphql';
import { ticketsToken } from '../tickets/tickets.plugin';
import { complaintFiguresKey, complaintFiguresLoader } from './consultant-kpis';
import { parseReportPeriod } from './report-period';
import { reportRunModel } from './report-run.model';
import { ReportRunner } from './report-runner';
import { ReportsService } from './reports.service';

export const reportRunnerToken = pluginToken<ReportRunner>('service-desk.report-runner');

/** Service supervision: monthly reports per department, complaint analysis, complaint rate per consultant. */
export const supervisionPlugin = definePlugin({
  name: 'supervision',
  uses: [calendarToken, customerDirectoryToken, ticketsToken],
  provides: [reportRunnerToken],
  sdl: ['supervision.graphql'],
  config: z.object({
    REPORT_RUNNER_INTERVAL_MS: env.positiveInt(5_000).describe('How often the report runner looks for requested (or abandoned) runs; a request also wakes it at once.'),
  }),
  register({ connection, clock, config, logger, use, provide }) {
    const Run = reportRunModel(connection);
    const tickets = use(ticketsToken);
    const calendar = use(calendarToken);
    const runner = new ReportRunner(Run, tickets, calendar, clock, logger);
    const reports = new ReportsService(Run, clock, () => runner.kick());
    const complaintFigures = complaintFiguresLoader(tickets.model, tickets.access, use(customerDirectoryToken), calendar);
    provide(reportRunnerToken, runner);

    const figures = async (kind: 'CONSULTANT' | 'DEPARTMENT', id: string, period: string, ctx: Parameters<typeof requireCaller>[0]) => {
      requireCaller(ctx);
      parseReportPeriod(period, (await calendar.calendar()).timeZone);
      return ctx.loaders.get(complaintFigures).load(complaintFiguresKey(kind, id, period));
    };
    const resolvers: Resolvers = {
      Query: {
        reportRun: (_, { id }, ctx) => reports.findVisible(requireCaller(ctx), id),
        reportRuns: (_, { first }, ctx) => reports.list(requireCaller(ctx), first),
      },
      Mutation: {
        requestServiceSupervisionReport: (_, { input }, ctx) => mutationPayload('reportRun', () => reports.requestServiceSupervision(requireCaller(ctx), input)),
        requestComplaintAnalysis: (_, { input }, ctx) => mutationPayload('reportRun', () => reports.requestComplaintAnalysis(requireCaller(ctx), input)),
      },
      ReportRun: {
        id: (run) => String(run._id),
        requestedBy: (run) => requiredActorRef(run.requestedBy),
        result: (run) => (run.status === 'DONE' ? run.result : null),
      },
      ReportResult: {
        __resolveType: (result) => ((result as { kind?: string }).kind === 'COMPLAINT_ANALYSIS' ? 'ComplaintAnalysisReport' : 'ServiceSupervisionReport'),
      },
      DepartmentServiceFigures: {
        department: (figures) => ({ id: figures.departmentId }),
      },
      Consultant: {
        __resolveReference: (ref) => ({ id: ref.id }),
        complaintCount: async (consultant, { period }, ctx) => (await figures('CONSULTANT', String(consultant.id), period, ctx))?.complaintCount ?? null,
        complaintRate: async (consultant, { period }, ctx) => (await figures('CONSULTANT', String(consultant.id), period, ctx))?.complaintRate ?? null,
      },
      Department: {
        __resolveReference: (ref) => ({ id: ref.id }),
        complaintCount: async (department, { period }, ctx) => (await figures('DEPARTMENT', String(department.id), period, ctx))?.complaintCount ?? null,
        complaintRate: async (department, { period }, ctx) => (await figures('DEPARTMENT', String(department.id), period, ctx))?.complaintRate ?? null,
      },
    };
    return {
      resolvers: resolvers,
      models: [Run],
      loaders: [complaintFigures],
      jobs: [{ name: 'report-runner', intervalMs: config.REPORT_RUNNER_INTERVAL_MS, run: async () => void (await runner.runPending()) }],
    };
  },
});
