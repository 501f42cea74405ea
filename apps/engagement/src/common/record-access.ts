import type { Caller } from '@crm/auth';
import { assertRecordId, readScopedRecords, type CustomerScopeDirectory, type ScopedRecordSource } from '@crm/customer-scope';
import { ConflictError } from '@crm/kernel';
import { StaleRevisionError } from '@crm/events';

/**
 * The record a mutation targets, read by the rule every read by id follows: a malformed id is a BAD_USER_INPUT
 * at `field`, a missing record (or any for a partner) NOT_FOUND (a user error), a record outside the caller's
 * customers FORBIDDEN (top-level).
 */
export async function readForChange<R>(caller: Caller, id: string, source: ScopedRecordSource<R>, scopes: CustomerScopeDirectory, now: Date, field = 'input.id'): Promise<R> {
  assertRecordId(id, field);
  const [answer] = await readScopedRecords(caller, [id], source, scopes, now);
  if (answer instanceof Error) throw answer;
  return answer;
}

/** A versioned write that found the record changed meanwhile is a CONFLICT the caller can retry after a reload. */
export async function orConflict<T>(write: Promise<T>, what: string): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (error instanceof StaleRevisionError) throw new ConflictError(`${what} was changed by someone else meanwhile; reload and try again`);
    throw error;
  }
}
