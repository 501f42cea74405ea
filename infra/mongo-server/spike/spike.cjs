#!/usr/bin/env node
/*
 * Spike: does a MongoDB-wire-compatible dev server do what the CRM needs through mongoose 9?
 * See docs/adr/0001-embedded-mongodb.md and ./README.md.
 *
 *   MONGO_URL=mongodb://127.0.0.1:27017/spike node infra/mongo-server/spike/spike.cjs
 *
 * env:
 *   MONGO_URL          connection string (required); each run creates its own database spike_<timestamp>
 *                      (the "dropDatabase" extra check drops it at the end of a full run)
 *   SPIKE_MODE         all (default) | persist-write | persist-check | perf (only the timing check)
 *   SPIKE_STATE_FILE   where persist-write stores the marker it expects back (default /tmp/mongo-spike-state.json)
 *   SPIKE_TTL_WAIT_S   seconds to wait for a TTL index to delete an expired doc (default 70; 0 = don't wait)
 *   SPIKE_PERF_N       number of inserts / finds for the timing check (default 1000)
 *   SPIKE_JSON         if set, write the results as JSON to this file
 *
 * Every check prints PASS/FAIL; "core" checks are the ADR criteria, "extra" checks are informational.
 * Exit code: 0 if every core check passed, 1 otherwise.
 */
'use strict';

const fs = require('node:fs');
const mongoose = require('mongoose');

const url = process.env.MONGO_URL;
if (!url) {
  console.error('MONGO_URL is required');
  process.exit(2);
}
const mode = process.env.SPIKE_MODE || 'all';
const stateFile = process.env.SPIKE_STATE_FILE || '/tmp/mongo-spike-state.json';
const ttlWaitS = Number(process.env.SPIKE_TTL_WAIT_S ?? 70);
const perfN = Number(process.env.SPIKE_PERF_N ?? 1000);

const results = [];
const metrics = {};

function errText(e) {
  if (!e) return String(e);
  const code = e.code !== undefined ? ` code=${e.code}` : '';
  return `${e.name || 'Error'}${code}: ${String(e.message).split('\n')[0].slice(0, 300)}`;
}

async function check(group, name, fn) {
  const t0 = performance.now();
  try {
    const detail = await fn();
    const ms = Math.round(performance.now() - t0);
    results.push({ group, name, ok: true, detail: detail ?? '', ms });
    console.log(`PASS [${group}] ${name}${detail ? ` — ${detail}` : ''}`);
  } catch (e) {
    const ms = Math.round(performance.now() - t0);
    results.push({ group, name, ok: false, detail: errText(e), ms });
    console.log(`FAIL [${group}] ${name} — ${errText(e)}`);
  }
}

function assert(cond, msg) {
  if (!cond) throw new Error(`assertion failed: ${msg}`);
}

function eq(actual, expected, msg) {
  const a = JSON.stringify(actual);
  const b = JSON.stringify(expected);
  if (a !== b) throw new Error(`assertion failed: ${msg}: expected ${b}, got ${a}`);
}

async function expectDup(promise, what) {
  try {
    await promise;
  } catch (e) {
    const code = e.code ?? e.writeErrors?.[0]?.code ?? e.errorResponse?.code;
    if (code === 11000 && /E11000/.test(e.message)) return `rejected: ${String(e.message).slice(0, 120)}`;
    throw new Error(`${what}: wrong error: ${errText(e)}`);
  }
  throw new Error(`${what}: duplicate was accepted`);
}

const { Schema } = mongoose;

// ---------- models ----------
const Contact = mongoose.model(
  'Contact',
  new Schema(
    {
      tenantId: { type: String, required: true },
      email: { type: String, required: true, unique: true },
      name: String,
      tags: [String],
      score: { type: Number, default: 0 },
      phone: String,
      items: [{ sku: String, qty: Number, flagged: Boolean }],
    },
    { timestamps: true },
  ),
);

const dealSchema = new Schema({ tenantId: String, code: String, stage: String, amount: Number, ownerId: String });
dealSchema.index({ tenantId: 1, code: 1 }, { unique: true });
const Deal = mongoose.model('Deal', dealSchema);

