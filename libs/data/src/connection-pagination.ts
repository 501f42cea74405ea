import type { QueryFilter, Model, ProjectionType } from 'mongoose';
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

/** The page size asked for, checked against the bounds every list shares. */
export function pageSize(args: PageArgs): number {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new InvalidPageArgsError('first', `must be between 0 and ${MAX_PAGE_SIZE}`);
  }
  return first;
}

/** Relay-style keyset pagination over `_id` (stable under inserts, no skip scans). */
export async function paginateById<T extends { _id: Types.ObjectId }>(
  model: Model<any>,
  filter: QueryFilter<any>,
  args: PageArgs,
  projection?: ProjectionType<any>,
): Promise<Connection<T>> {
  const first = pageSize(args);
  const pageFilter = args.after ? { $and: [filter, { _id: { $gt: decodeCursor(args.after) } }] } : filter;
  const [rows, totalCount] = await Promise.all([
    model.find(pageFilter, projection).sort({ _id: 1 }).limit(first + 1).lean<T[]>(),
    model.countDocuments(filter),
  ]);
  const page = rows.slice(0, first);
  return {
    edges: page.map((node) => ({ cursor: encodeCursor(node._id), node })),
    pageInfo: { hasNextPage: rows.length > first, endCursor: page.length ? encodeCursor(page[page.length - 1]._id) : null },
    totalCount,
  };
}

export type SortDirection = 'ASC' | 'DESC';

/** Sort by one document path, ties broken by `_id` in the same direction. */
export interface SortSpec {
  /** Document path, e.g. `createdAt` or `filing.nextDueAt`. */
  path: string;
  direction: SortDirection;
}

type SortValue = string | number | Date | null;

interface SortedCursor {
  /** The path the cursor was made for: a cursor from another sort is refused, not misread. */
  p: string;
  d: SortDirection;
  /** Value type: s(tring), n(umber), d(ate), z (null or missing). */
  t: 's' | 'n' | 'd' | 'z';
  v: string | number | null;
  id: string;
}

export function encodeSortedCursor(sort: SortSpec, value: unknown, id: Types.ObjectId): string {
  const cursor: SortedCursor = { p: sort.path, d: sort.direction, id: String(id), ...typedValue(value) };
  return Buffer.from(`sk:${JSON.stringify(cursor)}`).toString('base64url');
}

export function decodeSortedCursor(sort: SortSpec, cursor: string): { value: SortValue; id: Types.ObjectId } {
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  let parsed: SortedCursor | undefined;
  try {
    parsed = raw.startsWith('sk:') ? (JSON.parse(raw.slice(3)) as SortedCursor) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || parsed.p !== sort.path || parsed.d !== sort.direction || !Types.ObjectId.isValid(parsed.id)) {
    throw new InvalidPageArgsError('after', 'not a cursor from this list and sort order');
  }
  const value = untypedValue(parsed);
  if (value === undefined) throw new InvalidPageArgsError('after', 'not a cursor from this list and sort order');
  return { value, id: new Types.ObjectId(parsed.id) };
}

function typedValue(value: unknown): Pick<SortedCursor, 't' | 'v'> {
  if (value === null || value === undefined) return { t: 'z', v: null };
  if (value instanceof Date) return { t: 'd', v: value.toISOString() };
  if (typeof value === 'number') return { t: 'n', v: value };
  return { t: 's', v: String(value) };
}

function untypedValue(cursor: SortedCursor): SortValue | undefined {
  switch (cursor.t) {
    case 'z':
      return null;
    case 'd': {
      const at = new Date(String(cursor.v));
      return Number.isNaN(at.getTime()) ? undefined : at;
    }
    case 'n':
      return typeof cursor.v === 'number' ? cursor.v : undefined;
    case 's':
      return typeof cursor.v === 'string' ? cursor.v : undefined;
    default:
      return undefined;
  }
}

/**
 * The rows after (value, id) in `(path, _id)` order. MongoDB sorts null and missing values before every
 * other value, so ascending lists start with them and descending lists end with them.
 */
export function afterSortKey(sort: SortSpec, value: SortValue, id: Types.ObjectId): QueryFilter<any> {
  const { path } = sort;
  if (sort.direction === 'ASC') {
    if (value === null) return { $or: [{ [path]: null, _id: { $gt: id } }, { [path]: { $ne: null } }] };
    return { $or: [{ [path]: { $gt: value } }, { [path]: value, _id: { $gt: id } }] };
  }
  if (value === null) return { [path]: null, _id: { $lt: id } };
  return { $or: [{ [path]: { $lt: value } }, { [path]: value, _id: { $lt: id } }, { [path]: null }] };
}

function valueAt(row: unknown, path: string): unknown {
  let current: unknown = row;
  for (const key of path.split('.')) {
    if (current === null || current === undefined || typeof current !== 'object') return null;
    current = (current as Record<string, unknown>)[key];
  }
  return current ?? null;
}

/**
 * Relay-style keyset pagination in any one-field order: the cursor carries the sort value and the `_id`,
 * so a page never skips or repeats a row when others are inserted meanwhile (no skip scans either).
 */
export async function paginateSorted<T extends { _id: Types.ObjectId }>(
  model: Model<any>,
  filter: QueryFilter<any>,
  sort: SortSpec,
  args: PageArgs,
  projection?: ProjectionType<any>,
): Promise<Connection<T>> {
  const first = pageSize(args);
  let pageFilter = filter;
  if (args.after) {
    const { value, id } = decodeSortedCursor(sort, args.after);
    pageFilter = { $and: [filter, afterSortKey(sort, value, id)] };
  }
  const order = sort.direction === 'ASC' ? 1 : -1;
  const [rows, totalCount] = await Promise.all([
    model
      .find(pageFilter, projection)
      .sort({ [sort.path]: order, _id: order })
      .limit(first + 1)
      .lean<T[]>(),
    model.countDocuments(filter),
  ]);
  const page = rows.slice(0, first);
  const cursorOf = (node: T) => encodeSortedCursor(sort, valueAt(node, sort.path), node._id);
  return {
    edges: page.map((node) => ({ cursor: cursorOf(node), node })),
    pageInfo: { hasNextPage: rows.length > first, endCursor: page.length ? cursorOf(page[page.length - 1]) : null },
    totalCount,
  };
}
