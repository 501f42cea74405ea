#!/usr/bin/env node
/*
 * Operator-by-operator probe (driver level, no mongoose models) to pin down exactly which
 * query/update/aggregation features a dev server supports. Companion of spike.cjs.
 *
 *   MONGO_URL=mongodb://127.0.0.1:27017 node infra/mongo-server/spike/operators.cjs
 *
 * Each probe is compared with what a real MongoDB returns; prints OK / WRONG (silently different result) /
 * ERROR (server rejected it). Uses a fresh database ops_<timestamp> and drops it at the end.
 */
'use strict';

const mongoose = require('mongoose');

const url = process.env.MONGO_URL;
if (!url) {
  console.error('MONGO_URL is required');
  process.exit(2);
}

const rows = [];
const seed = () => [
  { _id: 1, t: 'a', n: 1, tags: ['x', 'y', 'z'], arr: [{ k: 1, v: 'p' }, { k: 5, v: 'q' }], d: new Date('2024-03-05T10:00:00Z'), s: 'Alpha' },
  { _id: 2, t: 'a', n: 3, tags: ['y'], arr: [{ k: 9, v: 'r' }], d: new Date('2024-03-06T10:00:00Z'), s: 'beta' },
  { _id: 3, t: 'b', n: 8, tags: [], arr: [], d: new Date('2025-01-01T00:00:00Z'), s: 'Gamma' },
];

async function probe(db, kind, name, fn, expected) {
  const c = db.collection(`p${rows.length}`);
  await c.insertMany(seed());
  let status;
  let detail = '';
  try {
    const got = await fn(c, db);
    const a = JSON.stringify(got);
    const b = JSON.stringify(expected);
    status = a === b ? 'OK' : 'WRONG';
    if (status === 'WRONG') detail = `expected ${b} got ${a}`;
  } catch (e) {
    status = 'ERROR';
    detail = `${e.code !== undefined ? `code=${e.code} ` : ''}${String(e.message).split('\n')[0].slice(0, 160)}`;
  }
  rows.push({ kind, name, status, detail });
  console.log(`${status.padEnd(5)} ${kind.padEnd(6)} ${name}${detail ? ` — ${detail}` : ''}`);
}

const upd = (filter, update, opts = {}) => async (c) => {
  await c.updateOne(filter, update, opts);
  const d = await c.findOne({ _id: filter._id });
  return d;
};
const ids = (filter, opts = {}) => async (c) => (await c.find(filter, opts).sort({ _id: 1 }).toArray()).map((d) => d._id);
const agg = (pipeline) => async (c) => c.aggregate(pipeline).toArray();
const pick = (f) => (d) => f(d);

