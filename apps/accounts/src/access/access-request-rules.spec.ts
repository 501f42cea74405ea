import type { Caller, Role } from '@crm/auth';
import { ConflictError, fixedClock } from '@crm/kernel';
import type { AccessRequestRecord } from './access-request.model';
import {
  approvedExpiryProblem,
  approverFor,
  assertDecisionAllowed,
  awaitingApprovalFilter,
  coveredByOwnScope,
  effectiveStatus,
  mayDecide,
  mayRequestAccess,
  mayReadRequest,
  mayRevoke,
  requestedExpiryProblem,
  statusFilter,
  visibleGrantsFilter,
} from './access-request-rules';

const DAY = 24 * 60 * 60 * 1000;
const caller = (userId: string, roles: Role[], extra: Partial<Caller> = {}): Caller => ({ userId, roles, token: 't', ...extra });
const alice = caller('alice', ['consultant'], { departmentId: 'D-EAST' });
const eastManager = caller('mgr-east', ['department_manager'], { departmentId: 'D-EAST' });
const westManager = caller('mgr-west', ['department_manager'], { departmentId: 'D-WEST' });
const gm = caller('gm', ['general_manager']);
const partner = caller('portal', ['partner'], { partnerId: 'P-1' });

function request(overrides: Partial<AccessRequestRecord> = {}): AccessRequestRecord {
  const now = new Date('2025-03-03T09:00:00Z');
  return {
    _id: undefined as never,
    requesterId: 'alice',
    requesterDepartmentId: 'D-EAST',
    scope: { kind: 'CONSULTANT', customerId: null, consultantId: 'bob', departmentId: 'D-EAST' },
    reason: 'covering for Bob',
    requestedExpiresAt: new Date(now.getTime() + 7 * DAY),
    approverRole: 'DEPARTMENT_MANAGER',
    approverDepartmentId: 'D-EAST',
    status: 'REQUESTED',
    expiresAt: null,
    decidedBy: null,
    decidedAt: null,
    rejectionReason: null,
    revokedBy: null,
    revokedAt: null,
    revocationReason: null,
    revision: 0,
    createdAt: now,
    updatedAt: now,
    pendingEvents: [],
    ...overrides,
  };
}

