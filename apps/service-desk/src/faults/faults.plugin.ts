import { groupByKeys, orderByKeys } from '@crm/data';
import { defineLoader, mutationPayload, requiredActorRef, requireCaller } from '@crm/kernel';
import { definePlugin } from '../define-plugin';
import { z } from 'zod';
import { customerDirectoryToken } from '../customer-directory/customer-directory.plugin';
import type { Resolvers } from '../generated/graphql';
import type { TicketRecord } from '../tickets/ticket.model';
import { ticketsToken } from '../tickets/tickets.plugin';
import { faultReportModel, type FaultReportRecord } from './fault-report.model';
import { FaultsService } from './faults.service';

/** Fault reports for major faults and the post-fault analysis, shared through events. */
export const faultsPlugin = definePlugin({
  name: 'faults',
  uses: [customerDirectoryToken, ticketsToken],
  sdl: ['faults.graphql'],
  config: z.object({
    BUSINESS_DEPARTMENT_ID: z.string().min(1).max(64).default('D-BUSINESS').describe('The business department that receives every post-fault analysis.'),
  }),
  register({ connection, clock, config, use }) {
    const Report = faultReportModel(connection);
    const tickets = use(ticketsToken);
    const directory = use(customerDirectoryToken);
    const faults = new FaultsService(Report, tickets, directory, config.BUSINESS_DEPARTMENT_ID, clock);
    directory.followScope((scope) => faults.followCustomerScope(scope));
    const faultReportsByTicket = defineLoader<string, FaultReportRecord[]>('faultReportsByTicket', async (ticketIds, { caller }) =>
      caller ? groupByKeys(ticketIds, await faults.visibleForTickets(caller, ticketIds), (r) => r.ticketId ?? '') : ticketIds.map(() => []),
    );
    // FaultReport.ticket over a list of reports: the tickets in one read, the caller's visibility in one more.
    const visibleTicketById = defineLoader<string, TicketRecord | null>('visibleTicketById', async (ticketIds, { caller }) => {
      if (!caller) return ticketIds.map(() => null);
      const visible = await tickets.access.visibleOf(caller, await tickets.findByIds(ticketIds));
      return orderByKeys(ticketIds, visible, (t) => String(t._id));
    });
    const resolvers: Resolvers = {
      Query: {
        faultReport: (_, { id }, ctx) => faults.getReadable(requireCaller(ctx), id),
        faultReports: (_, { customerId, status }, ctx) => faults.list(requireCaller(ctx), { customerId, status }),
      },
      Mutation: {
        reportFault: (_, { input }, ctx) => mutationPayload('faultReport', () => faults.report(requireCaller(ctx), input)),
        recordFaultAnalysis: (_, { input }, ctx) => mutationPayload('faultReport', () => faults.recordAnalysis(requireCaller(ctx), input)),
      },
      FaultReport: {
        id: (report) => String(report._id),
        customer: (report) => ({ id: report.customerId }),
        reportedBy: (report) => requiredActorRef(report.reportedBy),
        ticket: (report, _, ctx) => {
          requireCaller(ctx);
          return report.ticketId ? ctx.loaders.get(visibleTicketById).load(report.ticketId) : null;
        },
      },
      FaultAnalysis: {
        analysedBy: (analysis) => requiredActorRef(analysis.analysedBy),
      },
      Ticket: {
        faultReports: (ticket, _, ctx) => {
          requireCaller(ctx);
          return ctx.loaders.get(faultReportsByTicket).load(String(ticket._id));
        },
      },
    };
    return { resolvers: resolvers, models: [Report], loaders: [faultReportsByTicket, visibleTicketById] };
  },
});