const sessionSchema = new Schema({ token: String, createdAt: { type: Date, default: Date.now } });
sessionSchema.index({ createdAt: 1 }, { expireAfterSeconds: 1 });
const Session = mongoose.model('Session', sessionSchema);

const Perf = mongoose.model('Perf', new Schema({ i: Number, name: String, tenantId: String, tags: [String] }));
const Marker = mongoose.model('Marker', new Schema({ token: String, n: Number, at: Date }));

// ---------- checks ----------
async function coreChecks() {
  await check('core', 'connect (mongoose 9)', async () => {
    const db = mongoose.connection.db;
    let helloCmd = 'hello';
    const hello = await db
      .admin()
      .command({ hello: 1 })
      .catch(() => {
        helloCmd = 'isMaster (hello command rejected)';
        return db.admin().command({ isMaster: 1 });
      });
    const build = await db.admin().command({ buildInfo: 1 });
    const ping = await db.admin().command({ ping: 1 });
    assert(ping.ok === 1, 'ping');
    metrics.helloCommand = helloCmd;
    metrics.maxWireVersion = hello.maxWireVersion;
    metrics.minWireVersion = hello.minWireVersion;
    metrics.version = build.version;
    metrics.setName = hello.setName ?? null;
    metrics.logicalSessionTimeoutMinutes = hello.logicalSessionTimeoutMinutes ?? null;
    return `maxWireVersion=${hello.maxWireVersion} minWireVersion=${hello.minWireVersion} version=${build.version} via ${helloCmd}, ping ok, mongoose=${mongoose.version}`;
  });

  await check('core', 'unique index enforced (E11000)', async () => {
    await Contact.init(); // waits for mongoose autoIndex createIndex calls
    await Contact.create({ tenantId: 't1', email: 'a@x.io', name: 'A' });
    return expectDup(Contact.create({ tenantId: 't1', email: 'a@x.io', name: 'A2' }), 'unique email');
  });

  await check('core', 'compound unique index enforced (E11000)', async () => {
    await Deal.init();
    await Deal.create({ tenantId: 't1', code: 'D-1', stage: 'lead', amount: 100 });
    await Deal.create({ tenantId: 't2', code: 'D-1', stage: 'lead', amount: 100 }); // other tenant: allowed
    return expectDup(Deal.create({ tenantId: 't1', code: 'D-1', stage: 'won', amount: 5 }), 'tenantId+code');
  });

  await check('core', 'findOneAndUpdate $set/$push/$pull/$inc', async () => {
    await Contact.create({ tenantId: 't1', email: 'u@x.io', tags: ['a', 'b', 'c'], score: 1 });
    const doc = await Contact.findOneAndUpdate(
      { email: 'u@x.io' },
      { $set: { name: 'Updated', phone: '+1' }, $push: { tags: 'd' }, $inc: { score: 5 } },
      { returnDocument: 'after' },
    ).lean();
    eq(doc.name, 'Updated', '$set');
    eq(doc.tags, ['a', 'b', 'c', 'd'], '$push');
    eq(doc.score, 6, '$inc');
    const doc2 = await Contact.findOneAndUpdate({ email: 'u@x.io' }, { $pull: { tags: { $in: ['a', 'c'] } } }, { returnDocument: 'after' }).lean();
    eq(doc2.tags, ['b', 'd'], '$pull');
    return 'returnDocument=after ok';
  });

  await check('core', 'findOneAndUpdate arrayFilters $[elem]', async () => {
    await Contact.create({
      tenantId: 't1',
      email: 'af@x.io',
      items: [
        { sku: 's1', qty: 1 },
        { sku: 's2', qty: 7 },
        { sku: 's3', qty: 9 },
      ],
    });
    const doc = await Contact.findOneAndUpdate(
      { email: 'af@x.io' },
      { $set: { 'items.$[elem].flagged': true }, $inc: { 'items.$[elem].qty': 100 } },
      { arrayFilters: [{ 'elem.qty': { $gte: 5 } }], returnDocument: 'after' },
    ).lean();
    eq(
      doc.items.map((i) => [i.sku, i.qty, i.flagged ?? null]),
      [
        ['s1', 1, null],
        ['s2', 107, true],
        ['s3', 109, true],
      ],
      'arrayFilters',
    );
    return 'only matching elements updated';
  });

  await check('core', 'aggregate $match/$group/$sum/$avg/$sort/$facet', async () => {
    await Deal.insertMany([
      { tenantId: 'agg', code: 'A1', stage: 'won', amount: 100, ownerId: 'o1' },
      { tenantId: 'agg', code: 'A2', stage: 'won', amount: 300, ownerId: 'o2' },
      { tenantId: 'agg', code: 'A3', stage: 'lost', amount: 50, ownerId: 'o1' },
      { tenantId: 'agg', code: 'A4', stage: 'open', amount: 10, ownerId: 'o1' },
      { tenantId: 'other', code: 'A5', stage: 'won', amount: 999, ownerId: 'o1' },
    ]);
    const byStage = await Deal.aggregate([
      { $match: { tenantId: 'agg' } },
      { $group: { _id: '$stage', total: { $sum: '$amount' }, avg: { $avg: '$amount' }, n: { $sum: 1 } } },
      { $sort: { total: -1 } },
    ]);
    eq(
      byStage.map((r) => [r._id, r.total, r.avg, r.n]),
      [
        ['won', 400, 200, 2],
        ['lost', 50, 50, 1],
        ['open', 10, 10, 1],
      ],
      '$group/$sort',
    );
    const [facet] = await Deal.aggregate([
      { $match: { tenantId: 'agg' } },
      {
        $facet: {
          byOwner: [{ $group: { _id: '$ownerId', total: { $sum: '$amount' } } }, { $sort: { _id: 1 } }],
          top: [{ $sort: { amount: -1 } }, { $limit: 1 }, { $project: { _id: 0, code: 1 } }],
          count: [{ $count: 'n' }],
        },
      },
    ]);
    eq(facet.byOwner, [
      { _id: 'o1', total: 160 },
      { _id: 'o2', total: 300 },
    ], '$facet.byOwner');
    eq(facet.top, [{ code: 'A2' }], '$facet.top');
    eq(facet.count, [{ n: 4 }], '$facet.count');
    return 'results correct';
  });

  await check('core', 'TTL index accepted (expireAfterSeconds)', async () => {
    await Session.init();
    const idx = await Session.collection.indexes();
    const ttl = idx.find((i) => i.key && i.key.createdAt === 1);
    assert(ttl, `no createdAt index in ${JSON.stringify(idx)}`);
    assert(ttl.expireAfterSeconds === 1, `expireAfterSeconds not kept: ${JSON.stringify(ttl)}`);
    return `listIndexes shows expireAfterSeconds=${ttl.expireAfterSeconds}`;
  });

  await check('core', '$exists / $in queries', async () => {
    const withPhone = await Contact.find({ phone: { $exists: true } }).lean();
    eq(withPhone.map((d) => d.email), ['u@x.io'], '$exists:true');
    const noPhone = await Contact.countDocuments({ phone: { $exists: false } });
    eq(noPhone, 2, '$exists:false');
    const inQ = await Contact.find({ email: { $in: ['a@x.io', 'af@x.io', 'nope'] } }).sort({ email: 1 }).lean();
    eq(inQ.map((d) => d.email), ['a@x.io', 'af@x.io'], '$in');
    const inArr = await Contact.find({ tags: { $in: ['d'] } }).lean();
    eq(inArr.length, 1, '$in on array field');
    return 'ok';
  });

  await check('core', 'sort + limit (+skip)', async () => {
    const top = await Deal.find({ tenantId: 'agg' }).sort({ amount: -1 }).limit(2).lean();
    eq(top.map((d) => d.code), ['A2', 'A1'], 'sort desc + limit');
    const page = await Deal.find({ tenantId: 'agg' }).sort({ ownerId: 1, amount: 1 }).skip(1).limit(2).lean();
    eq(page.map((d) => d.code), ['A3', 'A1'], 'compound sort + skip + limit');
    return 'ok';
  });

  await check('core', 'countDocuments', async () => {
    eq(await Deal.countDocuments({ tenantId: 'agg' }), 4, 'filtered');
    eq(await Deal.countDocuments({ tenantId: 'agg', amount: { $gte: 50 } }), 3, 'range');
    return 'ok';
  });

  await check('core', 'bulkWrite (insertOne/updateOne/updateMany/replaceOne/deleteOne)', async () => {
    const r = await Deal.bulkWrite([
      { insertOne: { document: { tenantId: 'bw', code: 'B1', stage: 'open', amount: 1 } } },
      { insertOne: { document: { tenantId: 'bw', code: 'B2', stage: 'open', amount: 2 } } },
      { insertOne: { document: { tenantId: 'bw', code: 'B3', stage: 'open', amount: 3 } } },
      { updateOne: { filter: { tenantId: 'bw', code: 'B1' }, update: { $set: { stage: 'won' } } } },
      { updateMany: { filter: { tenantId: 'bw' }, update: { $inc: { amount: 10 } } } },
      { replaceOne: { filter: { tenantId: 'bw', code: 'B2' }, replacement: { tenantId: 'bw', code: 'B2', stage: 'lost', amount: 0 } } },
      { deleteOne: { filter: { tenantId: 'bw', code: 'B3' } } },
      { updateOne: { filter: { tenantId: 'bw', code: 'B9' }, update: { $set: { stage: 'new', amount: 9 } }, upsert: true } },
    ]);
    eq([r.insertedCount, r.matchedCount, r.modifiedCount, r.deletedCount, r.upsertedCount], [3, 5, 5, 1, 1], 'counts');
    const docs = await Deal.find({ tenantId: 'bw' }).sort({ code: 1 }).lean();
    eq(docs.map((d) => [d.code, d.stage, d.amount]), [['B1', 'won', 11], ['B2', 'lost', 0], ['B9', 'new', 9]], 'state');
    return 'counts and state ok';
  });

  await check('core', 'insertMany ordered:false continues past duplicate', async () => {
    let err;
    try {
      await Deal.insertMany(
        [
          { tenantId: 'im', code: 'I1' },
          { tenantId: 'im', code: 'I1' }, // duplicate
          { tenantId: 'im', code: 'I2' },
          { tenantId: 'im', code: 'I3' },
        ],
        { ordered: false },
      );
    } catch (e) {
      err = e;
    }
    assert(err, 'no error for duplicate');
    const codes = (err.writeErrors || []).map((w) => w.code ?? w.err?.code);
    eq(codes, [11000], 'writeErrors codes');
    eq(await Deal.countDocuments({ tenantId: 'im' }), 3, 'docs after the duplicate were inserted');
    return `writeErrors=[11000], inserted=${err.insertedDocs?.length ?? err.result?.insertedCount ?? '?'}`;
  });

  await perfCheck();
}

