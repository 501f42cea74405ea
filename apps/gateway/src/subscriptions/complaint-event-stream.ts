import type { Logger } from '@crm/kernel';
import { GraphQLError } from 'graphql';
import { encodeComplaintCursor } from '@crm/contracts';
import type { ComplaintEventHub, HubMember, SharedLookups } from './complaint-event-hub';
import { filteredBy, readComplaintEvent, type ComplaintEvent, type ComplaintEventFilter, type FeedMessage, type OpenFeed } from './complaint-event-message';
import type { FilteredReason, SubscriptionMetrics } from './subscription-metrics';
import { TicketLookupError, type TicketLookup } from './ticket-lookup';
import type { WithTicketErrors } from './ticket-query';

export type { ComplaintEventFilter } from './complaint-event-message';

/** One event as the subscription's executor sees it (the root value of each `complaintEvents` result). */
export interface ComplaintEventSource extends WithTicketErrors {
  id: string;
  cursor: string;
  type: string;
  occurredAt: string;
  /** The ticket by the response key(s) the subscriber selected it under. */
  tickets: Record<string, unknown>;
}

/** The last item of a stream that cannot go on: its error is sent to the subscriber, then the stream completes. */
export interface StreamFailure {
  failure: GraphQLError;
}

export interface ComplaintEventStreamOptions {
  hub: ComplaintEventHub;
  streamName: string;
  /** The first stream sequence this subscriber wants (a resume: the cursor's + 1); undefined: from now on. */
  startSequence?: number;
  filter: ComplaintEventFilter;
  /**
   * Whose lookups this subscriber may share: the forwarded token and the ticket query. Two subscribers share a lookup
   * only when both are equal, so one caller's answer never reaches another caller.
   */
  lookupKey: string;
  /** Reads the ticket with the subscriber's identity; throws TicketLookupError when it cannot tell. */
  lookUp(ticketId: string, streamSequence: number): Promise<TicketLookup>;
  metrics: SubscriptionMetrics;
  logger: Logger;
  /** Events held for this subscriber at most (looked up, not yet sent); beyond it the subscriber falls back to catch-up. */
  maxQueued?: number;
  /** Called once when the stream ends, whoever ends it (client, failure, shutdown); `return()` waits for it. */
  onEnd?: () => Promise<void>;
}

/** An event held for the subscriber: its lookup (maybe shared), and the sequence it settles through (later filtered ones). */
interface Held {
  seq: number;
  through: number;
  event?: ComplaintEvent;
  lookup?: Promise<TicketLookup>;
}

interface CatchUp {
  feed: Promise<OpenFeed>;
  /** The last sequence to read here; the shared feed brings the rest. Infinity: until caught up, then rejoin. */
  through: number;
}

export const DEFAULT_MAX_QUEUED = 256;

/**
 * The source stream of one `complaintEvents` subscription, fed by the gateway's shared hub.
 *
 * Live, the hub offers each message; the subscriber filters it, keeps it with its (maybe shared) lookup in a bounded
 * queue, and sends the visible ones in stream order. A resume (`after`) first reads the missed range on a catch-up
 * consumer of its own, up to where the shared feed was when it joined, then continues on the queue: no gap, nothing
 * twice. A slow subscriber whose queue is full does not hold anyone up: its queue is dropped, it leaves the shared
 * feed, reads on from its last settled event on its own catch-up consumer at its own pace (JetStream flow control),
 * and rejoins the shared feed once that consumer is nearly caught up. Nothing is lost and order is kept.
 *
 * Written as a plain async iterator rather than an async generator: `return()` must stop at once, even while waiting
 * for the next event (a generator would only see it after that event arrived).
 */
