import { z } from 'zod';

/** Required text, trimmed, up to `max` characters. */
export const requiredText = (max: number) => z.string().trim().min(1, 'is required').max(max, `must be at most ${max} characters`);

/** Optional text: blank reads as null. */
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .nullish()
    .transform((v) => (v ? v : null));

/** A list page's `first`. */
export const pageSize = (max: number) => z.number().int().min(0).max(max, `must be at most ${max}`);
