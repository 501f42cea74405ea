/** MongoDB's server error code for a write that would break a unique index. */
const DUPLICATE_KEY = 11000;

/**
 * Whether a write failed only because a unique index already holds the value: a single write's
 * `MongoServerError`, or a bulk write (`insertMany`) whose every failed document was a duplicate.
 */
export function isDuplicateKeyError(error: unknown): boolean {
  const writeErrors = (error as { writeErrors?: unknown } | null)?.writeErrors;
  if (Array.isArray(writeErrors) && writeErrors.length > 0) {
    // A driver WriteError exposes `code`; the raw server reply nests it under `err`.
    return writeErrors.every((e: { code?: unknown; err?: { code?: unknown } } | null) => (e?.code ?? e?.err?.code) === DUPLICATE_KEY);
  }
  return (error as { code?: unknown } | null)?.code === DUPLICATE_KEY;
}
