import { BadUserInputError } from './errors';
import type { z } from 'zod';

/** Validate input with zod; the first problem becomes a BAD_USER_INPUT error naming its field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix = 'input'): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new BadUserInputError([prefix, ...issue.path.map(String)].join('.'), issue.message);
}
