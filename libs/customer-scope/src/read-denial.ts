import { isPartner, type Caller } from '@crm/auth';
import { BadUserInputError, ForbiddenError, NotFoundError, type DomainError } from '@crm/kernel';
import type { CustomerScopeDirectory } from './customer-scope-directory';

/*
 * The rule for a read of one record by id, on every root field (docs/api/errors.md):
 * - a malformed id is BAD_USER_INPUT;
 * - no such record is NOT_FOUND, and so is anything outside a partner's slice (its existence is not revealed);
 * - staff outside their scope get FORBIDDEN with `requiredApproval`, the approval that would open it, so that a
 *   client can offer "request access" (requestCustomerAccess).
 */

/** Who approves reading a customer of `departmentId`: the caller's own department manager, or the general manager. */
export type RequiredApproval = 'DEPARTMENT_MANAGER' | 'GENERAL_MANAGER';

export function approvalToRead(caller: Caller, departmentId: string): RequiredApproval {
  return caller.departmentId !== undefined && caller.departmentId === departmentId ? 'DEPARTMENT_MANAGER' : 'GENERAL_MANAGER';
}

/** The error for a record the caller may not read. `requiredApproval` null: no approval opens it (finance on tickets). */
export function readDenied(caller: Caller, entity: string, id: string, customer: { customerId: string; departmentId: string }, options: { approvable?: boolean } = {}): DomainError {
  if (isPartner(caller)) return new NotFoundError(entity, id);
  const requiredApproval = options.approvable === false ? null : approvalToRead(caller, customer.departmentId);
  const how = requiredApproval === 'DEPARTMENT_MANAGER' ? 'your department manager approves' : requiredApproval === 'GENERAL_MANAGER' ? 'the general manager approves' : 'no approval opens it to your role';
  return new ForbiddenError(`You may not read ${entity} ${id}: outside your customers (${how})`, { entity, id, customerId: customer.customerId, requiredApproval });
}

// The hex form clients see (mongoose's isValidObjectId also takes any 12-character string).
const OBJECT_ID = /^[0-9a-f]{24}$/i;

/** Ids of Mongo-kept records: anything else is a client's mistake, reported as such. */
export function assertRecordId(id: string, field = 'id'): void {
  if (!OBJECT_ID.test(id)) throw new BadUserInputError(field, 'is not a valid id');
}

/**
 * `<record>(id)` on a service that keeps a customer-scope copy: the record, or the read rule's error. The approval
 * named is worked out from the customer's department as the copy knows it.
 */
export async function readScopedRecord<R extends { customerId: string }>(
  caller: Caller,
  entity: string,
  id: string,
  scopes: CustomerScopeDirectory,
  now: Date,
  fetch: (id: string) => Promise<R | null>,
): Promise<R> {
  assertRecordId(id);
  const record = await fetch(id);
  if (!record) throw new NotFoundError(entity, id);
  if (!(await scopes.canSee(caller, record.customerId, now))) {
    const scope = isPartner(caller) ? null : await scopes.scopes.findById(record.customerId, { departmentId: 1 }).lean();
    throw readDenied(caller, entity, id, { customerId: record.customerId, departmentId: scope?.departmentId ?? '' });
  }
  return record;
}
