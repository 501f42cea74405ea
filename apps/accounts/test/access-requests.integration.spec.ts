import { accessApprovedV1, accessRejectedV1, accessRequestedV1, accessRevokedV1, streamFor } from '@crm/contracts';
import { eventsOnStream } from '@crm/testing';
import { APPROVE, DAY, HOUR, nodeIds, REJECT, REQUEST_ACCESS, REVOKE, startAccessWorld, type AccessWorld } from './access-fixture';

/** Managers and the general manager are staff the directory does not list as consultants. */
const staff = (id: string) => ({ id, kind: 'STAFF_MEMBER', staffMember: null });

const AWAITING = '{ accessRequestsAwaitingMyApproval { totalCount edges { node { id requestedBy { id } status } } } }';
const GRANTS = 'query($g: ID) { accessGrantsInForce(granteeId: $g) { totalCount edges { node { id requestedBy { id } status expiresAt } } } }';
const ONE = 'query($id: ID!) { accessRequest(id: $id) { id status } }';

describe('accounts access: requests, approvals and grants', () => {
  let world: AccessWorld;
  let bobsCustomer: string;
  let t0: number;
  const at = (ms: number) => new Date(t0 + ms).toISOString();
  const ask = (token: string, scope: Record<string, unknown>, expiresInMs = 3 * DAY, reason = 'covering during leave') =>
    world.call(REQUEST_ACCESS, { i: { scope, reason, expiresAt: at(expiresInMs) } }, token);
  const asked = async (token: string, scope: Record<string, unknown>, expiresInMs = 3 * DAY) => {
    const res = await ask(token, scope, expiresInMs);
    expect(res.errors).toBeUndefined();
    expect(res.data!.requestCustomerAccess.userErrors).toEqual([]);
    return res.data!.requestCustomerAccess.accessRequest;
  };
  /** The user errors of a request the caller can fix (nothing written, no event). */
  const askRefused = (token: string, scope: Record<string, unknown>, expiresInMs = 3 * DAY, reason = 'covering during leave') =>
    world.refused(REQUEST_ACCESS, { i: { scope, reason, expiresAt: at(expiresInMs) } }, token);
  /** The top-level error code of a decision refused for permission, after checking the payload is null. */
  const forbiddenCode = async (query: string, i: Record<string, unknown>, token: string) => {
    const res = await world.call(query, { i }, token);
    expect(Object.values(res.data ?? {})).toEqual([null]);
    return res.errors?.[0].extensions?.code;
  };
  const events = async (type: string, subject: string) => {
    await world.service.flushOutbox();
    return eventsOnStream(world.service.bus.jsm, streamFor('accounts').name, type, subject);
  };

  beforeAll(async () => {
    world = await startAccessWorld();
    bobsCustomer = await world.customer('bob');
  });
  afterAll(() => world.service.stop());
  // Every test starts a month after the last, so earlier requests and grants have expired.
  beforeEach(() => {
    world.clock.advance(30 * DAY);
    t0 = world.clock.now().getTime();
  });

  it('routes a request within the department to its manager, and publishes access.requested once', async () => {
    const request = await asked(world.tokens.alice, { kind: 'CONSULTANT', consultantId: 'bob' });
    expect(request).toMatchObject({
      requestedBy: { id: 'alice', kind: 'STAFF_MEMBER', staffMember: { id: 'alice', name: 'Alice Wang' } },
      status: 'REQUESTED',
      reason: 'covering during leave',
      requestedExpiresAt: at(3 * DAY),
      expiresAt: null,
      approverRole: 'DEPARTMENT_MANAGER',
      approverDepartment: { id: 'D-EAST' },
      requesterDepartment: { id: 'D-EAST' },
      scope: { kind: 'CONSULTANT', customerId: null, consultant: { id: 'bob' }, department: { id: 'D-EAST' } },
      createdAt: at(0),
    });
    const queue = (token: string) => world.ok(AWAITING, {}, token).then((d) => nodeIds(d.accessRequestsAwaitingMyApproval));
    expect(await queue(world.tokens.eastManager)).toContain(request.id);
    expect(await queue(world.tokens.westManager)).not.toContain(request.id);
    expect(await queue(world.tokens.gm)).not.toContain(request.id);
    const [event, ...more] = await events(accessRequestedV1.type, request.id);
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      actorid: 'alice',
      data: { requestId: request.id, requesterId: 'alice', scope: { kind: 'CONSULTANT', consultantId: 'bob', customerId: null, departmentId: 'D-EAST' }, approverRole: 'DEPARTMENT_MANAGER', approverDepartmentId: 'D-EAST' },
    });
  });

  it('routes a request for another department\'s customers to the general manager', async () => {
    const request = await asked(world.tokens.carol, { kind: 'CUSTOMER', customerId: bobsCustomer });
    expect(request).toMatchObject({ approverRole: 'GENERAL_MANAGER', approverDepartment: null, scope: { kind: 'CUSTOMER', customerId: bobsCustomer, department: { id: 'D-EAST' } } });
    expect(nodeIds((await world.ok(AWAITING, {}, world.tokens.gm)).accessRequestsAwaitingMyApproval)).toContain(request.id);
  });

  it('refuses a wrong approver with FORBIDDEN and leaves the request as it was', async () => {
    const sameDepartment = await asked(world.tokens.alice, { kind: 'CONSULTANT', consultantId: 'bob' });
    for (const token of [world.tokens.westManager, world.tokens.gm, world.tokens.bob, world.tokens.alice, world.tokens.partner]) {
      expect(await forbiddenCode(APPROVE, { id: sameDepartment.id }, token)).toBe('FORBIDDEN');
    }
    const otherDepartment = await asked(world.tokens.carol, { kind: 'CONSULTANT', consultantId: 'bob' });
    expect(await forbiddenCode(APPROVE, { id: otherDepartment.id }, world.tokens.eastManager)).toBe('FORBIDDEN');
    expect(await forbiddenCode(REJECT, { id: otherDepartment.id, reason: 'no' }, world.tokens.westManager)).toBe('FORBIDDEN');
    expect((await world.ok(ONE, { id: sameDepartment.id }, world.tokens.alice)).accessRequest.status).toBe('REQUESTED');
  });

  it('lets the approver shorten the expiry, never extend it, and publishes access.approved', async () => {
    const request = await asked(world.tokens.alice, { kind: 'CONSULTANT', consultantId: 'bob' }, 3 * DAY);
    const longer = await world.refused(APPROVE, { i: { id: request.id, expiresAt: at(3 * DAY + 1000) } }, world.tokens.eastManager);
    expect(longer).toMatchObject([{ code: 'BAD_USER_INPUT', field: ['input', 'expiresAt'] }]);
    const past = await world.refused(APPROVE, { i: { id: request.id, expiresAt: at(-1000) } }, world.tokens.eastManager);
    expect(past).toMatchObject([{ code: 'BAD_USER_INPUT', field: ['input', 'expiresAt'], message: 'must be in the future' }]);
    expect(await events(accessApprovedV1.type, request.id)).toEqual([]);

    const approved = await world.ok(APPROVE, { i: { id: request.id, expiresAt: at(DAY) } }, world.tokens.eastManager);
    expect(approved.approveAccessRequest.accessRequest).toMatchObject({ status: 'APPROVED', expiresAt: at(DAY), decidedBy: staff('mgr-east'), decidedAt: at(0) });
    const [event] = await events(accessApprovedV1.type, request.id);
    expect(event).toMatchObject({ actorid: 'mgr-east', data: { requestId: request.id, requesterId: 'alice', approvedBy: 'mgr-east', expiresAt: at(DAY) } });
    expect(nodeIds((await world.ok(GRANTS, { g: 'alice' }, world.tokens.alice)).accessGrantsInForce)).toEqual([request.id]);
  });

  it('keeps the requested expiry when the approver names none', async () => {
    const request = await asked(world.tokens.alice, { kind: 'CONSULTANT', consultantId: 'bob' }, 5 * DAY);
    expect((await world.ok(APPROVE, { i: { id: request.id } }, world.tokens.eastManager)).approveAccessRequest.accessRequest.expiresAt).toBe(at(5 * DAY));
  });

  it('rejects with a reason, publishes access.rejected, and allows no later decision (CONFLICT)', async () => {
    const request = await asked(world.tokens.alice, { kind: 'CONSULTANT', consultantId: 'bob' });
    const missingReason = await world.refused(REJECT, { i: { id: request.id, reason: '  ' } }, world.tokens.eastManager);
    expect(missingReason).toMatchObject([{ code: 'BAD_USER_INPUT', field: ['input', 'reason'] }]);
    const rejected = await world.ok(REJECT, { i: { id: request.id, reason: 'Bob is back on Monday' } }, world.tokens.eastManager);
    expect(rejected.rejectAccessRequest).toEqual({
      accessRequest: { id: request.id, status: 'REJECTED', rejectionReason: 'Bob is back on Monday', decidedBy: staff('mgr-east') },
      userErrors: [],
    });
    expect(await world.refused(APPROVE, { i: { id: request.id } }, world.tokens.eastManager)).toMatchObject([{ code: 'CONFLICT', field: null, message: 'An access request that is REJECTED cannot be APPROVED' }]);
    expect(await world.refused(REVOKE, { i: { id: request.id } }, world.tokens.eastManager)).toMatchObject([{ code: 'CONFLICT', field: null }]);
    expect(await world.refused(REJECT, { i: { id: request.id, reason: 'again' } }, world.tokens.eastManager)).toMatchObject([{ code: 'CONFLICT', field: null }]);
    expect(await events(accessApprovedV1.type, request.id)).toEqual([]);
    expect(await events(accessRevokedV1.type, request.id)).toEqual([]);
    const [event, ...more] = await events(accessRejectedV1.type, request.id);
    expect(more).toEqual([]);
    expect(event).toMatchObject({ data: { rejectedBy: 'mgr-east', reason: 'Bob is back on Monday' } });
  });

  it('revokes a grant in force once (publishing access.revoked), and the grantee may give it up', async () => {
    const id = await world.grant(world.tokens.alice, { kind: 'CONSULTANT', consultantId: 'bob' }, world.tokens.eastManager);
    expect(await forbiddenCode(REVOKE, { id }, world.tokens.carol)).toBe('FORBIDDEN');
    const revoked = await world.ok(REVOKE, { i: { id, reason: 'done early' } }, world.tokens.eastManager);
    expect(revoked.revokeAccessGrant.accessRequest).toEqual({ id, status: 'REVOKED', revokedBy: staff('mgr-east'), revokedAt: at(0), revocationReason: 'done early' });
    expect(await world.refused(REVOKE, { i: { id } }, world.tokens.eastManager)).toMatchObject([{ code: 'CONFLICT', field: null }]);
    const [event, ...more] = await events(accessRevokedV1.type, id);
    expect(more).toEqual([]);
    expect(event).toMatchObject({ actorid: 'mgr-east', data: { requestId: id, revokedBy: 'mgr-east', reason: 'done early' } });

    const own = await world.grant(world.tokens.alice, { kind: 'CUSTOMER', customerId: bobsCustomer }, world.tokens.eastManager);
    const givenUp = (await world.ok(REVOKE, { i: { id: own } }, world.tokens.alice)).revokeAccessGrant.accessRequest;
    expect(givenUp).toMatchObject({ status: 'REVOKED', revokedBy: { id: 'alice', kind: 'STAFF_MEMBER', staffMember: { id: 'alice', name: 'Alice Wang' } } });
  });

  it('expires a grant at its expiry: it leaves the grants in force and can no longer be revoked', async () => {
    const id = await world.grant(world.tokens.alice, { kind: 'CONSULTANT', consultantId: 'bob' }, world.tokens.eastManager, 2 * HOUR);
    const inForce = () => world.ok(GRANTS, { g: 'alice' }, world.tokens.eastManager).then((d) => nodeIds(d.accessGrantsInForce));
    expect(await inForce()).toEqual([id]);
    world.clock.advance(2 * HOUR);
    expect(await inForce()).toEqual([]);
    expect((await world.ok(ONE, { id }, world.tokens.alice)).accessRequest.status).toBe('EXPIRED');
    expect(await world.refused(REVOKE, { i: { id } }, world.tokens.eastManager)).toMatchObject([{ code: 'CONFLICT', field: null, message: 'An access request that is EXPIRED cannot be REVOKED' }]);
    expect(await events(accessRevokedV1.type, id)).toEqual([]);
  });

  it('expires a request nobody decided before its requested expiry: it leaves the queue and cannot be approved', async () => {
    const request = await asked(world.tokens.alice, { kind: 'CONSULTANT', consultantId: 'bob' }, HOUR);
    world.clock.advance(HOUR);
    expect(nodeIds((await world.ok(AWAITING, {}, world.tokens.eastManager)).accessRequestsAwaitingMyApproval)).not.toContain(request.id);
    expect(await world.refused(APPROVE, { i: { id: request.id } }, world.tokens.eastManager)).toMatchObject([{ code: 'CONFLICT', field: null }]);
    expect(await events(accessApprovedV1.type, request.id)).toEqual([]);
    const expired = await world.ok('{ myAccessRequests(status: EXPIRED) { edges { node { id } } } }', {}, world.tokens.alice);
    expect(nodeIds(expired.myAccessRequests)).toContain(request.id);
  });

  it('refuses an expiry in the past or beyond the maximum with BAD_USER_INPUT', async () => {
    for (const ms of [0, -DAY, 90 * DAY + 1000]) {
      expect(await askRefused(world.tokens.alice, { kind: 'CONSULTANT', consultantId: 'bob' }, ms)).toMatchObject([{ code: 'BAD_USER_INPUT', field: ['input', 'expiresAt'] }]);
    }
    expect((await asked(world.tokens.alice, { kind: 'CONSULTANT', consultantId: 'bob' }, 90 * DAY)).status).toBe('REQUESTED');
  });

  it('validates the scope and the reason, naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ kind: 'CUSTOMER' }, 'input.scope.customerId'],
      [{ kind: 'CUSTOMER', customerId: 'nope' }, 'input.scope.customerId'],
      [{ kind: 'CONSULTANT', consultantId: 'bob', departmentId: 'D-EAST' }, 'input.scope.departmentId'],
      [{ kind: 'CONSULTANT', consultantId: 'alice' }, 'input.scope'],
    ];
    for (const [scope, field] of cases) {
      expect(await askRefused(world.tokens.alice, scope)).toMatchObject([{ code: 'BAD_USER_INPUT', field: field.split('.') }]);
    }
    expect(await askRefused(world.tokens.alice, { kind: 'CONSULTANT', consultantId: 'bob' }, DAY, '')).toMatchObject([{ code: 'BAD_USER_INPUT', field: ['input', 'reason'] }]);
    expect(await askRefused(world.tokens.alice, { kind: 'CUSTOMER', customerId: '0123456789abcdef01234567' })).toMatchObject([{ code: 'NOT_FOUND', field: null }]);
    expect(await askRefused(world.tokens.alice, { kind: 'DEPARTMENT', departmentId: 'D-NOWHERE' })).toMatchObject([{ code: 'NOT_FOUND', field: null }]);
  });

  it('names every problem of a request at once, one user error each', async () => {
    const problems = await askRefused(world.tokens.alice, { kind: 'CUSTOMER', departmentId: 'D-EAST' }, -DAY, ' ');
    expect(problems.map((p) => [p.code, p.field])).toEqual([
      ['BAD_USER_INPUT', ['input', 'scope', 'customerId']],
      ['BAD_USER_INPUT', ['input', 'scope', 'departmentId']],
      ['BAD_USER_INPUT', ['input', 'reason']],
      ['BAD_USER_INPUT', ['input', 'expiresAt']],
    ]);
    expect(problems.every((p) => p.message.length > 0)).toBe(true);
  });

  it('refuses a second request for the same scope while the first awaits a decision (CONFLICT)', async () => {
    await asked(world.tokens.bob, { kind: 'DEPARTMENT', departmentId: 'D-WEST' });
    expect(await askRefused(world.tokens.bob, { kind: 'DEPARTMENT', departmentId: 'D-WEST' })).toMatchObject([{ code: 'CONFLICT', field: null, message: 'You already asked for this access; wait for the decision' }]);
  });

  it('shows requests and grants only to those concerned', async () => {
    const id = await world.grant(world.tokens.alice, { kind: 'CONSULTANT', consultantId: 'bob' }, world.tokens.eastManager);
    expect((await world.ok(ONE, { id }, world.tokens.carol)).accessRequest).toBeNull();
    expect((await world.ok(ONE, { id }, world.tokens.westManager)).accessRequest).toBeNull();
    // Access requests are staff business: a partner is refused, not told null.
    expect((await world.call(ONE, { id }, world.tokens.partner)).errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect((await world.ok(ONE, { id }, world.tokens.gm)).accessRequest.id).toBe(id);

    const grantsSeenBy = async (token: string) => nodeIds((await world.ok(GRANTS, {}, token)).accessGrantsInForce);
    expect(await grantsSeenBy(world.tokens.alice)).toEqual([id]);
    expect(await grantsSeenBy(world.tokens.eastManager)).toContain(id);
    expect(await grantsSeenBy(world.tokens.gm)).toContain(id);
    expect(await grantsSeenBy(world.tokens.westManager)).not.toContain(id);
    expect(await grantsSeenBy(world.tokens.carol)).toEqual([]);
    expect((await world.call(AWAITING, {}, world.tokens.alice)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('pages the caller\'s requests with cursors and filters them by status', async () => {
    const first = await asked(world.tokens.carol, { kind: 'CONSULTANT', consultantId: 'alice' });
    const second = await asked(world.tokens.carol, { kind: 'CONSULTANT', consultantId: 'bob' });
    await world.ok(REJECT, { i: { id: first.id, reason: 'not needed' } }, world.tokens.gm);
    const page1 = await world.ok('{ myAccessRequests(status: REQUESTED, first: 1) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }', {}, world.tokens.carol);
    expect(page1.myAccessRequests.totalCount).toBe(1);
    expect(page1.myAccessRequests.edges[0].node.id).toBe(second.id);
    const all = await world.ok('{ myAccessRequests(first: 1) { edges { node { id } } pageInfo { hasNextPage endCursor } } }', {}, world.tokens.carol);
    expect(all.myAccessRequests.pageInfo.hasNextPage).toBe(true);
    const next = await world.ok('query($a: String) { myAccessRequests(first: 1, after: $a) { edges { node { id } } } }', { a: all.myAccessRequests.pageInfo.endCursor }, world.tokens.carol);
    expect(next.myAccessRequests.edges[0].node.id).not.toBe(all.myAccessRequests.edges[0].node.id);
  });
});
