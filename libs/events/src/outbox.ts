import { Schema, type Model, type UpdateQuery } from 'mongoose';
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
  // Serves the relay's scan for documents with unpublished events.
  schema.index({ 'pendingEvents.id': 1 }, { sparse: true });
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
  batchSize?: number;
}

/**
 * Publishes pending events and then clears them. A crash between publish and clear re-publishes
 * on the next pass; JetStream drops the duplicate because the message id is the event id.
 */
export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private rerun = false;
  private stopped = true;

  constructor(private readonly options: OutboxRelayOptions) {}

  /** Start polling; the first pass picks up whatever an earlier process left behind. */
  start(): void {
    this.stopped = false;
    this.kick();
    this.timer = setInterval(() => this.kick(), this.options.pollIntervalMs ?? 1000);
    this.timer.unref();
  }

  /** Ask for a pass soon (called after each write so events leave without waiting for the poll). */
  kick(): void {
    if (this.stopped) return;
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
    this.stopped = true;
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
        this.options.metrics.outboxBacklog.set({ collection }, this.stopped ? await this.backlog(model) : 0);
      } catch (error) {
        // NATS or the database refused: report what waits, then let the next pass retry.
        this.options.metrics.outboxBacklog.set({ collection }, await this.backlog(model).catch(() => Number.NaN));
        throw error;
      }
    }
    return published;
  }

  private async drainModel(model: Model<any>): Promise<number> {
    const limit = this.options.batchSize ?? 100;
    let published = 0;
    for (;;) {
      const docs = await model
        .find({ 'pendingEvents.0': { $exists: true } }, { [PENDING_EVENTS]: 1 })
        .limit(limit)
        .lean<Array<{ _id: unknown } & WithPendingEvents>>();
      for (const doc of docs) {
        for (const event of doc.pendingEvents) {
          await this.publish(event);
          await model.updateOne({ _id: doc._id }, { $pull: { [PENDING_EVENTS]: { id: event.id } } });
          published += 1;
        }
      }
      if (docs.length < limit || this.stopped) return published;
    }
  }

  private backlog(model: Model<any>): Promise<number> {
    return model.countDocuments({ 'pendingEvents.0': { $exists: true } });
  }

  private async publish(event: CloudEvent): Promise<void> {
    const ack = await this.options.js.publish(event.type, encodeEvent(event), { msgID: event.id });
    if (!ack.duplicate) this.options.metrics.published.inc({ type: event.type });
  }
}