async function perfCheck() {
  await check('core', `perf: ${perfN} inserts + ${perfN} finds by _id`, async () => {
    const ids = [];
    const t0 = performance.now();
    for (let i = 0; i < perfN; i++) {
      const d = await Perf.create({ i, name: `n${i}`, tenantId: 'perf', tags: ['x', `t${i % 10}`] });
      ids.push(d._id);
    }
    const t1 = performance.now();
    for (const id of ids) {
      const d = await Perf.findById(id).lean();
      if (!d) throw new Error(`missing ${id}`);
    }
    const t2 = performance.now();
    metrics.insertMs = Math.round(t1 - t0);
    metrics.findByIdMs = Math.round(t2 - t1);
    return `insert ${metrics.insertMs} ms, findById ${metrics.findByIdMs} ms (sequential, awaited)`;
  });
}

async function extraChecks() {
  await check('extra', 'TTL actually deletes expired docs', async () => {
    if (!ttlWaitS) throw new Error('skipped (SPIKE_TTL_WAIT_S=0)');
    await Session.create({ token: 'old', createdAt: new Date(Date.now() - 3600_000) });
    const t0 = Date.now();
    while (Date.now() - t0 < ttlWaitS * 1000) {
      if ((await Session.countDocuments({ token: 'old' })) === 0) return `expired after ~${Math.round((Date.now() - t0) / 1000)} s`;
      await new Promise((r) => setTimeout(r, 1000));
    }
    throw new Error(`expired doc still present after ${ttlWaitS} s`);
  });

  await check('extra', 'transactions (session.withTransaction)', async () => {
    const s = await mongoose.startSession();
    try {
      await s.withTransaction(async () => {
        await Marker.create([{ token: 'tx', n: 1 }], { session: s });
      });
    } finally {
      await s.endSession();
    }
    eq(await Marker.countDocuments({ token: 'tx' }), 1, 'committed');
    return 'committed';
  });

  await check('extra', 'change streams (collection.watch)', async () => {
    const cs = Marker.collection.watch();
    try {
      const next = cs.next();
      next.catch(() => {}); // avoid an unhandled rejection if the timeout wins
      await new Promise((r) => setTimeout(r, 300));
      await Marker.create({ token: 'cs', n: 1 });
      const ev = await Promise.race([next, new Promise((_, rej) => setTimeout(() => rej(new Error('no change event within 3 s')), 3000))]);
      return `event ${ev.operationType}`;
    } finally {
      await cs.close().catch(() => {});
    }
  });

  await check('extra', 'upsert + $setOnInsert + $addToSet/$each + $unset + $min/$max', async () => {
    const d = await Contact.findOneAndUpdate(
      { email: 'ups@x.io' },
      { $setOnInsert: { tenantId: 't1', name: 'new' }, $addToSet: { tags: { $each: ['a', 'a', 'b'] } }, $max: { score: 3 } },
      { upsert: true, returnDocument: 'after' },
    ).lean();
    eq([d.name, d.tags, d.score], ['new', ['a', 'b'], 3], 'upsert');
    const d2 = await Contact.findOneAndUpdate({ email: 'ups@x.io' }, { $unset: { name: '' }, $min: { score: 1 }, $addToSet: { tags: 'a' } }, { returnDocument: 'after' }).lean();
    eq([d2.name, d2.tags, d2.score], [undefined, ['a', 'b'], 1], 'second update');
    return 'ok';
  });

  await check('extra', '$push with $each/$slice/$sort, positional $', async () => {
    const d = await Contact.findOneAndUpdate(
      { email: 'af@x.io', 'items.sku': 's1' },
      { $set: { 'items.$.qty': 2 }, $push: { tags: { $each: ['z', 'y', 'x'], $sort: 1, $slice: 2 } } },
      { returnDocument: 'after' },
    ).lean();
    eq(d.items[0].qty, 2, 'positional $');
    eq(d.tags, ['x', 'y'], '$push modifiers');
    return 'ok';
  });

  await check('extra', '$or/$and/$ne/$nin/$regex/$elemMatch/$size/$expr', async () => {
    eq(await Contact.countDocuments({ $or: [{ email: 'a@x.io' }, { score: { $gt: 5 } }] }), 2, '$or');
    eq(await Contact.countDocuments({ email: { $nin: ['a@x.io'] }, tenantId: { $ne: 'zz' } }), 3, '$nin/$ne');
    eq(await Contact.countDocuments({ email: { $regex: '^a', $options: 'i' } }), 2, '$regex');
    eq(await Contact.countDocuments({ items: { $elemMatch: { qty: { $gt: 100 }, flagged: true } } }), 1, '$elemMatch');
    eq(await Contact.countDocuments({ email: 'u@x.io', tags: { $size: 2 } }), 1, '$size');
    eq(await Deal.countDocuments({ $expr: { $gt: ['$amount', 200] } }), 2, '$expr');
    return 'ok';
  });

  await check('extra', 'aggregate $lookup/$unwind/$project/$addFields/$skip/$limit', async () => {
    const r = await Deal.aggregate([
      { $match: { tenantId: 'agg', stage: 'won' } },
      { $lookup: { from: 'contacts', localField: 'tenantId', foreignField: 'tenantId', as: 'cs' } },
      { $addFields: { nContacts: { $size: '$cs' } } },
      { $unwind: { path: '$cs', preserveNullAndEmptyArrays: true } },
      { $project: { _id: 0, code: 1, nContacts: 1 } },
      { $sort: { code: 1 } },
      { $skip: 0 },
      { $limit: 5 },
    ]);
    eq(r, [{ code: 'A1', nContacts: 0 }, { code: 'A2', nContacts: 0 }], '$lookup pipeline');
    return 'ok';
  });

  await check('extra', 'aggregate date ops ($dateToString, $year) + $cond', async () => {
    const r = await Contact.aggregate([
      { $match: { email: 'a@x.io' } },
      { $project: { _id: 0, d: { $dateToString: { format: '%Y-%m-%d', date: '$createdAt' } }, y: { $year: '$createdAt' }, hot: { $cond: [{ $gt: ['$score', 0] }, 1, 0] } } },
    ]);
    eq(r[0].d, new Date().toISOString().slice(0, 10), '$dateToString');
    eq(r[0].y, new Date().getUTCFullYear(), '$year');
    return 'ok';
  });

  await check('extra', 'distinct, estimatedDocumentCount, deleteMany, updateMany', async () => {
    eq((await Deal.distinct('stage', { tenantId: 'agg' })).sort(), ['lost', 'open', 'won'], 'distinct');
    assert((await Deal.estimatedDocumentCount()) > 5, 'estimatedDocumentCount');
    const u = await Deal.updateMany({ tenantId: 'im' }, { $set: { stage: 'x' } });
    eq(u.modifiedCount, 3, 'updateMany');
    const d = await Deal.deleteMany({ tenantId: 'im' });
    eq(d.deletedCount, 3, 'deleteMany');
    return 'ok';
  });

  await check('extra', 'cursor getMore (find 1000 docs, batchSize 100)', async () => {
    let n = 0;
    for await (const _d of Perf.find({ tenantId: 'perf' }).batchSize(100).lean().cursor()) n++;
    eq(n, perfN, 'cursor count');
    return `${n} docs`;
  });

  await check('extra', 'text index + $text search', async () => {
    await Contact.collection.createIndex({ name: 'text' });
    const r = await Contact.find({ $text: { $search: 'Updated' } }).lean();
    eq(r.length, 1, '$text');
    return 'ok';
  });

  await check('extra', 'partial unique index (partialFilterExpression)', async () => {
    await Contact.collection.createIndex({ phone: 1 }, { unique: true, partialFilterExpression: { phone: { $exists: true } } });
    await Contact.create({ tenantId: 'p', email: 'p1@x.io' });
    await Contact.create({ tenantId: 'p', email: 'p2@x.io' }); // both without phone: allowed
    await Contact.create({ tenantId: 'p', email: 'p3@x.io', phone: '+49' });
    return expectDup(Contact.create({ tenantId: 'p', email: 'p4@x.io', phone: '+49' }), 'partial unique');
  });

  await check('extra', 'sparse unique index', async () => {
    await Deal.collection.createIndex({ externalRef: 1 }, { unique: true, sparse: true });
    await Deal.collection.insertMany([{ tenantId: 'sp', code: 'S1' }, { tenantId: 'sp', code: 'S2' }]);
    await Deal.collection.insertOne({ tenantId: 'sp', code: 'S3', externalRef: 'r1' });
    return expectDup(Deal.collection.insertOne({ tenantId: 'sp', code: 'S4', externalRef: 'r1' }), 'sparse unique');
  });

  await check('extra', 'case-insensitive collation index/query', async () => {
    const r = await Contact.find({ email: 'A@X.IO' }).collation({ locale: 'en', strength: 2 }).lean();
    eq(r.length, 1, 'collation strength 2');
    return 'ok';
  });

  await check('extra', 'Model.syncIndexes()', async () => {
    const dropped = await Deal.syncIndexes();
    return `dropped=${JSON.stringify(dropped)}`;
  });

  await check('extra', 'optimistic concurrency (versionKey on save)', async () => {
    const a = await Contact.findOne({ email: 'a@x.io' });
    const b = await Contact.findOne({ email: 'a@x.io' });
    a.tags.push('v1');
    await a.save();
    b.tags.splice(0, 0, 'v2');
    b.tags.pull('v2');
    b.tags.push('v3');
    try {
      await b.save();
    } catch (e) {
      if (e.name === 'VersionError') return 'VersionError raised';
      throw e;
    }
    throw new Error('stale array save accepted');
  });
}

