import { InvalidPageArgsError, isDuplicateKeyError } from '@crm/data';
import { DomainError } from './errors';

/**
 * What a mutation's payload reports instead of a top-level error when the caller can fix the request:
 * bad input (every problem at once), a record that is not there, or a state that does not allow the change.
 * Authentication, permission and limits stay top-level errors: no change of input would help.
 */
export type UserErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT';

/** One `UserError` of a payload; `field` is the path of the input it is about (`['input', 'contacts', '0', 'phone']`). */
export interface UserErrorRecord {
  field: string[] | null;
  code: UserErrorCode;
  message: string;
}

/** `XPayload { <key>: T, userErrors: [UserError!]! }` as resolvers return it. */
export type MutationPayload<K extends string, T> = { [P in K]: T | null } & { userErrors: UserErrorRecord[] };

const pathOf = (field: string | undefined): string[] | null => (field ? field.split('.') : null);

/** The user errors an error stands for, or null when it must stay a top-level error. */
export function userErrorsOf(error: unknown): UserErrorRecord[] | null {
  if (error instanceof DomainError) {
    if (error.code === 'BAD_USER_INPUT') {
      const problems = (error.details.problems as { field: string; message: string }[] | undefined) ?? [{ field: error.details.field as string, message: error.message }];
      return problems.map((p) => ({ field: pathOf(p.field), code: 'BAD_USER_INPUT', message: p.message }));
    }
    if (error.code === 'NOT_FOUND' || error.code === 'CONFLICT') return [{ field: null, code: error.code, message: error.message }];
    return null;
  }
  if (error instanceof InvalidPageArgsError) return [{ field: pathOf(error.field), code: 'BAD_USER_INPUT', message: error.message }];
  if (isDuplicateKeyError(error)) return [{ field: null, code: 'CONFLICT', message: 'A record with the same unique value already exists' }];
  return null;
}

/**
 * Run a mutation and answer its payload: the record under `key` with no user errors, or no record and the user
 * errors of what the caller can fix. A refusal leaves nothing written: services validate before they write.
 */
export async function mutationPayload<K extends string, T>(key: K, run: () => Promise<T> | T): Promise<MutationPayload<K, T>> {
  try {
    const value = await run();
    return { [key]: value, userErrors: [] } as MutationPayload<K, T>;
  } catch (error) {
    const userErrors = userErrorsOf(error);
    if (!userErrors) throw error;
    return { [key]: null, userErrors } as MutationPayload<K, T>;
  }
}
