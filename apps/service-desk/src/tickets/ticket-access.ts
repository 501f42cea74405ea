import { hasRole, isPartner, type Caller } from '@crm/auth';
import type { TicketRecord } from './ticket.model';

// Roles of the service desk itself and those who supervise it.
const seesEveryTicket = ['general_manager', 'service_agent', 'technical_staff', 'coordinator', 'internal_app', 'marketing'] as const;

/** Tickets are scoped like their customer: consultants see their customers', managers their department's. */
export function visibleTicketsFilter(caller: Caller): Record<string, unknown> {
  if (isPartner(caller)) return { _id: null };
  if (hasRole(caller, ...seesEveryTicket)) return {};
  const scopes: Record<string, unknown>[] = [];
  if (hasRole(caller, 'department_manager') && caller.departmentId) scopes.push({ customerDepartmentId: caller.departmentId });
  if (hasRole(caller, 'consultant')) scopes.push({ customerOwnerId: caller.userId });
  if (scopes.length === 0) return { _id: null };
  return scopes.length === 1 ? scopes[0] : { $or: scopes };
}

export function canSeeTicket(caller: Caller, ticket: Pick<TicketRecord, 'customerOwnerId' | 'customerDepartmentId'>): boolean {
  if (isPartner(caller)) return false;
  if (hasRole(caller, ...seesEveryTicket)) return true;
  if (hasRole(caller, 'department_manager') && caller.departmentId === ticket.customerDepartmentId) return true;
  return hasRole(caller, 'consultant') && caller.userId === ticket.customerOwnerId;
}

/** Anyone inside who first receives the customer may register the ticket (首问负责制); partners may not. */
export function canOpenTicket(caller: Caller): boolean {
  return !isPartner(caller);
}

// Roles that work tickets; everyone else who may read them (marketing, internal apps) only reads.
const handlesTickets = ['general_manager', 'service_agent', 'technical_staff', 'coordinator', 'department_manager', 'consultant'] as const;

/** Who may move a ticket on (investigate, transfer, escalate, resolve …): a handler who can see it. */
export function canHandleTicket(caller: Caller, ticket: Pick<TicketRecord, 'customerOwnerId' | 'customerDepartmentId'>): boolean {
  return canSeeTicket(caller, ticket) && hasRole(caller, ...handlesTickets);
}

/** Who may run the SLA watch on demand (it also runs on its own schedule). */
export function canRunSlaWatch(caller: Caller): boolean {
  return !isPartner(caller) && hasRole(caller, 'general_manager', 'internal_app');
}
