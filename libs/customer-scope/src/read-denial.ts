import { isPartner, type Caller } from '@crm/auth';
import { BadUserInputError, defineLoader, ForbiddenError, NotFoundError, UnauthenticatedError, type DomainError, type LoaderFactory } from '@crm/kernel';
import type { CustomerScopeDirectory } from './customer-scope-directory';
import { barredFrom } from './visibility-rules';
import type { CustomerScopedLoaderDeps } from './customer-scoped-loaders';

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

/** How to read a record kind kept under a customer: its name in errors, its batch fetch, and its keys. */
export interface ScopedRecordSource<R> {
  entity: string;
  fetch(ids: readonly string[]): Promise<R[]>;
  idOf(record: R): string;
  customerIdOf(record: R): string;
  /** The customer's department as the record keeps it (tickets do); otherwise the scope copy's is looked up. */
  departmentIdOf?(record: R): string;
}

/** The departments of the refused customers, to name the approval: none for partners, who are told NOT_FOUND. */
function departmentsOfRefused(caller: Caller, scopes: CustomerScopeDirectory, customerIds: string[]): Promise<Map<string, string>> {
  return isPartner(caller) || customerIds.length === 0 ? Promise.resolve(new Map()) : scopes.departmentsOf(customerIds);
}

/**
 * The read rule over a batch of ids: each id's record, or the error the rule gives for it. One scope query for
 * the batch, and one for the denied customers' departments when the caller is staff (the approval to name).
 */
export async function readScopedRecords<R>(caller: Caller, ids: readonly string[], source: ScopedRecordSource<R>, scopes: CustomerScopeDirectory, now: Date): Promise<(R | DomainError)[]> {
  const wellFormed = ids.filter((id) => OBJECT_ID.test(id));
  const rows = wellFormed.length > 0 ? await source.fetch(wellFormed) : [];
  const byId = new Map(rows.map((row) => [source.idOf(row), row]));
  const visible = await scopes.visibleCustomerIds(caller, rows.map(source.customerIdOf), now);
  const refused = rows.filter((row) => !visible.has(source.customerIdOf(row)));
  const departments = source.departmentIdOf ? new Map<string, string>() : await departmentsOfRefused(caller, scopes, refused.map(source.customerIdOf));
  // No approval opens a record kind the caller's role is barred from (finance on tickets).
  const approvable = !barredFrom(caller, scopes.kind);
  return ids.map((id) => {
    if (!OBJECT_ID.test(id)) return new BadUserInputError('id', 'is not a valid id');
    const row = byId.get(id);
    if (!row) return new NotFoundError(source.entity, id);
    const customerId = source.customerIdOf(row);
    if (visible.has(customerId)) return row;
    const departmentId = source.departmentIdOf?.(row) ?? departments.get(customerId) ?? '';
    return readDenied(caller, source.entity, id, { customerId, departmentId }, { approvable });
  });
}

/**
 * A per-request loader that applies the read rule, for `<record>(id)` and the record's entity references
 * (`_entities`) alike: a record reached from another subgraph answers the error its root field would, at that
 * field's path, and a list of references costs one batch.
 */
export function defineReadableRecordLoader<R>(name: string, deps: CustomerScopedLoaderDeps, source: ScopedRecordSource<R>): LoaderFactory<string, R> {
  return defineLoader<string, R>(name, (ids, { caller }) =>
    caller ? readScopedRecords(caller, ids, source, deps.scopes, deps.clock.now()) : Promise.resolve(ids.map(() => new UnauthenticatedError())),
  );
}

/**
 * The read rule for a record kept per customer (a credit profile): keyed by customer id, each key answers the
 * customer's record (null when it has none), or the error for a customer the caller may not read, or NOT_FOUND
 * for a customer this service has not heard of. Partners, who read none of these records, get NOT_FOUND.
 */
export function defineReadableCustomerKeyedLoader<V>(name: string, deps: CustomerScopedLoaderDeps, entity: string, fetch: (readableCustomerIds: string[]) => Promise<V[]>): LoaderFactory<string, V> {
  return defineLoader<string, V>(name, async (customerIds, { caller }) => {
    if (!caller) return customerIds.map(() => new UnauthenticatedError());
    const wellFormed = [...new Set(customerIds.filter((id) => OBJECT_ID.test(id)))];
    const visible = await deps.scopes.visibleCustomerIds(caller, wellFormed, deps.clock.now());
    const readable = wellFormed.filter((id) => visible.has(id));
    const denied = wellFormed.filter((id) => !visible.has(id));
    const [answers, departments] = await Promise.all([readable.length > 0 ? fetch(readable) : Promise.resolve([]), departmentsOfRefused(caller, deps.scopes, denied)]);
    const byCustomer = new Map(readable.map((id, i) => [id, answers[i]] as const));
    return customerIds.map((id) => {
      if (!OBJECT_ID.test(id)) return new BadUserInputError('customerId', 'is not a valid id');
      if (byCustomer.has(id)) return byCustomer.get(id)!;
      if (isPartner(caller)) return new NotFoundError(entity, id);
      const departmentId = departments.get(id);
      return departmentId === undefined ? new NotFoundError('Customer', id) : readDenied(caller, entity, id, { customerId: id, departmentId });
    });
  });
}
