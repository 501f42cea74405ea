import { Schema, type Connection, type QueryFilter, type Model, type Query, type UpdateQuery } from 'mongoose';
import type { JetStreamClient } from 'nats';
import type { Logger } from 'pino';
import { SpanKind, type Tracer } from '@opentelemetry/api';
import { linksTo, messagingAttributes, withSpan } from '@crm/telemetry';
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
  // A write that carried events asks the relay of its connection for a pass, so no service has to remember to;
  // it names the document it wrote when it can, so the pass reads that document by id instead of scanning.
  schema.post(['findOneAndUpdate', 'updateOne', 'updateMany'], function (this: Query<unknown, unknown>, result: unknown) {
    if (!updateCarriesEvents(this.getUpdate() as Record<string, unknown> | null)) return;
    const op = (this as unknown as { op?: string }).op;
    const written = op === 'updateMany' ? undefined : writtenIds(this.getFilter() as Record<string, unknown>, result);
    noteWrite(this.model.db, this.model.collection.name, written);
  });
  schema.post('save', function (doc: { _id?: unknown; pendingEvents?: unknown[]; db?: Connection; collection?: { name: string } }) {
    if ((doc.pendingEvents?.length ?? 0) > 0 && doc.collection) noteWrite(doc.db, doc.collection.name, [doc._id]);
  });
  // A bulk insert (each document with its own events) asks for one pass naming the documents it wrote.
  schema.post('insertMany', function (this: Model<unknown>, result: unknown) {
    const docs = (Array.isArray(result) ? result : []) as { _id?: unknown; pendingEvents?: unknown[] }[];
    const written = docs.filter((doc) => (doc.pendingEvents?.length ?? 0) > 0).map((doc) => doc._id);
    if (written.length > 0) noteWrite(this.db, this.collection.name, written);
  });
}

/** The ids a single-document write touched: the returned or upserted document's, else a plain `_id` of the filter. */
function writtenIds(filter: Record<string, unknown>, result: unknown): unknown[] | undefined {
  const outcome = (result ?? {}) as { _id?: unknown; upsertedId?: unknown; value?: { _id?: unknown } | null };
  const fromResult = outcome.upsertedId ?? outcome._id ?? outcome.value?._id;
  if (isPlainId(fromResult)) return [fromResult];
  const id = filter?._id as unknown;
  if (isPlainId(id)) return [id];
  const inList = (id as { $in?: unknown[] } | undefined)?.$in;
  if (Array.isArray(inList) && inList.every(isPlainId)) return inList;
  return undefined;
}

function isPlainId(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value !== 'object') return true;
  // An ObjectId (or another BSON value) rather than a query operator object.
  return '_bsontype' in (value as object);
}

/** Most document ids remembered per collection between two passes; beyond it the pass scans the collection. */
const MAX_WRITTEN_IDS = 10_000;

interface RelayRoute {
  kick: () => void;
  /** Per collection: documents written with events since the relay last took them, or 'scan' when some are unknown. */
  written: Map<string, Set<unknown> | 'scan'>;
}

const relayRoutes = new WeakMap<Connection, RelayRoute>();

/** Route the post-write kicks of every outbox model on `connection` to its relay; returns the undo. */
export function kickRelayAfterWrites(connection: Connection, kick: () => void): () => void {
  const route: RelayRoute = { kick, written: new Map() };
  relayRoutes.set(connection, route);
  return () => {
    if (relayRoutes.get(connection) === route) relayRoutes.delete(connection);
  };
}

function noteWrite(connection: Connection | undefined, collection: string, ids: unknown[] | undefined): void {
  const route = connection && relayRoutes.get(connection);
  if (!route) return;
  const known = route.written.get(collection);
  if (known !== 'scan') {
    const set = known ?? new Set<unknown>();
    for (const id of ids ?? []) set.add(id);
    route.written.set(collection, ids === undefined || set.size > MAX_WRITTEN_IDS ? 'scan' : set);
  }
  route.kick();
}

/**
 * The documents of `collection` written with events since the last call (and forgets them): their ids, 'scan' when a
 * write did not say which documents it touched, or `undefined` when no relay is routed on this connection.
 */
