import type { QueryFilter, Model, ProjectionType } from 'mongoose';
import { Types } from 'mongoose';

/** Relay's connection arguments: `first` after a cursor, or `last` before one. */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  /** Count the whole list too (`totalCount`); pass false when the query does not select it. Default true. */
  countTotal?: boolean;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  /** Absent when the page was read with `countTotal: false`. */
  totalCount?: number;
}

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

/** A page argument out of range or forged; the kernel maps it to BAD_USER_INPUT naming the argument. */
export class InvalidPageArgsError extends Error {
  constructor(
    readonly field: 'first' | 'after' | 'last' | 'before',
    message: string,
  ) {
    super(message);
    this.name = 'InvalidPageArgsError';
  }
}

export function encodeCursor(id: Types.ObjectId | string): string {
  return Buffer.from(`id:${String(id)}`).toString('base64url');
}

export function decodeCursor(cursor: string, field: 'after' | 'before' = 'after'): Types.ObjectId {
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = raw.startsWith('id:') ? raw.slice(3) : '';
  if (!Types.ObjectId.isValid(id)) throw new InvalidPageArgsError(field, 'not a cursor from this list');
  return new Types.ObjectId(id);
}

function boundedSize(size: number | null | undefined, field: 'first' | 'last'): number {
  const asked = size ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(asked) || asked < 0 || asked > MAX_PAGE_SIZE) throw new InvalidPageArgsError(field, `must be between 0 and ${MAX_PAGE_SIZE}`);
  return asked;
}

/** How a page is read: `size` rows from the start of the window (`first`) or from its end (`last`, backward). */
export function pageWindow(args: PageArgs): { size: number; backward: boolean } {
  if (args.first != null && args.last != null) throw new InvalidPageArgsError('last', 'pass first (with after) or last (with before), not both');
  const backward = args.last != null || (args.before != null && args.first == null);
  return { size: boundedSize(backward ? args.last : args.first, backward ? 'last' : 'first'), backward };
}

/** The page size asked for, checked against the bounds every list shares. */
export function pageSize(args: PageArgs): number {
  return pageWindow(args).size;
}

/** A list order as keyset pagination needs it: the sort both ways, the rows after/before a cursor, a row's cursor. */
interface KeysetOrder<T> {
  sort: Record<string, 1 | -1>;
  reversed: Record<string, 1 | -1>;
  after(cursor: string): QueryFilter<any>;
  before(cursor: string): QueryFilter<any>;
  cursorOf(node: T): string;
}

const both = (a: QueryFilter<any>, b: QueryFilter<any>): QueryFilter<any> => ({ $and: [a, b] });

/**
 * One page of `filter` in `order`: `after` and `before` narrow the window, `first` reads from its start and
 * `last` from its end. The far side of a given cursor is one existence check (hasPreviousPage after `after`,
 * hasNextPage before `before`), so both flags are exact.
 */
async function keysetPage<T>(model: Model<any>, filter: QueryFilter<any>, order: KeysetOrder<T>, args: PageArgs, projection?: ProjectionType<any>): Promise<Connection<T>> {
  const { size, backward } = pageWindow(args);
  let window = filter;
  if (args.after) window = both(window, order.after(args.after));
  if (args.before) window = both(window, order.before(args.before));
  const beyond = async (cursor: string | null | undefined, side: (cursor: string) => QueryFilter<any>) =>
    cursor ? (await model.exists(both(filter, { $nor: [side(cursor)] }))) !== null : false;
  const [rows, totalCount, beforeWindow, afterWindow] = await Promise.all([
    model.find(window, projection).sort(backward ? order.reversed : order.sort).limit(size + 1).lean<T[]>(),
    args.countTotal === false ? undefined : model.countDocuments(filter),
    beyond(args.after, order.after),
    beyond(args.before, order.before),
  ]);
  const page = rows.slice(0, size);
  if (backward) page.reverse();
  const edges = page.map((node) => ({ cursor: order.cursorOf(node), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: backward ? afterWindow : rows.length > size || afterWindow,
      hasPreviousPage: backward ? rows.length > size || beforeWindow : beforeWindow,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount,
  };
}

/** Relay-style keyset pagination over `_id` (stable under inserts, no skip scans); DESC lists newest first. */
export function paginateById<T extends { _id: Types.ObjectId }>(
  model: Model<any>,
  filter: QueryFilter<any>,
  args: PageArgs,
  projection?: ProjectionType<any>,
  direction: SortDirection = 'ASC',
): Promise<Connection<T>> {
  const [later, earlier] = direction === 'ASC' ? (['$gt', '$lt'] as const) : (['$lt', '$gt'] as const);
  const order = direction === 'ASC' ? 1 : -1;
  return keysetPage<T>(
    model,
    filter,
    {
      sort: { _id: order },
      reversed: { _id: -order as 1 | -1 },
      after: (cursor) => ({ _id: { [later]: decodeCursor(cursor, 'after') } }),
      before: (cursor) => ({ _id: { [earlier]: decodeCursor(cursor, 'before') } }),
      cursorOf: (node) => encodeCursor(node._id),
    },
    args,
    projection,
  );
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

export function decodeSortedCursor(sort: SortSpec, cursor: string, field: 'after' | 'before' = 'after'): { value: SortValue; id: Types.ObjectId } {
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  let parsed: SortedCursor | undefined;
  try {
    parsed = raw.startsWith('sk:') ? (JSON.parse(raw.slice(3)) as SortedCursor) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || parsed.p !== sort.path || parsed.d !== sort.direction || !Types.ObjectId.isValid(parsed.id)) {
    throw new InvalidPageArgsError(field, 'not a cursor from this list and sort order');
  }
  const value = untypedValue(parsed);
  if (value === undefined) throw new InvalidPageArgsError(field, 'not a cursor from this list and sort order');
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
 * so a page never skips or repeats a row when others are inserted meanwhile (no skip scans either). The rows
 * before a cursor are the rows after it in the opposite order.
 */
export function paginateSorted<T extends { _id: Types.ObjectId }>(
  model: Model<any>,
  filter: QueryFilter<any>,
  sort: SortSpec,
  args: PageArgs,
  projection?: ProjectionType<any>,
): Promise<Connection<T>> {
  const order = sort.direction === 'ASC' ? 1 : -1;
  const opposite: SortSpec = { path: sort.path, direction: sort.direction === 'ASC' ? 'DESC' : 'ASC' };
  const keyOf = (cursor: string, field: 'after' | 'before') => decodeSortedCursor(sort, cursor, field);
  return keysetPage<T>(
    model,
    filter,
    {
      sort: { [sort.path]: order, _id: order },
      reversed: { [sort.path]: -order as 1 | -1, _id: -order as 1 | -1 },
      after: (cursor) => {
        const { value, id } = keyOf(cursor, 'after');
        return afterSortKey(sort, value, id);
      },
      before: (cursor) => {
        const { value, id } = keyOf(cursor, 'before');
        return afterSortKey(opposite, value, id);
      },
      cursorOf: (node) => encodeSortedCursor(sort, valueAt(node, sort.path), node._id),
    },
    args,
    projection,
  );
}
