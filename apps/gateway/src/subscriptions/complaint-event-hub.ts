import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@crm/kernel';
import { readComplaintEvent, type ComplaintEvent, type ComplaintFeedSource, type FeedMessage, type OpenFeed } from './complaint-event-message';
import type { SubscriptionMetrics } from './subscription-metrics';
import { TicketLookupError, type TicketLookup } from './ticket-lookup';

/** Lookups of one event already started, by subscriber identity and ticket query: subscribers with the same key share one. */
export type SharedLookups = Map<string, Promise<TicketLookup>>;

/** What the hub needs of a subscription (ComplaintEventStream implements it). */
export interface HubMember {
  /** Called synchronously when the member joins: `lastDispatched` is the last sequence the hub has handed out. */
  joined(lastDispatched: number): void;
  /** One message of the shared feed, in stream order; `event` is undefined when it is not a readable complaint event. */
  offer(message: FeedMessage, event: ComplaintEvent | undefined, shared: SharedLookups): void;
  /** The shared feed failed: the member ends with a resume cursor once it has handled what it already holds. */
  feedFailed(error: unknown): void;
}

export interface ComplaintEventHubOptions {
  source: ComplaintFeedSource;
  metrics: SubscriptionMetrics;
  logger: Logger;
  /** Federated lookups running at once, across every subscriber (default 64). */
  maxLookupsInFlight?: number;
  /** The shared feed waits before the next message while more lookups than this are queued (default 4 000). */
  lookupBacklogHighWater?: number;
  /** Waits between lookup attempts of one event; its length + 1 is the number of attempts (default 200 ms, 1 s). */
  retryDelaysMs?: readonly number[];
}

// A subgraph restart takes about a second; longer outages end the subscription, and the client resumes with `after`.
const DEFAULT_RETRY_DELAYS_MS = [200, 1000];
const DEFAULT_MAX_LOOKUPS_IN_FLIGHT = 64;
const DEFAULT_BACKLOG_HIGH_WATER = 4000;

/**
 * One consumer on the complaint stream per gateway process, feeding every subscription: the fan-out hub.
 *
 * The shared ordered consumer starts with the first member and is deleted after the last one leaves. Each message is
 * parsed once and offered to every member in stream order; a member that keeps it starts (or reuses) the ticket
 * lookup under its own identity: members with the same forwarded token and the same ticket query share one lookup per
 * event, members of different identities never do. Lookups run through one limiter, and the shared feed pauses while
 * their backlog is high (JetStream flow control then holds the rest on the server), so a burst slows everyone a little
 * instead of overflowing the members' queues. Catch-up consumers (resumes, overflowed members) are opened through
 * `openCatchUp` and live only until their member is back on the shared feed.
 */
export class ComplaintEventHub {
  private readonly members = new Set<HubMember>();
  private readonly limiter: Limiter;
  private readonly retryDelaysMs: readonly number[];
  private readonly highWater: number;
  private feed?: { open: OpenFeed; loop: Promise<void>; stopping: boolean; stopWaiting: AbortController };
  private lastDispatched = 0;
  /** Start and stop of the shared feed, one at a time, in the order asked. */
  private lifecycle: Promise<unknown> = Promise.resolve();
  private consumers = 0;

  constructor(private readonly options: ComplaintEventHubOptions) {
    this.limiter = new Limiter(options.maxLookupsInFlight ?? DEFAULT_MAX_LOOKUPS_IN_FLIGHT);
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.highWater = options.lookupBacklogHighWater ?? DEFAULT_BACKLOG_HIGH_WATER;
  }

  /** Bus consumers this gateway holds now: the shared one (0 or 1) plus catch-ups in progress. */
  get busConsumers(): number {
    return this.consumers;
  }

  /** Members on the shared feed now. */
  get memberCount(): number {
    return this.members.size;
  }

  /** Put a member on the shared feed, starting the feed if it is the first; `joined` tells it where the feed is. */
  join(member: HubMember): Promise<void> {
    return this.serially(async () => {
      if (!this.feed) await this.startFeed();
      this.members.add(member);
      member.joined(this.lastDispatched);
    });
  }

  /** Take a member off the shared feed; the feed stops (and its consumer is deleted) after the last one leaves. */
  leave(member: HubMember): Promise<void> {
    if (!this.members.delete(member)) return Promise.resolve();
    return this.serially(async () => {
      if (this.members.size === 0 && this.feed) await this.stopFeed();
    });
  }

  /** Wait for any start or stop in progress (shutdown: before the NATS connection drains). */
  async idle(): Promise<void> {
    await this.lifecycle.catch(() => undefined);
  }

