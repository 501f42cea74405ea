import { hasRole, isPartner, type Caller } from '@crm/auth';
import { assertNever, ConflictError } from '@crm/kernel';
import type { AccessRequestRecord, AccessScopeRecord, ApproverRole, StoredAccessStatus } from './access-request.model';
import { canSeeCustomer } from './customer-access-rules';

/** The status a reader sees: a stored status, or EXPIRED once the relevant deadline has passed on the clock. */
export type AccessRequestStatus = StoredAccessStatus | 'EXPIRED';

/** The transitions a person can make; expiry happens by itself when the clock passes the deadline. */
export type AccessDecision = 'APPROVED' | 'REJECTED' | 'REVOKED';

const allowedDecisions: Record<AccessRequestStatus, readonly AccessDecision[]> = {
  REQUESTED: ['APPROVED', 'REJECTED'],
  APPROVED: ['REVOKED'],
  REJECTED: [],
  EXPIRED: [],
  REVOKED: [],
};

type Deadlines = Pick<AccessRequestRecord, 'status' | 'expiresAt' | 'requestedExpiresAt'>;

/**
 * Expiry is read from the clock on every use, never written by a job: a grant is void from the instant
 * `expiresAt` is reached, and a request nobody decided before its requested expiry can no longer be approved.
 */
export function effectiveStatus(request: Deadlines, now: Date): AccessRequestStatus {
  switch (request.status) {
    case 'REQUESTED':
      return request.requestedExpiresAt.getTime() <= now.getTime() ? 'EXPIRED' : 'REQUESTED';
    case 'APPROVED':
      return !request.expiresAt || request.expiresAt.getTime() <= now.getTime() ? 'EXPIRED' : 'APPROVED';
    case 'REJECTED':
    case 'REVOKED':
      return request.status;
    default:
      return assertNever(request.status, 'access request status');
  }
}

export function canMakeDecision(from: AccessRequestStatus, decision: AccessDecision): boolean {
  return allowedDecisions[from].includes(decision);
}

/** CONFLICT unless `decision` is allowed from the request's status now. */
export function assertDecisionAllowed(request: Deadlines, decision: AccessDecision, now: Date): void {
  const from = effectiveStatus(request, now);
  if (!canMakeDecision(from, decision)) throw new ConflictError(`An access request that is ${from} cannot be ${decision}`, { status: from });
}

/** Mongo filter for requests whose status reads as `status` at `now` (the inverse of `effectiveStatus`). */
export function statusFilter(status: AccessRequestStatus, now: Date): Record<string, unknown> {
  switch (status) {
    case 'REQUESTED':
      return { status: 'REQUESTED', requestedExpiresAt: { $gt: now } };
    case 'APPROVED':
      return { status: 'APPROVED', expiresAt: { $gt: now } };
    case 'EXPIRED':
      return { $or: [{ status: 'REQUESTED', requestedExpiresAt: { $lte: now } }, { status: 'APPROVED', expiresAt: { $lte: now } }] };
    case 'REJECTED':
    case 'REVOKED':
      return { status };
    default:
      return assertNever(status, 'access request status');
  }
}

/**
 * docs/domain/accounts.md: reading another consultant's customer in the same department needs that department
 * manager's approval; a customer of another department needs the general manager's.
 */
export function approverFor(requesterDepartmentId: string | null, scopeDepartmentId: string): { approverRole: ApproverRole; approverDepartmentId: string | null } {
  return requesterDepartmentId !== null && requesterDepartmentId === scopeDepartmentId
    ? { approverRole: 'DEPARTMENT_MANAGER', approverDepartmentId: scopeDepartmentId }
    : { approverRole: 'GENERAL_MANAGER', approverDepartmentId: null };
}

/** Only the designated approver decides, and never on their own request. */
export function mayDecide(caller: Caller, request: Pick<AccessRequestRecord, 'approverRole' | 'approverDepartmentId' | 'requesterId'>): boolean {
  if (isPartner(caller) || caller.userId === request.requesterId) return false;
  switch (request.approverRole) {
    case 'DEPARTMENT_MANAGER':
      return hasRole(caller, 'department_manager') && caller.departmentId !== undefined && caller.departmentId === request.approverDepartmentId;
    case 'GENERAL_MANAGER':
      return hasRole(caller, 'general_manager');
    default:
      return assertNever(request.approverRole, 'approver role');
  }
}

