import { accessApprovedV1, accessRevokedV1, customerCreatedV1, customerHandedOverV1, streamFor, type EventContract } from '@crm/contracts';
import { createEvent, encodeEvent, ensureStream, type EventBus } from '@crm/events';
import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { eventually, PROJECTION_WAIT_MS } from './eventually';


/*
 * Publish accounts' events the way accounts does (a real event on the real stream) and wait until a service's
 * customer-scope projection (customer_scopes, access_grants_projection) reflects them.
 */

interface ServiceUnderTest {
  bus: EventBus;
  connection: Connection;
}

async function publish(service: ServiceUnderTest, contract: EventContract, subject: string, data: unknown): Promise<void> {
  const event = createEvent(contract, { subject, actor: { userId: 'accounts-test', roles: ['general_manager'] }, data: data as never });
  await ensureStream(service.bus.jsm, streamFor('accounts'));
  await service.bus.js.publish(event.type, encodeEvent(event), { msgID: event.id });
}

export const newCustomerId = () => randomBytes(12).toString('hex');

/** crm.accounts.customer.created; resolves once the service knows the customer's scope. */
export async function announceCustomer(service: ServiceUnderTest, options: { id?: string; owner?: string; department?: string; assignedStaffIds?: string[] } = {}): Promise<string> {
  const { id = newCustomerId(), owner = 'alice', department = 'D-EAST', assignedStaffIds } = options;
  const customer = { id, name: `Customer ${id.slice(-4)}`, kind: 'ORGANISATION' as const, lifecycle: 'ACTIVE', ownerConsultantId: owner, departmentId: department, region: null, ...(assignedStaffIds ? { assignedStaffIds } : {}) };
  await publish(service, customerCreatedV1, id, { customer });
  await eventually(async () => {
    if (!(await service.connection.collection('customer_scopes').findOne({ _id: id as never }))) throw new Error(`customer ${id} not known yet`);
  }, PROJECTION_WAIT_MS);
  return id;
}

/** crm.accounts.customer.handed-over; resolves once the new owner is recorded. */
export async function handOverCustomer(service: ServiceUnderTest, customerId: string, from: { owner: string; department: string }, to: { owner: string; department: string }, at = new Date()): Promise<void> {
  await publish(service, customerHandedOverV1, customerId, {
    customerId,
    customerName: `Customer ${customerId.slice(-4)}`,
    fromConsultantId: from.owner,
    toConsultantId: to.owner,
    fromDepartmentId: from.department,
    toDepartmentId: to.department,
    reason: 'Moved to another team',
    handedOverAt: at.toISOString(),
  });
  await eventually(async () => {
    if (!(await service.connection.collection('customer_scopes').findOne({ _id: customerId as never, ownerId: to.owner }))) throw new Error('handover not applied yet');
  }, PROJECTION_WAIT_MS);
}

export type AccessScope = { kind: 'CUSTOMER'; customerId: string; departmentId: string } | { kind: 'CONSULTANT'; consultantId: string; departmentId: string } | { kind: 'DEPARTMENT'; departmentId: string };

/** crm.accounts.access.approved; resolves once the grant is projected. Returns the request id. */
export async function approveAccess(service: ServiceUnderTest, requesterId: string, scope: AccessScope, expiresAt: Date, approvedAt = new Date(expiresAt.getTime() - 24 * 3600_000)): Promise<string> {
  const requestId = newCustomerId();
  const payload = { kind: scope.kind, customerId: 'customerId' in scope ? scope.customerId : null, consultantId: 'consultantId' in scope ? scope.consultantId : null, departmentId: scope.departmentId };
  await publish(service, accessApprovedV1, requestId, { requestId, requesterId, scope: payload, approvedBy: 'mgr-east', approvedAt: approvedAt.toISOString(), expiresAt: expiresAt.toISOString() });
  await eventually(async () => {
    if (!(await service.connection.collection('access_grants_projection').findOne({ _id: requestId as never, approvedAt: { $exists: true } }))) throw new Error('grant not projected yet');
  }, PROJECTION_WAIT_MS);
  return requestId;
}

/** crm.accounts.access.revoked; resolves once the grant is closed. */
export async function revokeAccess(service: ServiceUnderTest, requestId: string, requesterId: string, scope: AccessScope, at = new Date()): Promise<void> {
  const payload = { kind: scope.kind, customerId: 'customerId' in scope ? scope.customerId : null, consultantId: 'consultantId' in scope ? scope.consultantId : null, departmentId: scope.departmentId };
  await publish(service, accessRevokedV1, requestId, { requestId, requesterId, scope: payload, revokedBy: 'mgr-east', revokedAt: at.toISOString(), reason: null });
  await eventually(async () => {
    if (!(await service.connection.collection('access_grants_projection').findOne({ _id: requestId as never, revoked: true }))) throw new Error('revoke not projected yet');
  }, PROJECTION_WAIT_MS);
}