export function takeWrittenDocuments(connection: Connection, collection: string): unknown[] | 'scan' | undefined {
  const route = relayRoutes.get(connection);
  if (!route) return undefined;
  const written = route.written.get(collection);
  route.written.delete(collection);
  if (written === 'scan') return 'scan';
  return written ? [...written] : [];
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
  /** With tracing on: a producer span per publish, linked to the work that wrote the event. */
  tracer?: Tracer;
}

interface PendingDocument {
  _id: unknown;
  pendingEvents: CloudEvent[];
}

/** One document's acknowledged events: a prefix of its outbox, in order. */
interface Acked {
  _id: unknown;
  ids: string[];
}

/** Let queued I/O (requests) run between two batches of a long drain. */
const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Publishes pending events and then clears them. A crash between publish and clear re-publishes
 * on the next pass; JetStream drops the duplicate because the message id is the event id.
 *
 * A pass reads the documents with pending events through one cursor and keeps up to `maxInFlight` of them
 * publishing at once; one document's events go one after the other, each after the previous ack, so the stream
 * holds them in the order they were written. Acknowledged events are cleared `batchSize` documents at a time with
 * one write, while the next documents publish. A failed publish stops the pass: what was acknowledged is cleared,
 * the rest stays pending for the next pass. A pass woken by a write reads only the documents written since the last
 * pass (by id); the start, the poll and any pass after a failure scan the whole collection.
 */
