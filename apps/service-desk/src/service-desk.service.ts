import { createService } from '@crm/kernel';
import { customerDirectoryPlugin } from './customer-directory/customer-directory.plugin';
import { ticketsPlugin } from './tickets/tickets.plugin';

/** service-desk: tickets, first-responder ownership and complaint events (DOMAIN.md §3). */
export const serviceDeskService = createService({ name: 'service-desk', plugins: [customerDirectoryPlugin, ticketsPlugin] });
