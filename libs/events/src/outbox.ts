import { Schema, type Connection, type QueryFilter, type Model, type Query, type UpdateQuery } from 'mongoose';
import type { JetStreamClient } from 'nats';
import type { Logger } from 'pino';
import { encodeEvent, type CloudEvent } from './cloud-event';
import type { EventMetrics } from './event-metrics';

/** Path on an aggregate document where events wait until the relay has published them. */
export const PENDING_EVENTS = 'pendingEvents';

export interface WithPendingEvents {
  pendingEvents: CloudEvent[];
}

/**
 * Mongoose schema plugin: the aggregate carries its own outbox, so the state change and its
 * events are one single-document write (atomic without transactions).
 */
export function outboxPlugin(schema: Schema): void {
  schema.add({ [PENDING_EVENTS]: { type: [Schema.Types.Mixed], default: [] } });
  // Serves the relay's scan (`pendingEvents.id` exists): only documents with an unpublished event are in it.
  schema.index({ 'pendingEvents.id': 1 }, { sparse: true });
  // A write that carried events asks the relay of its connection for a pass, so no service has to remember to.
  schema.post(['findOneAndUpdate', 'updateOne', 'updateMany'], function (this: Query<unknown, unknown>) {
    if (updateCarriesEvents(this.getUpdate() as Record<string, unknown> | null)) kickRelayOf(this.model.db);
  });
  schema.post('save', function (doc: { pendingEvents?: unknown[]; db?: Connection }) {
    if ((doc.pendingEvents?.length ?? 0) > 0) kickRelayOf(doc.db);
  });
}

const relayKicks = new WeakMap<Connection, () => void>();

/** Route the post-write kicks of every outbox model on `connection` to its relay; returns the undo. */
export function kickRelayAfterWrites(connection: Connection, kick: () => void): () => void {
  relayKicks.set(connection, kick);
  return () => void relayKicks.delete(connection);
}

function kickRelayOf(connection: Connection | undefined): void {
  if (connection) relayKicks.get(connection)?.();
}

/** Whether an update adds pending events (`withEvents`, or a `$set`/`$setOnInsert` of the outbox). */
export function updateCarriesEvents(update: Record<string, unknown> | null): boolean {
  if (!update) return false;
  const parts = [update, update.$push, update.$set, update.$setOnInsert] as Array<Record<string, unknown> | undefined>;
  return parts.some((part) => {
    const value = part?.[PENDING_EVENTS] as { $each?: unknown[] } | unknown[] | undefined;
    if (Array.isArray(value)) return value.length > 0;
    return value !== undefined && (!Array.isArray(value.$each) || value.$each.length > 0);
  });
}

/** Raised when a versioned write finds the document changed (or gone) since it was read. */
export class StaleRevisionError extends Error {
  constructor(readonly collection: string, readonly id: unknown) {
    super(`${collection} ${String(id)} changed since it was read`);
    this.name = 'StaleRevisionError';
  }
}

/**
 * The one write of an aggregate that carries an outbox: matches the revision that was read, bumps it, and
 * commits the events with the change. Returns the document after the write; a stale revision throws.
 */
export async function updateVersioned<T extends WithPendingEvents & { revision: number }>(
  model: Model<T>,
  current: { _id: unknown; revision: number },
  update: UpdateQuery<T>,
  events: CloudEvent[],
  options: { guard?: QueryFilter<T>; projection?: Record<string, 0 | 1> } = {},
): Promise<T> {
  const inc = { ...((update.$inc ?? {}) as Record<string, number>), revision: 1 };
  const filter = { ...(options.guard ?? {}), _id: current._id, revision: current.revision } as QueryFilter<T>;
  const saved = await model
    .findOneAndUpdate(filter, withEvents<T>({ ...update, $inc: inc } as UpdateQuery<T>, ...events), { returnDocument: 'after', projection: options.projection })
    .lean<T>();
  if (!saved) throw new StaleRevisionError(model.collection.name, current._id);
  return saved as T;
}

/** Add events to an update so they commit together with it. */
export function withEvents<T>(update: UpdateQuery<T>, ...events: CloudEvent[]): UpdateQuery<T> {
  if (events.length === 0) return update;
  const push = (update.$push ?? {}) as Record<string, unknown>;
  return { ...update, $push: { ...push, [PENDING_EVENTS]: { $each: events } } } as UpdateQuery<T>;
}

export interface OutboxRelayOptions {
  js: JetStreamClient;
  models: Model<any>[];
  logger: Logger;
  metrics: EventMetrics;
  pollIntervalMs?: number;
  /** Documents read per batch (default 500). */
  batchSize?: number;
  /** Documents with a publish awaiting its JetStream ack at once (default 256); bounds what a pass holds. */
  maxInFlight?: number;
}

interface PendingDocument {
  _id: unknown;
  pendingEvents: CloudEvent[];
}

/** What a batch got acknowledged: per document, the ids of the events JetStream stored (a prefix of its outbox). */
interface BatchOutcome {
  acked: Array<{ _id: unknown; ids: string[] }>;
  published: number;
  failure?: unknown;
}