describe('access request rules', () => {
  describe('expiry is read from the clock', () => {
    const clock = fixedClock('2025-03-03T09:00:00Z');
    const grant = request({ status: 'APPROVED', expiresAt: new Date('2025-03-05T09:00:00Z') });

    it('keeps an approved grant in force until the instant it expires, and expired from that instant on', () => {
      expect(effectiveStatus(grant, clock.now())).toBe('APPROVED');
      clock.set('2025-03-05T08:59:59.999Z');
      expect(effectiveStatus(grant, clock.now())).toBe('APPROVED');
      clock.set('2025-03-05T09:00:00Z');
      expect(effectiveStatus(grant, clock.now())).toBe('EXPIRED');
    });

    it('expires a request nobody decided before its requested expiry', () => {
      const pending = request();
      expect(effectiveStatus(pending, pending.requestedExpiresAt)).toBe('EXPIRED');
      expect(effectiveStatus(pending, new Date(pending.requestedExpiresAt.getTime() - 1))).toBe('REQUESTED');
    });

    it('never turns a rejected or revoked request into an expired one', () => {
      const later = new Date('2030-01-01T00:00:00Z');
      expect(effectiveStatus(request({ status: 'REJECTED' }), later)).toBe('REJECTED');
      expect(effectiveStatus(request({ status: 'REVOKED', expiresAt: new Date('2025-03-04T00:00:00Z') }), later)).toBe('REVOKED');
    });

    it('filters exactly the requests that read as a status (the inverse of effectiveStatus)', () => {
      const now = new Date('2025-03-04T00:00:00Z');
      expect(statusFilter('APPROVED', now)).toEqual({ status: 'APPROVED', expiresAt: { $gt: now } });
      expect(statusFilter('REQUESTED', now)).toEqual({ status: 'REQUESTED', requestedExpiresAt: { $gt: now } });
      expect(statusFilter('EXPIRED', now)).toEqual({ $or: [{ status: 'REQUESTED', requestedExpiresAt: { $lte: now } }, { status: 'APPROVED', expiresAt: { $lte: now } }] });
      expect(statusFilter('REVOKED', now)).toEqual({ status: 'REVOKED' });
    });
  });

  describe('transitions', () => {
    const now = new Date('2025-03-03T10:00:00Z');

    it.each([
      ['REQUESTED', 'APPROVED'],
      ['REQUESTED', 'REJECTED'],
      ['APPROVED', 'REVOKED'],
    ] as const)('allows %s → %s', (status, decision) => {
      const r = request({ status, expiresAt: status === 'APPROVED' ? new Date('2025-03-04T00:00:00Z') : null });
      expect(() => assertDecisionAllowed(r, decision, now)).not.toThrow();
    });

    it.each([
      ['REQUESTED', 'REVOKED'],
      ['APPROVED', 'APPROVED'],
      ['APPROVED', 'REJECTED'],
      ['REJECTED', 'APPROVED'],
      ['REJECTED', 'REVOKED'],
      ['REVOKED', 'REVOKED'],
      ['REVOKED', 'APPROVED'],
    ] as const)('refuses %s → %s with CONFLICT', (status, decision) => {
      const r = request({ status, expiresAt: new Date('2025-03-04T00:00:00Z') });
      expect(() => assertDecisionAllowed(r, decision, now)).toThrow(ConflictError);
    });

    it('refuses to approve, reject or revoke once expired', () => {
      const lapsedGrant = request({ status: 'APPROVED', expiresAt: new Date('2025-03-03T09:59:59Z') });
      expect(() => assertDecisionAllowed(lapsedGrant, 'REVOKED', now)).toThrow(/EXPIRED/);
      const lapsedRequest = request({ requestedExpiresAt: new Date('2025-03-03T10:00:00Z') });
      expect(() => assertDecisionAllowed(lapsedRequest, 'APPROVED', now)).toThrow(/EXPIRED/);
      expect(() => assertDecisionAllowed(lapsedRequest, 'REJECTED', now)).toThrow(/EXPIRED/);
    });
  });

  describe('who approves', () => {
    it('routes a request within the requester\'s department to that department\'s manager', () => {
      expect(approverFor('D-EAST', 'D-EAST')).toEqual({ approverRole: 'DEPARTMENT_MANAGER', approverDepartmentId: 'D-EAST' });
    });

    it('routes a request for another department, or from someone without one, to the general manager', () => {
      expect(approverFor('D-EAST', 'D-WEST')).toEqual({ approverRole: 'GENERAL_MANAGER', approverDepartmentId: null });
      expect(approverFor(null, 'D-WEST')).toEqual({ approverRole: 'GENERAL_MANAGER', approverDepartmentId: null });
    });

    it('lets only the manager of the approving department decide a department request', () => {
      const r = request();
      expect(mayDecide(eastManager, r)).toBe(true);
      expect(mayDecide(westManager, r)).toBe(false);
      expect(mayDecide(gm, r)).toBe(false);
      expect(mayDecide(caller('bob', ['consultant'], { departmentId: 'D-EAST' }), r)).toBe(false);
      expect(mayDecide(partner, r)).toBe(false);
    });

    it('lets only the general manager decide a cross-department request', () => {
      const r = request({ approverRole: 'GENERAL_MANAGER', approverDepartmentId: null, scope: { kind: 'DEPARTMENT', customerId: null, consultantId: null, departmentId: 'D-WEST' } });
      expect(mayDecide(gm, r)).toBe(true);
      expect(mayDecide(westManager, r)).toBe(false);
      expect(mayDecide(eastManager, r)).toBe(false);
    });

    it('never lets anyone decide their own request', () => {
      const own = request({ requesterId: 'gm', approverRole: 'GENERAL_MANAGER', approverDepartmentId: null });
      expect(mayDecide(gm, own)).toBe(false);
    });

    it('lets the grantee, the approver and the general manager revoke, nobody else', () => {
      const r = request({ status: 'APPROVED' });
      expect(mayRevoke(alice, r)).toBe(true);
      expect(mayRevoke(eastManager, r)).toBe(true);
      expect(mayRevoke(gm, r)).toBe(true);
      expect(mayRevoke(westManager, r)).toBe(false);
      expect(mayRevoke(caller('bob', ['consultant'], { departmentId: 'D-EAST' }), r)).toBe(false);
    });

    it('shows a request to its requester, approver, the general manager and the reached department\'s manager only', () => {
      const r = request({ approverRole: 'GENERAL_MANAGER', approverDepartmentId: null, scope: { kind: 'DEPARTMENT', customerId: null, consultantId: null, departmentId: 'D-WEST' } });
      expect(mayReadRequest(alice, r)).toBe(true);
      expect(mayReadRequest(gm, r)).toBe(true);
      expect(mayReadRequest(westManager, r)).toBe(true);
      expect(mayReadRequest(eastManager, r)).toBe(false);
      expect(mayReadRequest(partner, r)).toBe(false);
    });

    it('builds each approver\'s queue from their role and department, and none for others', () => {
      expect(awaitingApprovalFilter(eastManager)).toEqual({ $and: [{ approverRole: 'DEPARTMENT_MANAGER', approverDepartmentId: 'D-EAST' }, { requesterId: { $ne: 'mgr-east' } }] });
      expect(awaitingApprovalFilter(gm)).toEqual({ $and: [{ approverRole: 'GENERAL_MANAGER' }, { requesterId: { $ne: 'gm' } }] });
      expect(awaitingApprovalFilter(alice)).toBeNull();
      expect(awaitingApprovalFilter(partner)).toBeNull();
    });
  });

  describe('what may be asked for', () => {
    it('refuses scopes the caller already reads', () => {
      expect(coveredByOwnScope(alice, { kind: 'CONSULTANT', customerId: null, consultantId: 'alice', departmentId: 'D-EAST' })).toBe(true);
      expect(coveredByOwnScope(eastManager, { kind: 'DEPARTMENT', customerId: null, consultantId: null, departmentId: 'D-EAST' })).toBe(true);
      expect(coveredByOwnScope(gm, { kind: 'DEPARTMENT', customerId: null, consultantId: null, departmentId: 'D-WEST' })).toBe(true);
      const own = { ownerId: 'alice', departmentId: 'D-EAST', partnerIds: [] };
      expect(coveredByOwnScope(alice, { kind: 'CUSTOMER', customerId: 'c1', consultantId: null, departmentId: 'D-EAST' }, own)).toBe(true);
    });

    it('accepts scopes beyond the caller\'s own', () => {
      expect(coveredByOwnScope(alice, { kind: 'CONSULTANT', customerId: null, consultantId: 'bob', departmentId: 'D-EAST' })).toBe(false);
      expect(coveredByOwnScope(alice, { kind: 'DEPARTMENT', customerId: null, consultantId: null, departmentId: 'D-EAST' })).toBe(false);
      expect(coveredByOwnScope(eastManager, { kind: 'DEPARTMENT', customerId: null, consultantId: null, departmentId: 'D-WEST' })).toBe(false);
      const bobs = { ownerId: 'bob', departmentId: 'D-EAST', partnerIds: [] };
      expect(coveredByOwnScope(alice, { kind: 'CUSTOMER', customerId: 'c2', consultantId: null, departmentId: 'D-EAST' }, bobs)).toBe(false);
    });
  });

  describe('expiry limits', () => {
    const now = new Date('2025-03-03T09:00:00Z');

    it('wants a requested expiry in the future and at most the maximum away', () => {
      expect(requestedExpiryProblem(now, { now, maxDays: 90 })).toBe('must be in the future');
      expect(requestedExpiryProblem(new Date(now.getTime() - 1), { now, maxDays: 90 })).toBe('must be in the future');
      expect(requestedExpiryProblem(new Date(now.getTime() + 90 * DAY), { now, maxDays: 90 })).toBeNull();
      expect(requestedExpiryProblem(new Date(now.getTime() + 90 * DAY + 1), { now, maxDays: 90 })).toBe('must be at most 90 days from now');
    });

    it('lets an approver shorten the expiry, never extend it or set it in the past', () => {
      const requested = new Date(now.getTime() + 7 * DAY);
      expect(approvedExpiryProblem(new Date(now.getTime() + DAY), requested, now)).toBeNull();
      expect(approvedExpiryProblem(requested, requested, now)).toBeNull();
      expect(approvedExpiryProblem(new Date(requested.getTime() + 1), requested, now)).toMatch(/not extend/);
      expect(approvedExpiryProblem(now, requested, now)).toBe('must be in the future');
    });
  });
});

