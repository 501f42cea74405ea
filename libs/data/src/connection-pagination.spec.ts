import { Types } from 'mongoose';
import { afterSortKey, decodeSortedCursor, encodeSortedCursor, InvalidPageArgsError, pageSize } from './connection-pagination';

describe('sorted keyset pagination', () => {
  const id = new Types.ObjectId();
  const byDue = { path: 'filing.nextDueAt', direction: 'ASC' as const };

  it('round-trips the sort value with its type and the _id', () => {
    const at = new Date('2025-03-10T15:59:59.999Z');
    expect(decodeSortedCursor(byDue, encodeSortedCursor(byDue, at, id))).toEqual({ value: at, id });
    const byName = { path: 'name', direction: 'DESC' as const };
    expect(decodeSortedCursor(byName, encodeSortedCursor(byName, 'acme', id))).toEqual({ value: 'acme', id });
    const byRank = { path: 'rank', direction: 'ASC' as const };
    expect(decodeSortedCursor(byRank, encodeSortedCursor(byRank, 0, id))).toEqual({ value: 0, id });
    expect(decodeSortedCursor(byDue, encodeSortedCursor(byDue, undefined, id))).toEqual({ value: null, id });
  });

  it('refuses a cursor from another sort order or a forged one', () => {
    const cursor = encodeSortedCursor(byDue, new Date(), id);
    expect(() => decodeSortedCursor({ ...byDue, direction: 'DESC' }, cursor)).toThrow(InvalidPageArgsError);
    expect(() => decodeSortedCursor({ path: 'createdAt', direction: 'ASC' }, cursor)).toThrow(InvalidPageArgsError);
    expect(() => decodeSortedCursor(byDue, 'bm9wZQ')).toThrow(InvalidPageArgsError);
    expect(() => decodeSortedCursor(byDue, Buffer.from('sk:{"p":"filing.nextDueAt","d":"ASC","t":"d","v":"soon","id":"x"}').toString('base64url'))).toThrow(InvalidPageArgsError);
  });

  it('continues after a value, ties broken by _id; nulls come first ascending and last descending', () => {
    expect(afterSortKey({ path: 'n', direction: 'ASC' }, 3, id)).toEqual({ $or: [{ n: { $gt: 3 } }, { n: 3, _id: { $gt: id } }] });
    expect(afterSortKey({ path: 'n', direction: 'ASC' }, null, id)).toEqual({ $or: [{ n: null, _id: { $gt: id } }, { n: { $ne: null } }] });
    expect(afterSortKey({ path: 'n', direction: 'DESC' }, 3, id)).toEqual({ $or: [{ n: { $lt: 3 } }, { n: 3, _id: { $lt: id } }, { n: null }] });
    expect(afterSortKey({ path: 'n', direction: 'DESC' }, null, id)).toEqual({ n: null, _id: { $lt: id } });
  });

  it('bounds the page size', () => {
    expect(pageSize({})).toBe(50);
    expect(() => pageSize({ first: 201 })).toThrow(InvalidPageArgsError);
    expect(() => pageSize({ first: -1 })).toThrow(InvalidPageArgsError);
  });
});
