import { BadUserInputError } from './errors';
import { z } from 'zod';

/** Validate input with zod; a failure is one BAD_USER_INPUT error naming its first field and listing every problem. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix = 'input'): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => ({ field: [prefix, ...issue.path.map(String)].join('.'), message: issue.message }));
  throw new BadUserInputError(problems[0].field, problems[0].message, problems);
}

/**
 * A `DateTime` argument: the scalar (graphql-scalars) hands resolvers a Date; a service called directly may still
 * pass the ISO-8601 string with its zone.
 */
export const dateTimeInput = z.union([z.date(), z.iso.datetime({ offset: true, message: 'must be an ISO-8601 date-time with a time zone' })]).transform((v) => new Date(v));

/** A create mutation's optional idempotency key (libs/data createOnce). */
export const idempotencyKeyInput = z.string().trim().min(1).max(100).nullish();