  /** A member's own ordered consumer from `startSequence` on, counted as a bus consumer until closed. */
  async openCatchUp(startSequence: number): Promise<OpenFeed> {
    return this.counted(await this.options.source.open(startSequence, 'catch-up'));
  }

  /**
   * Read a ticket for a subscriber through the limiter, retrying transient failures. `signal` stops the waits
   * between attempts (the last error is then thrown).
   */
  async lookUp(read: () => Promise<TicketLookup>, ticketId: string, sequence: number, signal: AbortSignal): Promise<TicketLookup> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        this.options.metrics.lookups.inc();
        return await this.limiter.run(read);
      } catch (error) {
        const transient = !(error instanceof TicketLookupError) || error.transient;
        if (!transient || attempt >= this.retryDelaysMs.length || signal.aborted) throw error;
        this.options.logger.warn({ err: error, ticketId, seq: sequence, attempt: attempt + 1 }, 'ticket lookup failed; retrying');
        await sleep(this.retryDelaysMs[attempt], undefined, { signal }).catch(() => undefined);
      }
    }
  }

  /** The lifetime signal of the shared feed: shared lookups stop retrying when the feed stops. */
  get feedSignal(): AbortSignal {
    return this.feed?.stopWaiting.signal ?? AbortSignal.abort();
  }

  private serially<T>(step: () => Promise<T>): Promise<T> {
    const run = this.lifecycle.catch(() => undefined).then(step);
    this.lifecycle = run;
    return run;
  }

  private async startFeed(): Promise<void> {
    const last = await this.options.source.lastSequence();
    const open = this.counted(await this.options.source.open(last + 1, 'shared'));
    this.lastDispatched = last;
    const feed = { open, stopping: false, stopWaiting: new AbortController(), loop: Promise.resolve() };
    feed.loop = this.dispatch(feed);
    this.feed = feed;
    this.options.logger.info({ startSequence: last + 1 }, 'shared complaint feed started');
  }

  private async stopFeed(): Promise<void> {
    const feed = this.feed!;
    feed.stopping = true;
    feed.stopWaiting.abort();
    this.feed = undefined;
    await feed.open.close();
    await feed.loop;
    this.options.logger.info({ lastDispatched: this.lastDispatched }, 'shared complaint feed stopped');
  }

  private async dispatch(feed: NonNullable<ComplaintEventHub['feed']>): Promise<void> {
    let failure: unknown;
    try {
      for (;;) {
        const next = await feed.open.messages.next();
        if (feed.stopping) return;
        if (next.done) {
          failure = new Error('consumer ended');
          break;
        }
        const message = next.value;
        this.lastDispatched = message.seq;
        const event = readComplaintEvent(message);
        if (!event) this.options.logger.warn({ subject: message.subject, seq: message.seq }, 'complaint stream message is not a readable complaint event; skipped');
        const shared: SharedLookups = new Map();
        for (const member of [...this.members]) member.offer(message, event, shared);
        // Back-pressure: hold the feed while lookups are far behind (the members' queues stay short).
        if (this.limiter.backlog > this.highWater) await this.limiter.below(this.highWater / 2);
      }
    } catch (error) {
      if (feed.stopping) return;
      failure = error;
    }
    this.options.logger.warn({ err: failure, lastDispatched: this.lastDispatched }, 'shared complaint feed failed');
    const members = [...this.members];
    this.members.clear();
    if (this.feed === feed) {
      this.feed = undefined;
      feed.stopWaiting.abort();
      void this.serially(() => feed.open.close());
    }
    for (const member of members) member.feedFailed(failure);
  }

  private counted(open: OpenFeed): OpenFeed {
    this.consumers += 1;
    this.options.metrics.busConsumers.set(this.consumers);
    let closed = false;
    return {
      messages: open.messages,
      close: async () => {
        if (closed) return;
        closed = true;
        this.consumers -= 1;
        this.options.metrics.busConsumers.set(this.consumers);
        await open.close();
      },
    };
  }
}

/** At most `limit` tasks at once, the rest wait in order; `backlog` counts both. */
class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly drains: { below: number; resolve: () => void }[] = [];

  constructor(private readonly limit: number) {}

  get backlog(): number {
    return this.running + this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
      this.notify();
    }
  }

  below(count: number): Promise<void> {
    if (this.backlog < count) return Promise.resolve();
    return new Promise((resolve) => this.drains.push({ below: count, resolve }));
  }

  private notify(): void {
    for (let i = this.drains.length - 1; i >= 0; i -= 1) {
      if (this.backlog < this.drains[i].below) this.drains.splice(i, 1)[0].resolve();
    }
  }
}
