import { hasRole, isPartner, type Caller } from '@crm/auth';
import { barredFrom, type CustomerScopeDirectory } from '@crm/customer-scope';
import type { Clock } from '@crm/kernel';

/** A record kept against a customer: a ticket or a fault report. */
type CustomerRecord = { customerId: string };

/**
 * Tickets and fault reports are read like their customer, by the platform's one rule table (@crm/customer-scope,
 * row `ticket`): owner, assigned staff, the department manager, approved grants, the service-desk roles; finance
 * and partners read none. The scope copy is kept from accounts' events by the customer-scope plugin.
 */
export class TicketAccess {
  constructor(
    private readonly scopes: CustomerScopeDirectory,
    private readonly clock: Clock,
  ) {}

  /** Mongo criteria over tickets (or fault reports) selecting those the caller may read. */
  async filter(caller: Caller): Promise<Record<string, unknown>> {
    const visible = await this.scopes.filterFor(caller, this.clock.now());
    return visible.unrestricted ? {} : { customerId: { $in: visible.customerIds } };
  }

  async canSee(caller: Caller, record: CustomerRecord): Promise<boolean> {
    return this.scopes.canSee(caller, record.customerId, this.clock.now());
  }

  /** Which of the records the caller may read: one scope query for the batch. */
  async visibleOf<R extends CustomerRecord>(caller: Caller, records: R[]): Promise<R[]> {
    const visible = await this.scopes.visibleCustomerIds(caller, records.map((r) => r.customerId), this.clock.now());
    return records.filter((r) => visible.has(r.customerId));
  }

  /** Whether an access grant could open a ticket to the caller (not for roles the ticket row bars, e.g. finance). */
  approvable(caller: Caller): boolean {
    return !barredFrom(caller, 'ticket');
  }

  /** Who may move a ticket on (investigate, transfer, escalate, resolve …) or report a fault: a handler who can see it. */
  async canHandle(caller: Caller, record: CustomerRecord): Promise<boolean> {
    return hasRole(caller, ...handlesTickets) && (await this.canSee(caller, record));
  }
}

/** Anyone inside who first receives the customer may register the ticket (首问负责制); partners may not. */
export function canOpenTicket(caller: Caller): boolean {
  return !isPartner(caller);
}

// Roles that work tickets; everyone else who may read them (marketing, internal apps) only reads.
const handlesTickets = ['general_manager', 'service_agent', 'technical_staff', 'coordinator', 'department_manager', 'consultant'] as const;

/** Who may run the SLA watch on demand (it also runs on its own schedule). */
export function canRunSlaWatch(caller: Caller): boolean {
  return !isPartner(caller) && hasRole(caller, 'general_manager', 'internal_app');
}