async function persistWrite(dbName) {
  await check('core', 'persistence: write marker', async () => {
    const token = `m-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    await Marker.insertMany(Array.from({ length: 100 }, (_, n) => ({ token, n, at: new Date() })));
    await Marker.collection.createIndex({ token: 1, n: 1 }, { unique: true });
    fs.writeFileSync(stateFile, JSON.stringify({ token, dbName }));
    return `token=${token}`;
  });
}

async function persistCheck() {
  await check('core', 'persistence: data kept across restart', async () => {
    const { token } = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
    const n = await Marker.countDocuments({ token });
    eq(n, 100, 'marker docs after restart');
    const idx = await Marker.collection.indexes();
    assert(idx.some((i) => i.key.token === 1 && i.unique), `unique index lost: ${JSON.stringify(idx)}`);
    await expectDup(Marker.collection.insertOne({ token, n: 5 }), 'index still enforced');
    return `100/100 docs and unique index present`;
  });
}

async function main() {
  // Each run uses a fresh database (mongoose autoIndex builds indexes as soon as the connection opens, so
  // dropping a reused database at start would race with those builds). persist-check reuses persist-write's db.
  let dbName = `spike_${Date.now()}`;
  if (mode === 'persist-check') dbName = JSON.parse(fs.readFileSync(stateFile, 'utf8')).dbName;
  metrics.dbName = dbName;
  const t0 = performance.now();
  await check('core', 'mongoose.connect', async () => {
    await mongoose.connect(url, { dbName, serverSelectionTimeoutMS: 5000, autoIndex: true });
    metrics.connectMs = Math.round(performance.now() - t0);
    return `${metrics.connectMs} ms`;
  });
  if (!results[0].ok) return finish();

  if (mode === 'persist-write') {
    await persistWrite(dbName);
  } else if (mode === 'persist-check') {
    await persistCheck();
  } else if (mode === 'perf') {
    await perfCheck();
    await mongoose.connection.dropDatabase();
  } else {
    await coreChecks();
    await extraChecks();
    await check('extra', 'dropDatabase of a used db (test cleanup)', async () => {
      await Promise.all(mongoose.modelNames().map((m) => mongoose.model(m).init()));
      await mongoose.connection.dropDatabase();
      const cols = await mongoose.connection.db.listCollections().toArray();
      eq(cols.length, 0, 'collections left');
      await Deal.createIndexes();
      await Deal.create({ tenantId: 'again', code: 'X' });
      await expectDup(Deal.create({ tenantId: 'again', code: 'X' }), 'unique after re-create');
      await mongoose.connection.dropDatabase();
      return 'dropped, re-created with indexes, dropped again';
    });
  }
  await finish();
}

async function finish() {
  await mongoose.disconnect().catch(() => {});
  const core = results.filter((r) => r.group === 'core');
  const extra = results.filter((r) => r.group === 'extra');
  const n = (arr, ok) => arr.filter((r) => r.ok === ok).length;
  console.log(`metrics: ${JSON.stringify(metrics)}`);
  console.log(`core: ${n(core, true)} passed, ${n(core, false)} failed`);
  console.log(`extra: ${n(extra, true)} passed, ${n(extra, false)} failed`);
  if (process.env.SPIKE_JSON) fs.writeFileSync(process.env.SPIKE_JSON, JSON.stringify({ url, mode, metrics, results }, null, 2));
  process.exitCode = n(core, false) === 0 ? 0 : 1;
}

process.on('unhandledRejection', (e) => console.log(`(unhandled rejection ignored: ${errText(e)})`));

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
