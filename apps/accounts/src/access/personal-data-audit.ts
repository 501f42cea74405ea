import { isDuplicateKeyError } from '@crm/data';
import { Types } from 'mongoose';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { PersonalDataAudit, PersonalDataReadEntry } from './customer-access';
import type { PersonalDataReadRecord } from './personal-data-read.model';

/** Where audit records go: one call writes a whole batch (`insertMany`, unordered). */
export interface PersonalDataReadSink {
  insertMany(records: PersonalDataReadRecord[]): Promise<unknown>;
}

export interface BufferedAuditOptions {
  logger: Logger;
  metrics: Registry;
  /** How long a read may wait in memory before its batch is written. */
  flushMs: number;
  /** A batch this large is written at once, without waiting for `flushMs`. */
  maxBatch: number;
  /** Beyond this many waiting records (the database refusing writes for long), the oldest are logged and dropped. */
  maxBuffer: number;
}

const MAX_RETRY_DELAY_MS = 30_000;

/**
 * The audit of personal-data reads, written in batches so that reading N customers never costs N writes.
 *
 * Reads are buffered in memory and written with one `insertMany` per batch: after `flushMs`, or at once when
 * `maxBatch` reads wait. Reads of the same customer in the same request are merged into one record. The
 * kernel offers plugins no end-of-response hook, so a short time-based batch stands in for "flush when the
 * response is sent" (ADR 0008). A failed write is logged, counted (`crm_personal_data_audit_write_failures_total`)
 * and retried with back-off; every record carries its `_id` from the start, so a retry after a partial write
 * cannot record a read twice. Only past `maxBuffer`, or when the process stops while the database refuses
 * writes, are records dropped — each one logged in full at error level and counted
 * (`crm_personal_data_audit_dropped_total`), so the trail survives in the logs.
 */
export class BufferedPersonalDataAudit implements PersonalDataAudit {
  /** Waiting records by `requestId customerId`, oldest first (Map keeps insertion order). */
  private buffer = new Map<string, PersonalDataReadRecord>();
  private timer?: NodeJS.Timeout;
  private writing?: Promise<void>;
  private failures = 0;
  private stopped = false;
  private readonly written: Counter;
  private readonly writeFailures: Counter;
  private readonly dropped: Counter;
  private readonly waiting: Gauge;

  constructor(
    private readonly sink: PersonalDataReadSink,
    private readonly options: BufferedAuditOptions,
  ) {
    const { metrics } = options;
    this.written = counter(metrics, 'crm_personal_data_reads_recorded_total', 'Personal-data reads written to the audit log');
    this.writeFailures = counter(metrics, 'crm_personal_data_audit_write_failures_total', 'Failed audit-log batch writes (retried)');
    this.dropped = counter(metrics, 'crm_personal_data_audit_dropped_total', 'Personal-data reads that could not be written to the audit log (logged in full instead)');
    this.waiting =
      (metrics.getSingleMetric('crm_personal_data_audit_buffered') as Gauge | undefined) ??
      new Gauge({ name: 'crm_personal_data_audit_buffered', help: 'Personal-data reads waiting to be written to the audit log', registers: [metrics] });
  }

  recordRead(read: PersonalDataReadEntry): void {
    const key = `${read.requestId} ${read.customerId}`;
    const pending = this.buffer.get(key);
    if (pending) {
      pending.fields = [...new Set([...pending.fields, ...read.fields])];
      pending.grantId ??= read.grantId;
    } else {
      this.buffer.set(key, { _id: new Types.ObjectId(), ...read, fields: [...read.fields] });
    }
    this.waiting.set(this.buffer.size);
    if (this.stopped) return;
    // While writes fail, the retry timer (with back-off) decides when to try again.
    if (this.buffer.size >= this.options.maxBatch && this.failures === 0) void this.flush();
    else this.schedule(this.options.flushMs);
  }

  /** Write everything waiting now (one insertMany per `maxBatch` records); resolves when done or failed. */
  async flush(): Promise<void> {
    this.clearTimer();
    while (this.writing) await this.writing;
    if (this.buffer.size === 0) return;
    this.writing = this.writeWaiting().finally(() => (this.writing = undefined));
    await this.writing;
  }

  /** On shutdown (after the last request): a final write; whatever cannot be written is logged in full. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.flush();
    if (this.buffer.size > 0) this.drop([...this.buffer.keys()], 'the service stopped while the audit log could not be written');
  }

  /** How many reads wait in memory (for tests and the gauge). */
  get pending(): number {
    return this.buffer.size;
  }

  private async writeWaiting(): Promise<void> {
    while (this.buffer.size > 0) {
      const keys = [...this.buffer.keys()].slice(0, this.options.maxBatch);
      const batch = keys.map((key) => this.buffer.get(key)!);
      keys.forEach((key) => this.buffer.delete(key));
      try {
        await this.sink.insertMany(batch);
        this.written.inc(batch.length);
        this.failures = 0;
      } catch (error) {
        if (isDuplicateKeyError(error)) {
          // A retry of a batch that was partly written: what is there already is recorded once.
          this.written.inc(batch.length);
          continue;
        }
        this.failures += 1;
        this.writeFailures.inc();
        this.requeue(keys, batch);
        const retryInMs = Math.min(this.options.flushMs * 2 ** this.failures, MAX_RETRY_DELAY_MS);
        this.options.logger.error({ err: error, records: batch.length, waiting: this.buffer.size, retryInMs }, 'personal-data audit write failed; records kept for retry');
        this.enforceLimit();
        if (!this.stopped) this.schedule(retryInMs);
        break;
      }
    }
    this.waiting.set(this.buffer.size);
  }

  /**
   * Put a failed batch back in front of what arrived meanwhile. Nothing is merged into a failed record: it may
   * already be partly written, and its retry then counts as a duplicate.
   */
  private requeue(keys: string[], batch: PersonalDataReadRecord[]): void {
    const arrived = this.buffer;
    this.buffer = new Map(keys.map((key, i) => [key, batch[i]]));
    for (const [key, record] of arrived) this.buffer.set(this.buffer.has(key) ? `${key} ${String(record._id)}` : key, record);
  }

  private enforceLimit(): void {
    const excess = this.buffer.size - this.options.maxBuffer;
    if (excess > 0) this.drop([...this.buffer.keys()].slice(0, excess), `more than ${this.options.maxBuffer} reads waited for the audit log`);
  }

  private drop(keys: string[], why: string): void {
    for (const key of keys) {
      const record = this.buffer.get(key);
      if (!record) continue;
      this.buffer.delete(key);
      this.dropped.inc();
      this.options.logger.error({ personalDataRead: { ...record, _id: String(record._id) } }, `personal-data read not written to the audit log: ${why}`);
    }
    this.waiting.set(this.buffer.size);
  }

  private schedule(delayMs: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delayMs);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

function counter(registry: Registry, name: string, help: string): Counter {
  return (registry.getSingleMetric(name) as Counter | undefined) ?? new Counter({ name, help, registers: [registry] });
}
