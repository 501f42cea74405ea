import { uniqueDatabaseName } from '@crm/testing';
import { Schema, Types, type Connection as MongoConnection, type Model } from 'mongoose';
import { InvalidPageArgsError, paginateById, paginateSorted, type Connection, type PageArgs, type SortSpec } from './connection-pagination';
import { connectMongo } from './mongo-connection';

interface Row {
  _id: Types.ObjectId;
  n: number | null;
}

// Every page of a list read forwards and backwards against the real MongoDB-wire server: the pages join up to
// the whole list in order, and the four PageInfo fields say exactly what lies on either side.
describe('keyset pagination both ways', () => {
  let connection: MongoConnection;
  let rows: Model<Row>;
  const ids = Array.from({ length: 7 }, () => new Types.ObjectId());
  // Two nulls (Mongo sorts them before every value ascending) and a tie on 2, broken by _id.
  const values = [3, null, 2, 5, 2, null, 1];

  beforeAll(async () => {
    connection = await connectMongo({ url: process.env.MONGO_URL!, dbName: uniqueDatabaseName('data') });
    rows = connection.model<Row>('Row', new Schema({ _id: Schema.Types.ObjectId, n: Number }, { versionKey: false }), 'rows');
    await rows.insertMany(ids.map((_id, i) => ({ _id, n: values[i] })));
  });
  afterAll(() => connection.close());

  const idsOf = (page: Connection<Row>) => page.edges.map((edge) => String(edge.node._id));

  /** Every page of `size`, following endCursor forwards, then startCursor backwards. */
  async function walk(read: (args: PageArgs) => Promise<Connection<Row>>, size: number) {
    const forward: string[][] = [];
    const flags: [boolean, boolean][] = [];
    let page = await read({ first: size });
    for (;;) {
      forward.push(idsOf(page));
      flags.push([page.pageInfo.hasPreviousPage, page.pageInfo.hasNextPage]);
      if (!page.pageInfo.hasNextPage) break;
      page = await read({ first: size, after: page.pageInfo.endCursor });
    }
    const backward: string[][] = [];
    page = await read({ last: size });
    for (;;) {
      backward.unshift(idsOf(page));
      if (!page.pageInfo.hasPreviousPage) break;
      page = await read({ last: size, before: page.pageInfo.startCursor });
    }
    return { forward, backward, flags };
  }

  const expectedOrder = (sort: SortSpec) =>
    ids
      .map((id, i) => ({ id: String(id), n: values[i] }))
      .sort((a, b) => {
        const key = (v: number | null) => (v === null ? -Infinity : v);
        const byValue = key(a.n) - key(b.n) || (a.id < b.id ? -1 : 1);
        return sort.direction === 'ASC' ? byValue : -byValue;
      })
      .map((row) => row.id);

  it.each([
    ['ascending', { path: 'n', direction: 'ASC' as const }],
    ['descending', { path: 'n', direction: 'DESC' as const }],
  ])('pages a sorted list %s, forwards and backwards, with exact flags', async (_, sort) => {
    const { forward, backward, flags } = await walk((args) => paginateSorted<Row>(rows, {}, sort, args), 3);
    expect(forward.flat()).toEqual(expectedOrder(sort));
    expect(forward.map((page) => page.length)).toEqual([3, 3, 1]);
    expect(flags).toEqual([[false, true], [true, true], [true, false]]);
    expect(backward.flat()).toEqual(expectedOrder(sort));
    expect(backward.map((page) => page.length)).toEqual([1, 3, 3]);
  });

  it('pages by _id both ways, oldest or newest first', async () => {
    const oldestFirst = ids.map(String).sort();
    const up = await walk((args) => paginateById<Row>(rows, {}, args), 2);
    expect(up.forward.flat()).toEqual(oldestFirst);
    expect(up.backward.flat()).toEqual(oldestFirst);
    const down = await walk((args) => paginateById<Row>(rows, {}, args, undefined, 'DESC'), 4);
    expect(down.forward.flat()).toEqual([...oldestFirst].reverse());
    expect(down.backward.flat()).toEqual([...oldestFirst].reverse());
  });

  it('reads a window between two cursors, and knows what lies outside it', async () => {
    const sorted = ids.map(String).sort();
    const all = await paginateById<Row>(rows, {}, { first: 7 });
    const [, second, , , fifth] = all.edges.map((edge) => edge.cursor);
    const between = await paginateById<Row>(rows, {}, { first: 10, after: second, before: fifth });
    expect(idsOf(between)).toEqual(sorted.slice(2, 4));
    expect(between.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    const last = await paginateById<Row>(rows, {}, { last: 1, before: fifth });
    expect(idsOf(last)).toEqual([sorted[3]]);
    expect(last.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true, startCursor: last.edges[0].cursor, endCursor: last.edges[0].cursor });
    expect(all.totalCount).toBe(7);
    const empty = await paginateById<Row>(rows, { n: 99 }, { last: 5 });
    expect(empty.pageInfo).toEqual({ hasPreviousPage: false, hasNextPage: false, startCursor: null, endCursor: null });
  });

  it('counts the whole list only when asked to', async () => {
    expect((await paginateById<Row>(rows, {}, { first: 2 })).totalCount).toBe(7);
    const uncounted = await paginateById<Row>(rows, {}, { first: 2, countTotal: false });
    expect(uncounted.totalCount).toBeUndefined();
    expect(uncounted.edges).toHaveLength(2);
    expect((await paginateSorted<Row>(rows, {}, { path: 'n', direction: 'ASC' }, { first: 2, countTotal: false })).totalCount).toBeUndefined();
  });

  it('refuses first with last, a size out of bounds, and a forged before', async () => {
    await expect(paginateById<Row>(rows, {}, { first: 1, last: 1 })).rejects.toMatchObject({ field: 'last' });
    await expect(paginateById<Row>(rows, {}, { last: 201 })).rejects.toMatchObject({ field: 'last' });
    await expect(paginateById<Row>(rows, {}, { last: 1, before: 'bm9wZQ' })).rejects.toBeInstanceOf(InvalidPageArgsError);
    await expect(paginateSorted<Row>(rows, {}, { path: 'n', direction: 'ASC' }, { before: 'bm9wZQ' })).rejects.toMatchObject({ field: 'before' });
  });
});