async function main() {
  await mongoose.connect(url, { dbName: `ops_${Date.now()}`, serverSelectionTimeoutMS: 5000 });
  const db = mongoose.connection.db;
  const P = (...a) => probe(db, ...a);

  // ---- update operators
  await P('update', '$pull value', async (c) => (await upd({ _id: 1 }, { $pull: { tags: 'y' } })(c)).tags, ['x', 'z']);
  await P('update', '$pull {$in}', async (c) => (await upd({ _id: 1 }, { $pull: { tags: { $in: ['x', 'z'] } } })(c)).tags, ['y']);
  await P('update', '$pull subdoc condition', async (c) => (await upd({ _id: 1 }, { $pull: { arr: { k: { $gt: 2 } } } })(c)).arr.length, 1);
  await P('update', '$pullAll', async (c) => (await upd({ _id: 1 }, { $pullAll: { tags: ['x', 'y'] } })(c)).tags, ['z']);
  await P('update', '$pop', async (c) => (await upd({ _id: 1 }, { $pop: { tags: 1 } })(c)).tags, ['x', 'y']);
  await P('update', '$push $each $position', async (c) => (await upd({ _id: 1 }, { $push: { tags: { $each: ['w'], $position: 0 } } })(c)).tags, ['w', 'x', 'y', 'z']);
  await P('update', '$push $each $sort $slice', async (c) => (await upd({ _id: 1 }, { $push: { tags: { $each: ['a'], $sort: 1, $slice: 2 } } })(c)).tags, ['a', 'x']);
  await P('update', '$addToSet $each', async (c) => (await upd({ _id: 1 }, { $addToSet: { tags: { $each: ['x', 'q'] } } })(c)).tags, ['x', 'y', 'z', 'q']);
  await P('update', '$inc / $mul', async (c) => pick((d) => d.n)(await upd({ _id: 1 }, { $inc: { n: 4 }, $mul: { m: 2 } })(c)), 5);
  await P('update', '$rename', async (c) => pick((d) => [d.s ?? null, d.name])(await upd({ _id: 1 }, { $rename: { s: 'name' } })(c)), [null, 'Alpha']);
  await P('update', '$currentDate', async (c) => (await upd({ _id: 1 }, { $currentDate: { seen: true } })(c)).seen instanceof Date, true);
  await P('update', '$min / $max', async (c) => pick((d) => [d.n, d.hi])(await upd({ _id: 1 }, { $min: { n: 0 }, $max: { hi: 7 } })(c)), [0, 7]);
  await P('update', 'positional $', async (c) => (await upd({ _id: 1, 'arr.k': 5 }, { $set: { 'arr.$.v': 'Q' } })(c)).arr[1].v, 'Q');
  await P('update', 'all positional $[]', async (c) => (await upd({ _id: 1 }, { $inc: { 'arr.$[].k': 10 } })(c)).arr.map((a) => a.k), [11, 15]);
  await P('update', 'arrayFilters $[e] (updateOne)', async (c) => (await upd({ _id: 1 }, { $set: { 'arr.$[e].v': 'big' } }, { arrayFilters: [{ 'e.k': { $gt: 2 } }] })(c)).arr.map((a) => a.v), ['p', 'big']);
  await P('update', 'arrayFilters $[e] (findOneAndUpdate)', async (c) => (await c.findOneAndUpdate({ _id: 1 }, { $set: { 'arr.$[e].v': 'big' } }, { arrayFilters: [{ 'e.k': { $gt: 2 } }], returnDocument: 'after' })).arr.map((a) => a.v), ['p', 'big']);
  await P('update', 'pipeline update [{ $set }]', async (c) => (await upd({ _id: 1 }, [{ $set: { n2: { $add: ['$n', 1] } } }])(c)).n2, 2);
  await P('update', 'upsert $setOnInsert', async (c) => {
    await c.updateOne({ _id: 9 }, { $setOnInsert: { created: 1 }, $set: { n: 1 } }, { upsert: true });
    return c.findOne({ _id: 9 });
  }, { _id: 9, created: 1, n: 1 });
  await P('update', 'findOneAndReplace / findOneAndDelete', async (c) => {
    await c.findOneAndReplace({ _id: 2 }, { t: 'r' });
    const del = await c.findOneAndDelete({ _id: 3 });
    return [await c.findOne({ _id: 2 }), del?._id, await c.countDocuments()];
  }, [{ _id: 2, t: 'r' }, 3, 2]);

  // ---- query operators
  await P('query', '$exists / $in / $nin / $ne', ids({ tags: { $in: ['z'] }, s: { $exists: true }, t: { $ne: 'b' }, n: { $nin: [3] } }), [1]);
  await P('query', '$or / $and / $not', ids({ $or: [{ n: 1 }, { $and: [{ t: 'b' }, { n: { $not: { $lt: 5 } } }] }] }), [1, 3]);
  await P('query', '$regex (i)', ids({ s: { $regex: '^a', $options: 'i' } }), [1]);
  await P('query', '$elemMatch (subdoc)', ids({ arr: { $elemMatch: { k: { $gt: 2 }, v: 'q' } } }), [1]);
  await P('query', '$elemMatch (scalar)', ids({ tags: { $elemMatch: { $gte: 'z' } } }), [1]);
  await P('query', '$all / $size', ids({ tags: { $all: ['x', 'y'] }, arr: { $size: 2 } }), [1]);
  await P('query', '$type / $mod', ids({ n: { $type: 'number', $mod: [2, 1] } }), [1, 2]);
  await P('query', '$expr', ids({ $expr: { $gt: ['$n', 2] } }), [2, 3]);
  await P('query', 'dot path into array', ids({ 'arr.k': 9 }), [2]);
  await P('query', 'date range', ids({ d: { $gte: new Date('2024-03-06'), $lt: new Date('2026-01-01') } }), [2, 3]);
  await P('query', 'projection incl + $slice', async (c) => {
    const d = await c.findOne({ _id: 1 }, { projection: { tags: { $slice: 1 }, n: 1 } });
    return [Object.keys(d).sort(), d.n, d.tags]; // field order is not compared
  }, [['_id', 'n', 'tags'], 1, ['x']]);
  await P('query', 'collation strength 2', ids({ s: 'alpha' }, { collation: { locale: 'en', strength: 2 } }), [1]);
  await P('query', 'sort by collation', async (c) => (await c.find({}, { collation: { locale: 'en' } }).sort({ s: 1 }).toArray()).map((d) => d.s), ['Alpha', 'beta', 'Gamma']);
  await P('query', '$text', async (c) => {
    await c.createIndex({ s: 'text' });
    return ids({ $text: { $search: 'gamma' } })(c);
  }, [3]);
  await P('query', 'hint', async (c) => {
    await c.createIndex({ t: 1 });
    return ids({ t: 'a' }, { hint: { t: 1 } })(c);
  }, [1, 2]);
  await P('query', 'writeConcern majority + readConcern', async (c) => {
    await c.insertOne({ _id: 7 }, { writeConcern: { w: 'majority', j: true } });
    return (await c.find({ _id: 7 }, { readConcern: { level: 'majority' } }).toArray()).length;
  }, 1);

  // ---- aggregation stages
  await P('agg', '$group $sum/$avg/$min/$max/$push/$addToSet/$first/$last', agg([
    { $sort: { _id: 1 } },
    { $group: { _id: '$t', sum: { $sum: '$n' }, avg: { $avg: '$n' }, min: { $min: '$n' }, max: { $max: '$n' }, all: { $push: '$_id' }, set: { $addToSet: '$t' }, first: { $first: '$_id' }, last: { $last: '$_id' } } },
    { $sort: { _id: 1 } },
  ]), [
    { _id: 'a', sum: 4, avg: 2, min: 1, max: 3, all: [1, 2], set: ['a'], first: 1, last: 2 },
    { _id: 'b', sum: 8, avg: 8, min: 8, max: 8, all: [3], set: ['b'], first: 3, last: 3 },
  ]);
  await P('agg', '$group $sum only', agg([{ $group: { _id: '$t', sum: { $sum: '$n' }, c: { $sum: 1 } } }, { $sort: { _id: 1 } }]), [{ _id: 'a', sum: 4, c: 2 }, { _id: 'b', sum: 8, c: 1 }]);
  await P('agg', '$facet', agg([{ $facet: { a: [{ $match: { t: 'a' } }, { $count: 'n' }], b: [{ $sort: { n: -1 } }, { $limit: 1 }, { $project: { _id: 1 } }] } }]), [{ a: [{ n: 2 }], b: [{ _id: 3 }] }]);
  await P('agg', '$count / $skip / $limit', agg([{ $sort: { _id: 1 } }, { $skip: 1 }, { $limit: 5 }, { $count: 'n' }]), [{ n: 2 }]);
  await P('agg', '$unwind (+ includeArrayIndex)', agg([{ $match: { _id: 1 } }, { $unwind: { path: '$tags', includeArrayIndex: 'i' } }, { $project: { _id: 0, tags: 1, i: 1 } }]), [{ tags: 'x', i: 0 }, { tags: 'y', i: 1 }, { tags: 'z', i: 2 }]);
  await P('agg', '$lookup (localField/foreignField)', async (c, db2) => {
    await db2.collection('lk').insertMany([{ ref: 'a', x: 1 }, { ref: 'a', x: 2 }]);
    return c.aggregate([{ $match: { _id: 1 } }, { $lookup: { from: 'lk', localField: 't', foreignField: 'ref', as: 'j' } }, { $project: { _id: 0, n: { $size: '$j' } } }]).toArray();
  }, [{ n: 2 }]);
  await P('agg', '$lookup (let/pipeline)', async (c, db2) =>
    c.aggregate([{ $match: { _id: 1 } }, { $lookup: { from: 'lk', let: { tt: '$t' }, pipeline: [{ $match: { $expr: { $eq: ['$ref', '$$tt'] } } }, { $match: { x: 2 } }], as: 'j' } }, { $project: { _id: 0, n: { $size: '$j' } } }]).toArray(), [{ n: 1 }]);
  await P('agg', '$addFields', agg([{ $match: { _id: 2 } }, { $addFields: { n2: { $multiply: ['$n', 2] } } }, { $project: { n2: 1 } }]), [{ _id: 2, n2: 6 }]);
  await P('agg', '$set stage', agg([{ $match: { _id: 2 } }, { $set: { z: 1 } }, { $project: { z: 1 } }]), [{ _id: 2, z: 1 }]);
  await P('agg', '$unset stage', agg([{ $match: { _id: 2 } }, { $unset: ['tags', 'arr', 'd', 's', 't'] }]), [{ _id: 2, n: 3 }]);
  await P('agg', '$project exclusion', agg([{ $match: { _id: 2 } }, { $project: { tags: 0, arr: 0, d: 0, s: 0, t: 0 } }]), [{ _id: 2, n: 3 }]);
  await P('agg', '$replaceRoot', agg([{ $match: { _id: 2 } }, { $replaceRoot: { newRoot: { id: '$_id' } } }]), [{ id: 2 }]);
  await P('agg', '$sortByCount', agg([{ $sortByCount: '$t' }]), [{ _id: 'a', count: 2 }, { _id: 'b', count: 1 }]);
  await P('agg', '$bucket', agg([{ $bucket: { groupBy: '$n', boundaries: [0, 5, 10], default: 'other' } }]), [{ _id: 0, count: 2 }, { _id: 5, count: 1 }]);
  await P('agg', '$unionWith', agg([{ $match: { _id: 1 } }, { $project: { _id: 1 } }, { $unionWith: { coll: 'lk', pipeline: [{ $project: { _id: 0, x: 1 } }] } }]), [{ _id: 1 }, { x: 1 }, { x: 2 }]);
  await P('agg', '$out', async (c, db2) => {
    await c.aggregate([{ $match: { t: 'a' } }, { $out: 'outc' }]).toArray();
    return db2.collection('outc').countDocuments();
  }, 2);
  await P('agg', '$merge', async (c, db2) => {
    await c.aggregate([{ $match: { t: 'b' } }, { $project: { n: 1 } }, { $merge: { into: 'mergec' } }]).toArray();
    return db2.collection('mergec').countDocuments();
  }, 1);
  await P('agg', '$setWindowFields', agg([{ $setWindowFields: { sortBy: { _id: 1 }, output: { run: { $sum: '$n', window: { documents: ['unbounded', 'current'] } } } } }, { $project: { run: 1 } }]), [{ _id: 1, run: 1 }, { _id: 2, run: 4 }, { _id: 3, run: 12 }]);
  await P('agg', '$sample', async (c) => (await c.aggregate([{ $sample: { size: 2 } }]).toArray()).length, 2);

  // ---- aggregation expressions
  const expr = (e, id = 1) => agg([{ $match: { _id: id } }, { $project: { _id: 0, r: e } }]);
  await P('expr', '$cond / $ifNull', expr({ c: { $cond: [{ $gt: ['$n', 0] }, 'pos', 'neg'] }, i: { $ifNull: ['$missing', 'dflt'] } }), [{ r: { c: 'pos', i: 'dflt' } }]);
  await P('expr', '$switch', expr({ $switch: { branches: [{ case: { $eq: ['$t', 'a'] }, then: 'A' }], default: '?' } }), [{ r: 'A' }]);
  await P('expr', '$dateToString', expr({ $dateToString: { format: '%Y-%m-%d', date: '$d' } }), [{ r: '2024-03-05' }]);
  await P('expr', '$year / $month / $dayOfMonth', expr([{ $year: '$d' }, { $month: '$d' }, { $dayOfMonth: '$d' }]), [{ r: [2024, 3, 5] }]);
  await P('expr', '$dateTrunc', expr({ $dateTrunc: { date: '$d', unit: 'month' } }), [{ r: new Date('2024-03-01T00:00:00Z') }]);
  await P('expr', '$concat / $toLower / $toUpper / $substrCP', expr({ $concat: [{ $toLower: '$s' }, '-', { $toUpper: { $substrCP: ['$t', 0, 1] } }] }), [{ r: 'alpha-A' }]);
  await P('expr', '$filter / $map / $reduce / $arrayElemAt / $size / $in', expr([{ $filter: { input: '$arr', as: 'a', cond: { $gt: ['$$a.k', 2] } } }, { $map: { input: '$tags', as: 't', in: { $concat: ['$$t', '!'] } } }, { $reduce: { input: '$arr', initialValue: 0, in: { $add: ['$$value', '$$this.k'] } } }, { $arrayElemAt: ['$tags', -1] }, { $size: '$tags' }, { $in: ['y', '$tags'] }]), [{ r: [[{ k: 5, v: 'q' }], ['x!', 'y!', 'z!'], 6, 'z', 3, true] }]);
  await P('expr', '$add / $subtract / $multiply / $divide / $mod', expr([{ $add: ['$n', 1] }, { $subtract: ['$n', 1] }, { $multiply: ['$n', 3] }, { $divide: [9, 3] }, { $mod: [7, 4] }]), [{ r: [2, 0, 3, 3, 3] }]);
  await P('expr', '$round', expr({ $round: [3.14159, 2] }), [{ r: 3.14 }]);
  await P('expr', '$trunc / $abs / $floor / $ceil', expr([{ $trunc: 2.7 }, { $abs: -2 }, { $floor: 2.5 }, { $ceil: 2.5 }]), [{ r: [2, 2, 2, 3] }]);
  await P('expr', '$toString / $toInt / $toDate', expr([{ $toString: '$n' }, { $toInt: '42' }, { $toDate: '2024-01-02T00:00:00Z' }]), [{ r: ['1', 42, new Date('2024-01-02T00:00:00Z')] }]);
  await P('expr', '$mergeObjects / $objectToArray', expr([{ $mergeObjects: [{ a: 1 }, { b: 2 }] }, { $objectToArray: { a: 1 } }]), [{ r: [{ a: 1, b: 2 }, [{ k: 'a', v: 1 }]] }]);
  await P('expr', '$split / $strLenCP', expr([{ $split: ['a-b', '-'] }, { $strLenCP: '$s' }]), [{ r: [['a', 'b'], 5] }]);
  await P('expr', '$trim', expr({ $trim: { input: ' x ' } }), [{ r: 'x' }]);
  await P('expr', '$regexMatch', expr({ $regexMatch: { input: '$s', regex: '^al', options: 'i' } }), [{ r: true }]);

  // ---- indexes / collections
  await P('index', 'TTL index (expireAfterSeconds) accepted', async (c) => {
    await c.createIndex({ d: 1 }, { expireAfterSeconds: 3600 });
    return (await c.indexes()).find((i) => i.key.d === 1)?.expireAfterSeconds;
  }, 3600);
  await P('index', 'partial unique index', async (c) => {
    await c.createIndex({ email: 1 }, { unique: true, partialFilterExpression: { email: { $exists: true } } });
    await c.insertOne({ _id: 10, email: 'e' });
    try {
      await c.insertOne({ _id: 11, email: 'e' });
      return 'dup accepted';
    } catch (e) {
      return e.code;
    }
  }, 11000);
  await P('index', 'sparse unique index', async (c) => {
    await c.createIndex({ ext: 1 }, { unique: true, sparse: true });
    await c.insertOne({ _id: 10, ext: 'e' });
    try {
      await c.insertOne({ _id: 11, ext: 'e' });
      return 'dup accepted';
    } catch (e) {
      return e.code;
    }
  }, 11000);
  await P('index', 'unique index with collation', async (c) => {
    await c.deleteMany({}); // a plain unique index would fail on the seed docs that lack the field
    await c.createIndex({ mail: 1 }, { unique: true, collation: { locale: 'en', strength: 2 } });
    await c.insertOne({ _id: 10, mail: 'A@x' });
    try {
      await c.insertOne({ _id: 11, mail: 'a@X' });
      return 'dup accepted';
    } catch (e) {
      return e.code;
    }
  }, 11000);
  await P('index', 'collMod expireAfterSeconds', async (c, db2) => {
    await c.createIndex({ d: 1 }, { expireAfterSeconds: 60 });
    await db2.command({ collMod: c.collectionName, index: { keyPattern: { d: 1 }, expireAfterSeconds: 120 } });
    return (await c.indexes()).find((i) => i.key.d === 1)?.expireAfterSeconds;
  }, 120);
  await P('index', 'createCollection with $jsonSchema validator', async (c, db2) => {
    await db2.createCollection('validated', { validator: { $jsonSchema: { required: ['name'] } } });
    try {
      await db2.collection('validated').insertOne({ x: 1 });
      return 'invalid doc accepted';
    } catch (e) {
      return e.code;
    }
  }, 121);
  await P('index', 'capped collection', async (c, db2) => {
    await db2.createCollection('capped', { capped: true, size: 4096, max: 2 });
    await db2.collection('capped').insertMany([{ i: 1 }, { i: 2 }, { i: 3 }]);
    return db2.collection('capped').countDocuments();
  }, 2);

  await db.dropDatabase().catch((e) => console.log(`dropDatabase failed: ${e.message}`));
  await mongoose.disconnect();
  const by = (s) => rows.filter((r) => r.status === s).length;
  console.log(`operators: ${by('OK')} ok, ${by('WRONG')} wrong result, ${by('ERROR')} rejected (of ${rows.length})`);
  if (process.env.SPIKE_JSON) require('node:fs').writeFileSync(process.env.SPIKE_JSON, JSON.stringify(rows, null, 2));
}

main().catch(async (e) => {
  console.error(e);
  await mongoose.disconnect().catch(() => {});
  process.exit(1);
});