export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private rerun = false;
  /** Kicks are ignored until `start` and after `stop`. */
  private started = false;
  /** Set by `stop`: a drain in progress ends after the documents already in flight. */
  private stopping = false;
  /** The next pass scans every collection (start, poll, after a failure) rather than only the documents written. */
  private scanDue = true;

  constructor(private readonly options: OutboxRelayOptions) {}

  /** Start polling; the first pass picks up whatever an earlier process left behind. */
  start(): void {
    this.started = true;
    this.stopping = false;
    this.scanDue = true;
    this.kick();
    this.timer = setInterval(() => {
      this.scanDue = true;
      this.kick();
    }, this.options.pollIntervalMs ?? 1000);
    this.timer.unref();
  }

  /** Ask for a pass soon (called after each write so events leave without waiting for the poll). */
  kick(): void {
    if (!this.started) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = this.pass()
      .then(() => undefined)
      .catch((error) => {
        this.scanDue = true;
        this.options.logger.warn({ err: error }, 'outbox relay pass failed; will retry');
      })
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

  /** One pass over every outbox collection, each scanned whole; returns how many events were published. */
  async drain(): Promise<number> {
    let published = 0;
    for (const model of this.options.models) {
      // The scan sees every document written so far, so what was noted of them is done with.
      takeWrittenDocuments(model.db, model.collection.name);
      published += await this.drainReporting(model, undefined);
    }
    return published;
  }

  /** A pass as the kicks run it: a scan when one is due, else only the documents written since the last pass. */
  private async pass(): Promise<number> {
    if (this.scanDue) {
      this.scanDue = false;
      return this.drain();
    }
    let published = 0;
    for (const model of this.options.models) {
      const written = takeWrittenDocuments(model.db, model.collection.name);
      if (written !== undefined && written !== 'scan' && written.length === 0) continue;
      published += await this.drainReporting(model, Array.isArray(written) ? written : undefined);
    }
    return published;
  }

  private async drainReporting(model: Model<any>, ids: unknown[] | undefined): Promise<number> {
    const collection = model.collection.name;
    try {
      const published = await this.drainModel(model, ids);
      // A scan that ran to the end left nothing behind; only a stop mid-pass leaves a backlog worth counting.
      if (ids === undefined || this.stopping) this.options.metrics.outboxBacklog.set({ collection }, this.stopping ? await this.backlog(model) : 0);
      return published;
    } catch (error) {
      // NATS or the database refused: report what waits, then let the next pass retry.
      this.options.metrics.outboxBacklog.set({ collection }, await this.backlog(model).catch(() => Number.NaN));
      throw error;
    }
  }

  private async drainModel(model: Model<any>, ids: unknown[] | undefined): Promise<number> {
    const batchSize = this.options.batchSize ?? 500;
    const maxInFlight = Math.max(1, this.options.maxInFlight ?? 256);
    // `pendingEvents.id` (not `pendingEvents.0`) so the filter is the one the sparse index of outboxPlugin serves. The
    // written documents are read by `_id` alone (the dev server uses an index only for a filter on its keys alone).
    const filter = ids ? { _id: { $in: ids } } : { 'pendingEvents.id': { $exists: true } };
    const cursor = model.find(filter, { [PENDING_EVENTS]: 1 }).batchSize(batchSize).lean<PendingDocument[]>().cursor();
    const inFlight = new Set<Promise<void>>();
    const seen = new Set<string>();
    let acked: Acked[] = [];
    let clearing: Promise<void> = Promise.resolve();
    let failure: { error: unknown } | undefined;
    let published = 0;
    let sinceYield = 0;
    const flush = () => {
      if (acked.length === 0) return;
      const chunk = acked;
      acked = [];
      // One clearing write at a time, in the background of the publishes; a failed one fails the pass at its end.
      clearing = clearing.then(() => this.clear(model, chunk));
      clearing.catch(() => undefined);
    };
    try {
      for await (const doc of cursor as AsyncIterable<PendingDocument>) {
        if (failure || this.stopping) break;
        if (!doc.pendingEvents?.length) continue;
        // A cursor may meet a document twice when it changes under it; the first visit publishes it.
        const key = String(doc._id);
        if (seen.has(key)) continue;
        seen.add(key);
        const task = this.publishDocument(doc).then((outcome) => {
          published += outcome.ids.length;
          if (outcome.ids.length > 0) acked.push({ _id: doc._id, ids: outcome.ids });
          if (outcome.failure && !failure) failure = outcome.failure;
          if (acked.length >= batchSize) flush();
        });
        inFlight.add(task);
        void task.finally(() => inFlight.delete(task));
        if (inFlight.size >= maxInFlight) await Promise.race(inFlight);
        sinceYield += 1;
        if (sinceYield >= batchSize) {
          sinceYield = 0;
          await yieldToRequests();
        }
      }
    } finally {
      await Promise.all(inFlight);
      flush();
      await cursor.close().catch(() => undefined);
    }
    await clearing;
    if (failure) throw failure.error;
    return published;
  }

  /** One document's events in order, each after the previous ack; stops at the first refused publish. */
  private async publishDocument(doc: PendingDocument): Promise<{ ids: string[]; failure?: { error: unknown } }> {
    const ids: string[] = [];
    try {
      for (const event of doc.pendingEvents) {
        await this.publish(event);
        ids.push(event.id);
      }
      return { ids };
    } catch (error) {
      // Only the acknowledged prefix is cleared: a later event of the document never overtakes an earlier one.
      return { ids, failure: { error } };
    }
  }

  /**
   * One write for a chunk: a bulk of `$pull`s by id, each document losing only its acknowledged events (events added
   * meanwhile stay). An update per document by `_id` rather than one `updateMany` over `_id: {$in}`, which the dev
   * server answers by scanning the collection.
   */
  private async clear(model: Model<any>, acked: Acked[]): Promise<void> {
    await model.bulkWrite(
      acked.map((doc) => ({ updateOne: { filter: { _id: doc._id }, update: { $pull: { [PENDING_EVENTS]: { id: { $in: doc.ids } } } } } })),
      { ordered: false },
    );
  }

  private backlog(model: Model<any>): Promise<number> {
    return model.countDocuments({ 'pendingEvents.id': { $exists: true } });
  }

  private async publish(event: CloudEvent): Promise<void> {
    const { tracer } = this.options;
    if (!tracer) return this.send(event);
    // A link, not a parent: the relay publishes later, often in a pass that carries events of many requests.
    await withSpan(tracer, `send ${event.type}`, { kind: SpanKind.PRODUCER, links: linksTo(event), attributes: messagingAttributes('send', event) }, () => this.send(event));
  }

  private async send(event: CloudEvent): Promise<void> {
    const ack = await this.options.js.publish(event.type, encodeEvent(event), { msgID: event.id });
    if (!ack.duplicate) this.options.metrics.published.inc({ type: event.type });
  }
}
