// The benchmarks' one seeding loop: documents built in batches and bulk-inserted straight into the collections
// (unordered insertMany, no mongoose casting, no validation), the next batch built while the last one is written.
// Also the benchmarks' sizes (an argument or an env var) and their own throw-away servers.
import { startLocalMongo, startLocalNats, type ResolvedServers } from '@crm/dev-servers';
import type { mongo } from 'mongoose';
import { performance } from 'node:perf_hooks';

/** One batch: documents per collection, inserted in this order. */
export type Batch = Record<string, Record<string, unknown>[]>;

export interface SeedOptions {
  /** Seed the units [from, to): customers, responses… whatever `build` counts. */
  from: number;
  to: number;
  /** Units per batch (each batch is one insertMany per collection). */
  batchSize: number;
  build: (from: number, to: number) => Batch;
  /** What one unit is, for the progress lines. */
  unit?: string;
  log?: (line: string) => void;
  /** A progress line at most this often (ms); default 10 s. */
  progressEveryMs?: number;
}

/** Documents written per collection by a `seedInBatches` call. */
export type SeedCounts = Record<string, number>;

/**
 * Build and insert [from, to) batch by batch. Building batch k+1 (CPU in this process) overlaps with the server
 * writing batch k, and at most one batch waits, so memory stays at two batches whatever the size.
 */
export async function seedInBatches(db: mongo.Db, options: SeedOptions): Promise<SeedCounts> {
  const { from, to, batchSize, build, unit = 'units', log = () => undefined, progressEveryMs = 10_000 } = options;
  const counts: SeedCounts = {};
  const started = performance.now();
  let reported = started;
  let writing: Promise<void> = Promise.resolve();
  for (let start = from; start < to; start += batchSize) {
    const end = Math.min(to, start + batchSize);
    const batch = build(start, end);
    await writing;
    writing = insertBatch(db, batch, counts);
    const now = performance.now();
    if (now - reported >= progressEveryMs) {
      reported = now;
      const done = start - from;
      log(`  seeding: ${done.toLocaleString('en')} of ${(to - from).toLocaleString('en')} ${unit}, ${Math.round(done / ((now - started) / 1000)).toLocaleString('en')} ${unit}/s`);
    }
  }
  await writing;
  return counts;
}

async function insertBatch(db: mongo.Db, batch: Batch, counts: SeedCounts): Promise<void> {
  for (const [collection, docs] of Object.entries(batch)) {
    if (docs.length === 0) continue;
    // Unordered: the server takes the batch as it comes, and the driver splits it into wire messages.
    await db.collection(collection).insertMany(docs, { ordered: false });
    counts[collection] = (counts[collection] ?? 0) + docs.length;
  }
}

/**
 * Benchmark sizes: `--sizes=10000,100000` on the command line wins over the env var named; else the default.
 * Each a positive integer, ascending, without repeats.
 */
export function benchSizes(envName: string, fallback: number[], argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): number[] {
  const flag = argv.find((arg) => arg.startsWith('--sizes='))?.slice('--sizes='.length);
  const raw = flag ?? env[envName];
  const sizes = raw === undefined ? fallback : raw.split(',').map((part) => Number(part.trim().replace(/_/g, '')));
  const bad = sizes.filter((n) => !Number.isSafeInteger(n) || n <= 0);
  if (bad.length > 0 || sizes.length === 0) throw new Error(`benchmark sizes must be positive integers, e.g. --sizes=10000,100000 or ${envName}=10000,100000 (got ${raw})`);
  return [...new Set(sizes)].sort((a, b) => a - b);
}

/**
 * Servers for a benchmark: MONGO_URL/NATS_URL when given (a real MongoDB), else throw-away local ones. The local
 * MongoDB-wire server (ADR 0001) keeps everything on the Java heap; BENCH_MONGO_HEAP (e.g. `8g`) raises its
 * maximum for the large sizes, where the JVM's default (a quarter of the RAM) runs out and stalls in GC;
 * BENCH_MONGO_DATA=<dir> keeps the data in the server's file backend instead (slower, small heap).
 */
export async function benchServers(env: NodeJS.ProcessEnv = process.env): Promise<ResolvedServers & { mongoPid: number | null }> {
  if (env.MONGO_URL && env.NATS_URL) return { mongoUrl: env.MONGO_URL, natsUrl: env.NATS_URL, source: 'env', mongoPid: null, stop: async () => undefined };
  const heap = env.BENCH_MONGO_HEAP;
  if (heap && !/^\d+[mg]$/i.test(heap)) throw new Error(`BENCH_MONGO_HEAP must be a size such as 8g or 6000m (got ${heap})`);
  const previous = process.env.JAVA_TOOL_OPTIONS;
  // The JVM reads JAVA_TOOL_OPTIONS at start; only the server spawned here sees it.
  if (heap) process.env.JAVA_TOOL_OPTIONS = [previous, `-Xmx${heap}`].filter(Boolean).join(' ');
  try {
    const dataDir = env.BENCH_MONGO_DATA;
    const [mongoServer, natsServer] = await Promise.all([startLocalMongo(dataDir ? { dataDir } : {}), startLocalNats()]);
    return {
      mongoUrl: mongoServer.url,
      natsUrl: natsServer.url,
      source: 'local',
      mongoPid: mongoServer.pid,
      stop: async () => {
        await Promise.all([natsServer.stop(), mongoServer.stop()]);
      },
    };
  } finally {
    if (heap) {
      if (previous === undefined) delete process.env.JAVA_TOOL_OPTIONS;
      else process.env.JAVA_TOOL_OPTIONS = previous;
    }
  }
}
