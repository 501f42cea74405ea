import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Connection } from 'mongoose';

/** One lease per scheduled job, shared by every replica of a service through its database. */
export interface JobLeaseRecord {
  /** The job's name. */
  _id: string;
  /** The replica that may run the job until `until`. */
  holder: string;
  until: Date;
}

export const JOB_LEASES_COLLECTION = 'job_leases';

/** MongoDB's duplicate-key error: the upsert of a lease that another replica holds (or inserted a moment earlier). */
const DUPLICATE_KEY = 11000;

/** This process among the replicas: host, pid and a random part (two starts in one process differ). */
export function replicaId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/**
 * Leases on scheduled jobs: whoever holds a job's lease runs its tick, the others skip it. A lease is taken
 * or renewed with one atomic update that matches only a lease that has run out or is already this holder's;
 * any other lease makes the upsert insert a second document with the same id, which the unique `_id` refuses.
 */
export class JobLeases {
  constructor(
    private readonly connection: Connection,
    readonly holder: string = replicaId(),
  ) {}

  private get collection() {
    return this.connection.collection<JobLeaseRecord>(JOB_LEASES_COLLECTION);
  }

  /** Take or renew the lease of `job` for `leaseMs` from `now`; false when another holder's lease still runs. */
  async acquire(job: string, leaseMs: number, now: Date = new Date()): Promise<boolean> {
    try {
      const lease = await this.collection.findOneAndUpdate(
        { _id: job, $or: [{ until: { $lte: now } }, { holder: this.holder }] },
        { $set: { holder: this.holder, until: new Date(now.getTime() + leaseMs) } },
        { upsert: true, returnDocument: 'after' },
      );
      return lease?.holder === this.holder;
    } catch (error) {
      if ((error as { code?: unknown }).code === DUPLICATE_KEY) return false;
      throw error;
    }
  }

  /** Give the lease up (on stop), so another replica takes the job at its next tick instead of waiting for it to run out. */
  async release(job: string, now: Date = new Date()): Promise<void> {
    await this.collection.updateOne({ _id: job, holder: this.holder }, { $set: { until: now } });
  }

  /** The lease of `job` as stored (tests, diagnostics). */
  current(job: string): Promise<JobLeaseRecord | null> {
    return this.collection.findOne({ _id: job });
  }
}