export class ComplaintEventStream implements AsyncIterableIterator<ComplaintEventSource | StreamFailure>, HubMember {
  private readonly maxQueued: number;
  private readonly stopWaiting = new AbortController();
  private readonly queue: Held[] = [];
  /** Events with a lookup in the queue (the bound); filtered ones only extend `through`. */
  private lookupsQueued = 0;
  /** True while the loop awaits the queue's head: an overflow keeps it. */
  private headInFlight = false;
  /** Stream sequence up to which every message has been settled (delivered or filtered): where a resume may start. */
  private settled = 0;
  /** Live offers below this sequence were read on the catch-up consumer. */
  private liveFrom = Number.POSITIVE_INFINITY;
  private onFeed = false;
  /** Counted in `gateway_subscriptions_active` from its first join (its position fixed) to its end. */
  private counted = false;
  /** The first sequence wanted when (re)joining the shared feed; undefined: from the feed's position. */
  private joinFrom?: number;
  /** After an overflow: where to rejoin once the event in flight is sent. */
  private resumeFrom = 0;
  private catchUp?: CatchUp;
  private feedFailure?: { error: unknown };
  private wake?: () => void;
  private finished = false;
  private ended?: Promise<void>;
  private pulling?: Promise<IteratorResult<ComplaintEventSource | StreamFailure>>;
  private readonly started: Promise<void>;

  constructor(private readonly options: ComplaintEventStreamOptions) {
    this.maxQueued = options.maxQueued ?? DEFAULT_MAX_QUEUED;
    if (options.startSequence !== undefined) this.settled = options.startSequence - 1;
    this.started = this.joinFeed(options.startSequence);
    this.started.catch(() => undefined);
  }

