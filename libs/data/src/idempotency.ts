import type { Model, Schema } from 'mongoose';
import { isDuplicateKeyError } from './duplicate-key';

/**
 * Create mutations take an optional idempotency key: a retry with the same key (a timeout, a lost response)
 * returns the first result and writes nothing, no second record and no second event. Keys are scoped to the
 * caller, so two clients choosing the same key never meet.
 */
export function idempotencyKeyOf(userId: string, key: string | null | undefined): string | undefined {
  return key ? `${userId}\u0000${key}` : undefined;
}

/** The stored key on a model that creates its records once per key (unique among the records that carry one). */
export function withIdempotencyKey(schema: Schema): void {
  schema.add({ idempotencyKey: { type: String } });
  schema.index({ idempotencyKey: 1 }, { unique: true, sparse: true });
}

/** What a new record stores of its request's key: `{ idempotencyKey }`, or nothing for a request without one. */
export type StoredIdempotencyKey = { idempotencyKey?: string };

/**
 * `create` once per key: the record an earlier request with this key created, or the one `create` writes (it
 * spreads `stored` into the new record). A concurrent twin that loses the insert race gets the winner's record.
 */
export async function createOnce<T>(model: Model<any>, key: string | undefined, create: (stored: StoredIdempotencyKey) => Promise<T>): Promise<T> {
  if (!key) return create({});
  const earlier = await model.findOne({ idempotencyKey: key }).lean<T>().exec();
  if (earlier) return earlier;
  try {
    return await create({ idempotencyKey: key });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    const winner = await model.findOne({ idempotencyKey: key }).lean<T>().exec();
    if (!winner) throw error;
    return winner;
  }
}