/** A grant can be given up by its grantee and withdrawn by its approver or the general manager. */
export function mayRevoke(caller: Caller, request: Pick<AccessRequestRecord, 'approverRole' | 'approverDepartmentId' | 'requesterId'>): boolean {
  if (isPartner(caller)) return false;
  return caller.userId === request.requesterId || hasRole(caller, 'general_manager') || mayDecide(caller, request);
}

/** Who may read a request: its requester, its approver, the general manager, and the manager of the department it reaches. */
export function mayReadRequest(caller: Caller, request: Pick<AccessRequestRecord, 'approverRole' | 'approverDepartmentId' | 'requesterId' | 'scope'>): boolean {
  if (isPartner(caller)) return false;
  if (caller.userId === request.requesterId || hasRole(caller, 'general_manager') || mayDecide(caller, request)) return true;
  return hasRole(caller, 'department_manager') && caller.departmentId !== undefined && caller.departmentId === request.scope.departmentId;
}

/** Mongo filter for the requests `caller` may decide; null when the caller decides none. */
/** Who may ask for access to customers outside their scope: anyone inside; partners never. */
export function mayRequestAccess(caller: Caller): boolean {
  return !isPartner(caller);
}

export function awaitingApprovalFilter(caller: Caller): Record<string, unknown> | null {
  if (isPartner(caller)) return null;
  const queues: Record<string, unknown>[] = [];
  if (hasRole(caller, 'general_manager')) queues.push({ approverRole: 'GENERAL_MANAGER' });
  if (hasRole(caller, 'department_manager') && caller.departmentId) queues.push({ approverRole: 'DEPARTMENT_MANAGER', approverDepartmentId: caller.departmentId });
  if (queues.length === 0) return null;
  return { $and: [queues.length === 1 ? queues[0] : { $or: queues }, { requesterId: { $ne: caller.userId } }] };
}

/** Mongo filter for the grants `caller` may list: their own; a manager's department's; the general manager all. */
export function visibleGrantsFilter(caller: Caller): Record<string, unknown> {
  if (hasRole(caller, 'general_manager') && !isPartner(caller)) return {};
  const scopes: Record<string, unknown>[] = [{ requesterId: caller.userId }];
  if (hasRole(caller, 'department_manager') && caller.departmentId && !isPartner(caller)) {
    scopes.push({ approverDepartmentId: caller.departmentId }, { 'scope.departmentId': caller.departmentId });
  }
  return scopes.length === 1 ? scopes[0] : { $or: scopes };
}

/**
 * Whether the caller's own scope already covers every customer the request would reach, so a grant would
 * add nothing. Own scopes are by owner and department, so one representative customer decides it.
 */
export function coveredByOwnScope(caller: Caller, scope: AccessScopeRecord, customer?: { ownerId: string; departmentId: string; partnerIds: string[] }): boolean {
  switch (scope.kind) {
    case 'CUSTOMER':
      return customer !== undefined && canSeeCustomer(caller, customer);
    case 'CONSULTANT':
      return canSeeCustomer(caller, { ownerId: scope.consultantId ?? '', departmentId: scope.departmentId, partnerIds: [] });
    case 'DEPARTMENT':
      // An owner no one is: only a department-wide (or archive-wide) scope sees it.
      return canSeeCustomer(caller, { ownerId: '\u0000', departmentId: scope.departmentId, partnerIds: [] });
    default:
      return assertNever(scope.kind, 'access scope kind');
  }
}

export interface ExpiryLimits {
  now: Date;
  maxDays: number;
}

/** Why a requested expiry is unacceptable, or null: it must lie in the future and within the maximum. */
export function requestedExpiryProblem(expiresAt: Date, { now, maxDays }: ExpiryLimits): string | null {
  if (expiresAt.getTime() <= now.getTime()) return 'must be in the future';
  if (expiresAt.getTime() > now.getTime() + maxDays * 24 * 60 * 60 * 1000) return `must be at most ${maxDays} days from now`;
  return null;
}

/** Why an approver's expiry is unacceptable, or null: in the future and never later than requested. */
export function approvedExpiryProblem(expiresAt: Date, requestedExpiresAt: Date, now: Date): string | null {
  if (expiresAt.getTime() <= now.getTime()) return 'must be in the future';
  if (expiresAt.getTime() > requestedExpiresAt.getTime()) return `may shorten the requested expiry (${requestedExpiresAt.toISOString()}), not extend it`;
  return null;
}