  /** Resolves once the subscriber is on the shared feed (its position fixed), or rejects when the feed cannot start. */
  ready(): Promise<void> {
    return this.started;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<ComplaintEventSource | StreamFailure>> {
    if (this.finished) return { done: true, value: undefined };
    this.pulling = this.pull();
    try {
      return await this.pulling;
    } finally {
      this.pulling = undefined;
    }
  }

  /** The subscriber completed, disconnected, or the gateway is stopping: leave the feed, let the current event finish. */
  async return(): Promise<IteratorResult<ComplaintEventSource | StreamFailure>> {
    this.finish();
    await this.pulling?.catch(() => undefined);
    await this.ended;
    return { done: true, value: undefined };
  }

  // ---- the hub's side (HubMember) ----

  joined(lastDispatched: number): void {
    if (this.finished) {
      void this.options.hub.leave(this);
      return;
    }
    this.onFeed = true;
    if (!this.counted) {
      this.counted = true;
      this.options.metrics.active.inc();
    }
    const from = this.joinFrom;
    if (from === undefined) {
      // A new subscriber without `after`: from now on.
      this.settled = lastDispatched;
      this.liveFrom = lastDispatched + 1;
      return;
    }
    this.liveFrom = Math.max(from, lastDispatched + 1);
    // Rejoining from an unbounded catch-up: it reads on up to where the shared feed is. Otherwise read the gap alone.
    if (this.catchUp) this.catchUp.through = lastDispatched;
    else if (from <= lastDispatched) this.openCatchUp(from, lastDispatched);
  }

  offer(message: FeedMessage, event: ComplaintEvent | undefined, shared: SharedLookups): void {
    if (this.finished || !this.onFeed || message.seq < this.liveFrom) return;
    const reason: FilteredReason | undefined = event ? filteredBy(this.options.filter, event) : 'unreadable';
    if (reason || !event) {
      this.options.metrics.filtered.inc({ reason: reason ?? 'unreadable' });
      this.settleLater(message.seq);
      return;
    }
    if (this.lookupsQueued >= this.maxQueued) {
      this.overflow();
      return;
    }
    let lookup = shared.get(this.options.lookupKey);
    if (lookup) this.options.metrics.lookupsShared.inc();
    else {
      lookup = this.options.hub.lookUp(() => this.options.lookUp(event.ticketId, message.seq), event.ticketId, message.seq, this.options.hub.feedSignal);
      lookup.catch(() => undefined);
      shared.set(this.options.lookupKey, lookup);
    }
    this.queue.push({ seq: message.seq, through: message.seq, event, lookup });
    this.lookupsQueued += 1;
    this.wakeUp();
  }

  feedFailed(error: unknown): void {
    this.onFeed = false;
    this.feedFailure = { error };
    this.wakeUp();
  }

  // ---- the subscriber's side ----

  /** Join (or rejoin) the shared feed, needing every event from `from` on (undefined: from now on). */
  private async joinFeed(from: number | undefined): Promise<void> {
    this.joinFrom = from;
    await this.options.hub.join(this);
  }

  private async pull(): Promise<IteratorResult<ComplaintEventSource | StreamFailure>> {
    try {
      await this.started;
    } catch (error) {
      return this.finished ? { done: true, value: undefined } : { done: false, value: this.fail(error, 'the complaint stream failed') };
    }
    for (;;) {
      if (this.finished) return { done: true, value: undefined };
      let outcome: ComplaintEventSource | StreamFailure | undefined;
      if (this.catchUp) outcome = await this.nextCaughtUp(this.catchUp);
      else if (this.queue.length > 0) outcome = await this.nextQueued();
      else if (this.feedFailure) outcome = this.fail(this.feedFailure.error, 'the complaint stream failed');
      else if (!this.onFeed) {
        // Back from an overflow: rejoin where this subscriber stands (a catch-up reads the gap, if any).
        await this.joinFeed(this.resumeFrom);
      } else await new Promise<void>((resolve) => (this.wake = resolve));
      // A failure finishes the stream and is its last item.
      if (outcome && isStreamFailure(outcome)) return { done: false, value: outcome };
      if (this.finished) return { done: true, value: undefined };
      if (outcome) return { done: false, value: outcome };
    }
  }

  private async nextQueued(): Promise<ComplaintEventSource | StreamFailure | undefined> {
    const held = this.queue[0];
    let lookup: TicketLookup | undefined;
    if (held.lookup) {
      this.headInFlight = true;
      try {
        lookup = await held.lookup;
      } catch (error) {
        if (this.finished) return undefined;
        return this.fail(error, `the ticket of complaint event ${held.event!.id} could not be read`);
      } finally {
        this.headInFlight = false;
      }
    }
    if (this.queue[0] === held) {
      this.queue.shift();
      if (held.lookup) this.lookupsQueued -= 1;
    }
    return this.settle(held, lookup);
  }

  private async nextCaughtUp(catchUp: CatchUp): Promise<ComplaintEventSource | StreamFailure | undefined> {
    let message: IteratorResult<FeedMessage>;
    try {
      message = await (await catchUp.feed).messages.next();
    } catch (error) {
      if (this.finished) return undefined;
      return this.fail(error, 'the complaint stream failed');
    }
    if (this.finished) return undefined;
    if (message.done) return this.fail(new Error('consumer ended'), 'the complaint stream ended');
    const { value } = message;
    if (value.seq > catchUp.through) {
      // Already on the queue from the shared feed.
      this.closeCatchUp();
      return undefined;
    }
    const outcome = await this.handleOwn(value);
    if (this.finished || this.catchUp !== catchUp) return outcome;
    if (value.seq >= catchUp.through) this.closeCatchUp();
    else if (catchUp.through === Number.POSITIVE_INFINITY && !this.onFeed && value.info.pending < this.maxQueued / 2) {
      // Nearly caught up after an overflow: back on the shared feed; this consumer reads on to where the feed is.
      await this.joinFeed(value.seq + 1);
      if (this.catchUp === catchUp && catchUp.through <= value.seq) this.closeCatchUp();
    }
    return outcome;
  }

  /** A message read on this subscriber's own catch-up consumer: filter, own lookup (not shared), settle. */
  private async handleOwn(message: FeedMessage): Promise<ComplaintEventSource | StreamFailure | undefined> {
    const event = readComplaintEvent(message);
    const reason: FilteredReason | undefined = event ? filteredBy(this.options.filter, event) : 'unreadable';
    if (reason || !event) {
      this.options.metrics.filtered.inc({ reason: reason ?? 'unreadable' });
      this.settled = message.seq;
      return undefined;
    }
    try {
      const lookup = await this.options.hub.lookUp(() => this.options.lookUp(event.ticketId, message.seq), event.ticketId, message.seq, this.stopWaiting.signal);
      return this.settle({ seq: message.seq, through: message.seq, event }, lookup);
    } catch (error) {
      if (this.finished) return undefined;
      return this.fail(error, `the ticket of complaint event ${event.id} could not be read`);
    }
  }

  /** The event to send, or undefined when the subscriber may not see it (or it only settles filtered ones). */
  private settle(held: Held, lookup: TicketLookup | undefined): ComplaintEventSource | undefined {
    this.settled = held.through;
    if (!held.event || !lookup) return undefined;
    if (!lookup.visible) {
      this.options.metrics.filtered.inc({ reason: 'not_visible' });
      return undefined;
    }
    this.options.metrics.delivered.inc();
    const { event } = held;
    return { id: event.id, cursor: encodeComplaintCursor(this.options.streamName, held.seq), type: event.type, occurredAt: event.occurredAt, tickets: lookup.tickets, ticketErrors: lookup.errors };
  }

  /** A filtered live event: settled now if nothing before it is pending, else with the last held event. */
  private settleLater(seq: number): void {
    const last = this.queue.at(-1);
    if (last) last.through = seq;
    else if (this.catchUp || this.headInFlight) this.queue.push({ seq, through: seq });
    else this.settled = seq;
  }

  /** The queue is full: drop it (but the event being sent), leave the shared feed, read on from the stream alone. */
  private overflow(): void {
    this.options.metrics.overflows.inc();
    this.options.logger.info({ queued: this.lookupsQueued, settled: this.settled }, 'subscriber too slow for the shared feed: reading on from the stream');
    this.onFeed = false;
    void this.options.hub.leave(this);
    const keep = this.headInFlight && !this.catchUp ? this.queue.slice(0, 1) : [];
    this.queue.length = 0;
    this.queue.push(...keep);
    this.lookupsQueued = keep.filter((held) => held.lookup).length;
    // Dropped entries are read again: from right after the event in flight, or after the last settled one.
    if (this.catchUp) this.catchUp.through = Number.POSITIVE_INFINITY;
    else this.resumeFrom = (keep[0]?.through ?? this.settled) + 1;
    this.wakeUp();
  }

  private openCatchUp(from: number, through: number): void {
    const feed = this.options.hub.openCatchUp(from);
    feed.catch(() => undefined);
    this.catchUp = { feed, through };
  }

  private closeCatchUp(): void {
    const catchUp = this.catchUp;
    this.catchUp = undefined;
    void catchUp?.feed.then((feed) => feed.close()).catch(() => undefined);
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /**
   * End the stream with an error the subscriber can act on: its code, and `resumeAfter`, the cursor to pass as
   * `after` to pick up exactly here (every event before it was delivered or filtered for this subscriber).
   */
  private fail(error: unknown, what: string): StreamFailure {
    const code = error instanceof TicketLookupError && !error.transient ? error.code : 'UNAVAILABLE';
    this.options.logger.warn({ err: error, settled: this.settled }, `subscription ended: ${what}`);
    const resumeAfter = encodeComplaintCursor(this.options.streamName, this.settled);
    this.finish();
    const failure = new GraphQLError(`Complaint events stopped: ${what} (${code}); subscribe again with after = extensions.resumeAfter`, {
      extensions: { code, resumeAfter },
    });
    return { failure };
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.stopWaiting.abort();
    this.queue.length = 0;
    this.closeCatchUp();
    if (this.counted) this.options.metrics.active.dec();
    this.wakeUp();
    const left = this.options.hub.leave(this);
    this.ended = Promise.all([left, this.options.onEnd?.()]).then(
      () => undefined,
      (error: unknown) => this.options.logger.warn({ err: error }, 'subscription cleanup failed'),
    );
  }
}

/** Type guard for the executor: a stream item that ends the subscription. */
export function isStreamFailure(item: unknown): item is StreamFailure {
  return typeof item === 'object' && item !== null && 'failure' in item;
}
