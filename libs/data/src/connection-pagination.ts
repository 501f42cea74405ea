import type { QueryFilter, Model } from 'mongoose';
import { Types } from 'mongoose';

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

/** `first`/`after` out of range or forged; the kernel maps it to BAD_USER_INPUT naming the argument. */
export class InvalidPageArgsError extends Error {
  constructor(
    readonly field: 'first' | 'after',
    message: string,
  ) {
    super(message);
    this.name = 'InvalidPageArgsError';
  }
}

export function encodeCursor(id: Types.ObjectId | string): string {
  return Buffer.from(`id:${String(id)}`).toString('base64url');
}

export function decodeCursor(cursor: string): Types.ObjectId {
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = raw.startsWith('id:') ? raw.slice(3) : '';
  if (!Types.ObjectId.isValid(id)) throw new InvalidPageArgsError('after', 'not a cursor from this list');
  return new Types.ObjectId(id);
}

/** Relay-style keyset pagination over `_id` (stable under inserts, no skip scans). */
export async function paginateById<T extends { _id: Types.ObjectId }>(
  model: Model<any>,
  filter: QueryFilter<any>,
  args: PageArgs,
): Promise<Connection<T>> {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new InvalidPageArgsError('first', `must be between 0 and ${MAX_PAGE_SIZE}`);
  }
  const pageFilter = args.after ? { $and: [filter, { _id: { $gt: decodeCursor(args.after) } }] } : filter;
  const [rows, totalCount] = await Promise.all([
    model.find(pageFilter).sort({ _id: 1 }).limit(first + 1).lean<T[]>(),
    model.countDocuments(filter),
  ]);
  const page = rows.slice(0, first);
  return {
    edges: page.map((node) => ({ cursor: encodeCursor(node._id), node })),
    pageInfo: { hasNextPage: rows.length > first, endCursor: page.length ? encodeCursor(page[page.length - 1]._id) : null },
    totalCount,
  };
}
