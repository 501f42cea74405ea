import { hasRole, isPartner, type Caller } from '@crm/auth';
import { barredFrom, partnersRead, type CustomerScopeDirectory } from '@crm/customer-scope';
import type { Clock } from '@crm/kernel';

/** A record kept against a customer: a ticket or a fault report. */
type CustomerRecord = { customerId: string };

/**
 * Tickets and fault reports are read like their customer, by the platform's one rule table (@crm/customer-scope,
 * rows `ticket` and `fault-report`): owner, assigned staff, the department manager, approved grants, the
 * service-desk roles; finance reads none; partners the tickets of their linked customers and no fault report.
 * The scope copy (with the partner links) is kept from accounts' events by the customer-scope plugin.
 */
export class TicketAccess {
  constructor(
    private readonly scopes: CustomerScopeDirectory,
    private readonly clock: Clock,
    /** The row of the rule table: the scope copy answers the staff columns, which both rows share. */
    readonly kind: 'ticket' | 'fault-report' = 'ticket',
  ) {}

  /** The same access for fault reports (no partner reads them). */
  forFaultReports(): TicketAccess {
    return new TicketAccess(this.scopes, this.clock, 'fault-report');
  }

  /** Mongo criteria over tickets (or fault reports) selecting those the caller may read. */
  async filter(caller: Caller): Promise<Record<string, unknown>> {
    if (this.shutOut(caller)) return { _id: null };
    const visible = await this.scopes.filterFor(caller, this.clock.now());
    return visible.unrestricted ? {} : { customerId: { $in: visible.customerIds } };
  }

  async canSee(caller: Caller, record: CustomerRecord): Promise<boolean> {
    return !this.shutOut(caller) && this.scopes.canSee(caller, record.customerId, this.clock.now());
  }

  /** Which of the records the caller may read: one scope query for the batch. */
  async visibleOf<R extends CustomerRecord>(caller: Caller, records: R[]): Promise<R[]> {
    if (this.shutOut(caller)) return [];
    const visible = await this.scopes.visibleCustomerIds(caller, records.map((r) => r.customerId), this.clock.now());
    return records.filter((r) => visible.has(r.customerId));
  }

  /** A partner, where this row lets partners read nothing. */
  private shutOut(caller: Caller): boolean {
    return isPartner(caller) && !partnersRead(this.kind);
  }

  /** Whether an access grant could open a ticket to the caller (not for roles the ticket row bars, e.g. finance). */
  approvable(caller: Caller): boolean {
    return !barredFrom(caller, 'ticket');
  }

  /** Who may move a ticket on (investigate, transfer, escalate, resolve …) or report a fault: a handler who can see it (never a partner). */
  async canHandle(caller: Caller, record: CustomerRecord): Promise<boolean> {
    return !isPartner(caller) && hasRole(caller, ...handlesTickets) && (await this.canSee(caller, record));
  }
}

/** Anyone inside who first receives the customer may register a ticket of any type (首问负责制). */
export function canOpenTicket(caller: Caller): boolean {
  return !isPartner(caller);
}

/** The only ticket type a partner opens, and only for a customer linked to it. */
export const partnerTicketTypes = ['SERVICE_REQUEST'] as const;

/** Whether the caller may open a ticket of `type` at all (the customer is checked apart). */
export function mayOpenTicketOfType(caller: Caller, type: string): boolean {
  return canOpenTicket(caller) || (partnerTicketTypes as readonly string[]).includes(type);
}

/** A complainant's contact as a partner reads it: kept to its first and last character. */
export function maskedContact(contact: string | null | undefined): string | null {
  if (contact === undefined) return null;
  if (!contact) return contact;
  return contact.length <= 2 ? '**' : `${contact.slice(0, 1)}${'*'.repeat(Math.min(contact.length - 2, 8))}${contact.slice(-1)}`;
}

// Roles that work tickets; everyone else who may read them (marketing, internal apps) only reads.
const handlesTickets = ['general_manager', 'service_agent', 'technical_staff', 'coordinator', 'department_manager', 'consultant'] as const;

/** Who may run the SLA watch on demand (it also runs on its own schedule). */
export function canRunSlaWatch(caller: Caller): boolean {
  return !isPartner(caller) && hasRole(caller, 'general_manager', 'internal_app');
}