/** Let queued I/O (requests) run between two batches of a long drain. */
const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Publishes pending events and then clears them. A crash between publish and clear re-publishes
 * on the next pass; JetStream drops the duplicate because the message id is the event id.
 *
 * A pass reads a batch of documents, publishes with up to `maxInFlight` documents' publishes awaiting their
 * acks at once (one document's events one after the other, each after the previous ack, so the stream holds
 * them in the order they were written), then clears every acknowledged event of the batch with one write.
 * A failed publish stops the batch: what was acknowledged is cleared, the rest stays pending for the next pass.
 */
export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private rerun = false;
  /** Kicks are ignored until `start` and after `stop`. */
  private started = false;
  /** Set by `stop`: a drain in progress ends after its current batch. */
  private stopping = false;

  constructor(private readonly options: OutboxRelayOptions) {}

  /** Start polling; the first pass picks up whatever an earlier process left behind. */
  start(): void {
    this.started = true;
    this.stopping = false;
    this.kick();
    this.timer = setInterval(() => this.kick(), this.options.pollIntervalMs ?? 1000);
    this.timer.unref();
  }

  /** Ask for a pass soon (called after each write so events leave without waiting for the poll). */
  kick(): void {
    if (!this.started) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = this.drain()
      .then(() => undefined)
      .catch((error) => this.options.logger.warn({ err: error }, 'outbox relay pass failed; will retry'))
      .finally(() => {
        this.running = undefined;
        if (this.rerun) {
          this.rerun = false;
          this.kick();
        }
      });
  }

  async stop(): Promise<void> {
    this.started = false;
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One pass over every outbox collection; returns how many events were published. */
  async drain(): Promise<number> {
    let published = 0;
    for (const model of this.options.models) {
      const collection = model.collection.name;
      try {
        published += await this.drainModel(model);
        // A pass that ran to the end left nothing behind; only a stop mid-pass leaves a backlog worth counting.
        this.options.metrics.outboxBacklog.set({ collection }, this.stopping ? await this.backlog(model) : 0);
      } catch (error) {
        // NATS or the database refused: report what waits, then let the next pass retry.
        this.options.metrics.outboxBacklog.set({ collection }, await this.backlog(model).catch(() => Number.NaN));
        throw error;
      }
    }
    return published;
  }

  private async drainModel(model: Model<any>): Promise<number> {
    const limit = this.options.batchSize ?? 500;
    let published = 0;
    for (;;) {
      // `pendingEvents.id` (not `pendingEvents.0`) so the filter is the one the sparse index of outboxPlugin serves.
      const docs = await model
        .find({ 'pendingEvents.id': { $exists: true } }, { [PENDING_EVENTS]: 1 })
        .limit(limit)
        .lean<PendingDocument[]>();
      if (docs.length === 0) return published;
      const outcome = await this.publishBatch(docs);
      await this.clear(model, outcome.acked);
      published += outcome.published;
      if (outcome.failure !== undefined) throw outcome.failure;
      if (docs.length < limit || this.stopping) return published;
      await yieldToRequests();
    }
  }

  /** Publish a batch, a bounded number of documents in flight; never throws (a failure ends the batch early). */
  private async publishBatch(docs: PendingDocument[]): Promise<BatchOutcome> {
    const outcome: BatchOutcome = { acked: [], published: 0 };
    let next = 0;
    const worker = async () => {
      while (outcome.failure === undefined && next < docs.length) {
        const doc = docs[next++];
        const ids: string[] = [];
        try {
          for (const event of doc.pendingEvents) {
            await this.publish(event);
            ids.push(event.id);
            outcome.published += 1;
          }
        } catch (error) {
          outcome.failure ??= error;
        } finally {
          // Only the acknowledged prefix is cleared: a later event of the document never overtakes an earlier one.
          if (ids.length > 0) outcome.acked.push({ _id: doc._id, ids });
        }
      }
    };
    const width = Math.max(1, Math.min(this.options.maxInFlight ?? 256, docs.length));
    await Promise.all(Array.from({ length: width }, worker));
    return outcome;
  }

  /** One write for the whole batch: pull the acknowledged events (by id, so events added meanwhile stay). */
  private async clear(model: Model<any>, acked: BatchOutcome['acked']): Promise<void> {
    if (acked.length === 0) return;
    const ids = acked.flatMap((doc) => doc.ids);
    await model.updateMany({ _id: { $in: acked.map((doc) => doc._id) } }, { $pull: { [PENDING_EVENTS]: { id: { $in: ids } } } });
  }

  private backlog(model: Model<any>): Promise<number> {
    return model.countDocuments({ 'pendingEvents.id': { $exists: true } });
  }

  private async publish(event: CloudEvent): Promise<void> {
    const ack = await this.options.js.publish(event.type, encodeEvent(event), { msgID: event.id });
    if (!ack.duplicate) this.options.metrics.published.inc({ type: event.type });
  }
}
