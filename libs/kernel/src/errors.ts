import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { InvalidPageArgsError, isDuplicateKeyError } from '@crm/data';
import type { Logger } from 'pino';

/** Stable `extensions.code` values; clients may switch on them. */
export type ErrorCode = 'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'UNAVAILABLE';

/** The one family of errors that rules may throw; each maps to a stable GraphQL error code. */
export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  readonly details: Record<string, unknown>;
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

/** One thing wrong with a request's input: where (a path such as `input.contacts.0.phone`) and what. */
export interface InputProblem {
  field: string;
  message: string;
}

/**
 * Bad input. `field` names the first problem; `problems` lists every one found, so a form can mark them all
 * at once (extensions.problems).
 */
export class BadUserInputError extends DomainError {
  readonly code = 'BAD_USER_INPUT' as const;
  constructor(
    readonly field: string,
    message: string,
    readonly problems: readonly InputProblem[] = [{ field, message }],
  ) {
    super(`${field}: ${message}`, { field, problems });
  }
}

export class UnauthenticatedError extends DomainError {
  readonly code = 'UNAUTHENTICATED' as const;
  constructor(message = 'Authentication required: send a valid bearer token') {
    super(message);
  }
}

export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN' as const;
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND' as const;
  constructor(entity: string, id: string) {
    super(`${entity} ${id} not found`, { entity, id });
  }
}

export class ConflictError extends DomainError {
  readonly code = 'CONFLICT' as const;
}

export class UnavailableError extends DomainError {
  readonly code = 'UNAVAILABLE' as const;
}

export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unhandled ${what}: ${JSON.stringify(value)}`);
}

/** Translate what a resolver threw into a client-safe error with a stable code. */
export function toGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError && error.extensions?.code) return error;
  if (error instanceof DomainError) {
    return new GraphQLError(error.message, { extensions: { code: error.code, ...error.details } });
  }
  if (error instanceof InvalidPageArgsError) {
    return new GraphQLError(`${error.field}: ${error.message}`, { extensions: { code: 'BAD_USER_INPUT', field: error.field } });
  }
  if (isDuplicateKeyError(error)) {
    return new GraphQLError('A record with the same unique value already exists', { extensions: { code: 'CONFLICT' } });
  }
  const name = (error as { name?: string })?.name;
  if (name === 'ValidationError' || name === 'CastError') {
    const field = Object.keys((error as { errors?: object }).errors ?? {})[0] ?? (error as { path?: string }).path;
    return new GraphQLError(`Invalid value${field ? ` for ${field}` : ''}`, {
      extensions: { code: 'BAD_USER_INPUT', field },
    });
  }
  if (name === 'MongoServerSelectionError' || name === 'MongoNetworkError' || name === 'NatsError') {
    return new GraphQLError('A backing service is unavailable; try again shortly', { extensions: { code: 'UNAVAILABLE' } });
  }
  return new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}

/** Apollo `formatError`: keep codes Apollo itself assigns (parse/validation), hide everything unexpected. */
export function formatGraphQLError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = (error as { originalError?: unknown })?.originalError ?? error;
    const code = formatted.extensions?.code;
    const keepsOwnCode = !(original instanceof DomainError) && code !== undefined && code !== 'INTERNAL_SERVER_ERROR';
    const mapped = keepsOwnCode ? new GraphQLError(formatted.message, { extensions: formatted.extensions }) : toGraphQLError(original);
    if (mapped.extensions.code === 'INTERNAL_SERVER_ERROR') logger.error({ err: original }, 'unexpected resolver error');
    const { stacktrace: _dropped, exception: _exception, ...extensions } = mapped.extensions as Record<string, unknown>;
    return { message: mapped.message, locations: formatted.locations, path: formatted.path, extensions };
  };
}