describe('access request rules, case by case', () => {
  const westConsultant = caller('carol', ['consultant'], { departmentId: 'D-WEST' });
  const managerWithoutDepartment = caller('mgr-none', ['department_manager']);
  const reachesWest = request({ approverRole: 'GENERAL_MANAGER', approverDepartmentId: null, scope: { kind: 'DEPARTMENT', customerId: null, consultantId: null, departmentId: 'D-WEST' } });

  it('does not show a request to a colleague of the department it reaches, only to that department\'s manager', () => {
    expect(mayReadRequest(westConsultant, reachesWest)).toBe(false);
    expect(mayReadRequest(caller('mgr-x', ['department_manager'], { departmentId: 'D-EAST' }), reachesWest)).toBe(false);
    expect(mayReadRequest(managerWithoutDepartment, request({ scope: { kind: 'DEPARTMENT', customerId: null, consultantId: null, departmentId: undefined as never } }))).toBe(false);
    expect(mayReadRequest(caller('gm-partner', ['general_manager', 'partner'], { partnerId: 'P-1' }), reachesWest)).toBe(false);
    expect(mayReadRequest(eastManager, request())).toBe(true);
  });

  it('shows a request to its approver even when it reaches another department', () => {
    const routedEast = request({ scope: { kind: 'DEPARTMENT', customerId: null, consultantId: null, departmentId: 'D-WEST' } });
    expect(mayReadRequest(eastManager, routedEast)).toBe(true);
    expect(mayReadRequest(caller('mgr-north', ['department_manager'], { departmentId: 'D-NORTH' }), routedEast)).toBe(false);
  });

  it('lets a department manager decide only requests routed to their own department, never a general-manager one', () => {
    expect(mayDecide(eastManager, request())).toBe(true);
    expect(mayDecide(westManager, request())).toBe(false);
    expect(mayDecide(caller('bob', ['consultant'], { departmentId: 'D-EAST' }), request())).toBe(false);
    expect(mayDecide(managerWithoutDepartment, request({ approverDepartmentId: undefined as never }))).toBe(false);
    expect(mayDecide(eastManager, request({ approverRole: 'GENERAL_MANAGER', approverDepartmentId: null }))).toBe(false);
    expect(mayDecide(gm, request({ approverRole: 'GENERAL_MANAGER', approverDepartmentId: null }))).toBe(true);
    expect(mayDecide(caller('gm-partner', ['general_manager', 'partner'], { partnerId: 'P-1' }), request({ approverRole: 'GENERAL_MANAGER', approverDepartmentId: null }))).toBe(false);
  });

  it('lets no partner revoke, even one named as the requester', () => {
    expect(mayRevoke(caller('alice', ['partner'], { partnerId: 'P-1' }), request({ status: 'APPROVED' }))).toBe(false);
    expect(mayRevoke(caller('gm-2', ['general_manager']), request({ status: 'APPROVED', approverRole: 'DEPARTMENT_MANAGER' }))).toBe(true);
  });

  it('lists a consultant\'s own grants, a manager\'s department\'s as well, and all of them for the general manager', () => {
    expect(visibleGrantsFilter(alice)).toEqual({ requesterId: 'alice' });
    expect(visibleGrantsFilter(eastManager)).toEqual({ $or: [{ requesterId: 'mgr-east' }, { approverDepartmentId: 'D-EAST' }, { 'scope.departmentId': 'D-EAST' }] });
    expect(visibleGrantsFilter(managerWithoutDepartment)).toEqual({ requesterId: 'mgr-none' });
    expect(visibleGrantsFilter(gm)).toEqual({});
    expect(visibleGrantsFilter(partner)).toEqual({ requesterId: 'portal' });
    expect(visibleGrantsFilter(caller('gm-partner', ['general_manager', 'department_manager', 'partner'], { partnerId: 'P-1', departmentId: 'D-EAST' }))).toEqual({ requesterId: 'gm-partner' });
  });

  it('queues both kinds of request for someone who is general and department manager, and none for a manager without a department', () => {
    const both = caller('boss', ['general_manager', 'department_manager'], { departmentId: 'D-EAST' });
    expect(awaitingApprovalFilter(both)).toEqual({
      $and: [{ $or: [{ approverRole: 'GENERAL_MANAGER' }, { approverRole: 'DEPARTMENT_MANAGER', approverDepartmentId: 'D-EAST' }] }, { requesterId: { $ne: 'boss' } }],
    });
    expect(awaitingApprovalFilter(managerWithoutDepartment)).toBeNull();
    expect(awaitingApprovalFilter(caller('gm-partner', ['general_manager', 'partner'], { partnerId: 'P-1' }))).toBeNull();
  });

  it('routes to the department manager only when requester and scope share a department', () => {
    expect(approverFor('D-EAST', 'D-EAST')).toEqual({ approverRole: 'DEPARTMENT_MANAGER', approverDepartmentId: 'D-EAST' });
    expect(approverFor('D-EAST', 'D-WEST')).toEqual({ approverRole: 'GENERAL_MANAGER', approverDepartmentId: null });
    expect(approverFor(null, 'D-WEST')).toEqual({ approverRole: 'GENERAL_MANAGER', approverDepartmentId: null });
  });

  it('reads a request as expired from the instant of its requested expiry, and a grant without an expiry as expired', () => {
    const deadline = new Date('2025-03-10T09:00:00Z');
    expect(effectiveStatus(request({ requestedExpiresAt: deadline }), new Date(deadline.getTime() - 1))).toBe('REQUESTED');
    expect(effectiveStatus(request({ requestedExpiresAt: deadline }), deadline)).toBe('EXPIRED');
    expect(effectiveStatus(request({ status: 'APPROVED', expiresAt: deadline }), new Date(deadline.getTime() - 1))).toBe('APPROVED');
    expect(effectiveStatus(request({ status: 'APPROVED', expiresAt: deadline }), deadline)).toBe('EXPIRED');
    expect(effectiveStatus(request({ status: 'APPROVED', expiresAt: null }), new Date('2025-03-01T00:00:00Z'))).toBe('EXPIRED');
    expect(effectiveStatus(request({ status: 'REJECTED' }), new Date('2030-01-01T00:00:00Z'))).toBe('REJECTED');
  });

  it('names the status and the decision it refuses', () => {
    const now = new Date('2025-03-03T10:00:00Z');
    let refused: ConflictError | undefined;
    try {
      assertDecisionAllowed(request({ status: 'REJECTED' }), 'APPROVED', now);
    } catch (error) {
      refused = error as ConflictError;
    }
    expect(refused).toBeInstanceOf(ConflictError);
    expect(refused).toMatchObject({ message: 'An access request that is REJECTED cannot be APPROVED', details: { status: 'REJECTED' } });
  });

  it('filters rejected requests by their stored status', () => {
    expect(statusFilter('REJECTED', new Date('2025-03-04T00:00:00Z'))).toEqual({ status: 'REJECTED' });
  });

  it('sees a customer-wide request as covered only with the customer in hand', () => {
    expect(coveredByOwnScope(gm, { kind: 'CUSTOMER', customerId: 'c1', consultantId: null, departmentId: 'D-EAST' })).toBe(false);
    expect(coveredByOwnScope(caller('bob', ['consultant'], { departmentId: 'D-EAST' }), { kind: 'CONSULTANT', customerId: null, consultantId: null, departmentId: 'D-EAST' })).toBe(false);
  });

  it('measures the maximum requested expiry in whole days', () => {
    const now = new Date('2025-03-03T09:00:00Z');
    expect(requestedExpiryProblem(new Date(now.getTime() + DAY), { now, maxDays: 1 })).toBeNull();
    expect(requestedExpiryProblem(new Date(now.getTime() + DAY + 1), { now, maxDays: 1 })).toBe('must be at most 1 days from now');
    const requested = new Date(now.getTime() + 7 * DAY);
    expect(approvedExpiryProblem(new Date(requested.getTime() + 1), requested, now)).toBe(`may shorten the requested expiry (${requested.toISOString()}), not extend it`);
    expect(approvedExpiryProblem(new Date(now.getTime() - 1), requested, now)).toBe('must be in the future');
  });
});

describe('who may ask for access', () => {
  it('lets anyone inside ask, and no partner', () => {
    expect(mayRequestAccess(caller('c-1', ['consultant']))).toBe(true);
    expect(mayRequestAccess(caller('fin', ['finance']))).toBe(true);
    expect(mayRequestAccess(partner)).toBe(false);
    // A partner id alone marks a partner portal, whatever roles the token lists.
    expect(mayRequestAccess(caller('portal-2', ['consultant'], { partnerId: 'P-2' }))).toBe(false);
  });
});
