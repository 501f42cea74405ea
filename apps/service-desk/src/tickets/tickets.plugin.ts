import { env, pluginToken } from '@crm/kernel';
import { definePlugin } from '../define-plugin';
import { customerScopeToken } from '@crm/customer-scope';
import { z } from 'zod';
import { calendarToken } from '../calendar/calendar.plugin';
import { customerDirectoryToken } from '../customer-directory/customer-directory.plugin';
import { slaPoliciesToken } from '../sla/sla-policies.plugin';
import { SlaWatch } from './sla-watch';
import { TicketAccess } from './ticket-access';
import { ticketModel } from './ticket.model';
import { ticketsLoaders } from './tickets.loaders';
import { ticketsResolvers } from './tickets.resolvers';
import { TicketsService } from './tickets.service';

export const ticketsToken = pluginToken<TicketsService>('service-desk.tickets');
export const slaWatchToken = pluginToken<SlaWatch>('service-desk.sla-watch');

/** Tickets: complaints, service requests, inquiries, repairs and faults, owned by their first responder, with SLA clocks. */
export const ticketsPlugin = definePlugin({
  name: 'tickets',
  uses: [calendarToken, customerDirectoryToken, customerScopeToken, slaPoliciesToken],
  provides: [slaWatchToken, ticketsToken],
  sdl: ['tickets.graphql'],
  config: z.object({
    SLA_WATCH_INTERVAL_MS: env.positiveInt(60_000).describe('How often the SLA watch looks for near-breaches and breaches.'),
  }),
  register({ connection, clock, config, logger, use, provide }) {
    const Ticket = ticketModel(connection);
    const policies = use(slaPoliciesToken);
    const directory = use(customerDirectoryToken);
    const tickets = new TicketsService(Ticket, directory, use(calendarToken), policies, clock, new TicketAccess(use(customerScopeToken), clock));
    directory.followScope((scope) => tickets.followCustomerScope(scope));
    const watch = new SlaWatch(tickets, policies, clock, logger);
    // A new policy version may move open tickets onto it: recompute without waiting for the next pass.
    policies.onPublished(() => void watch.run().catch((error) => logger.error({ err: error }, 'SLA watch after a policy change failed')));
    provide(ticketsToken, tickets);
    provide(slaWatchToken, watch);
    const loaders = ticketsLoaders(tickets, { scopes: use(customerScopeToken), clock });
    return {
      resolvers: ticketsResolvers(tickets, loaders, watch, clock),
      models: [Ticket],
      loaders: Object.values(loaders),
      jobs: [{ name: 'sla-watch', intervalMs: config.SLA_WATCH_INTERVAL_MS, run: async () => void (await watch.run()) }],
    };
  },
});
