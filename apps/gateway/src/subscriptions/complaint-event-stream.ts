import { setTimeout as sleep } from 'node:timers/promises';
import { cloudEventSchema } from '@crm/events';
import type { Logger } from '@crm/kernel';
import { GraphQLError } from 'graphql';
import type { ConsumerMessages, JsMsg } from 'nats';
import { z } from 'zod';
import { encodeComplaintCursor } from '@crm/contracts';
import { complaintEventType } from './complaint-event-types';
import type { FilteredReason, SubscriptionMetrics } from './subscription-metrics';
import { TicketLookupError, type TicketLookup } from './ticket-lookup';
import type { WithTicketErrors } from './ticket-query';

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

export interface ComplaintEventFilter {
  types?: ReadonlySet<string>;
  severities?: ReadonlySet<string>;
  customerIds?: ReadonlySet<string>;
}

export interface ComplaintEventStreamOptions {
  /** Ordered consumer messages on the complaint subjects, starting at `startSequence`. */
  messages: ConsumerMessages;
  streamName: string;
  startSequence: number;
  filter: ComplaintEventFilter;
  /** Reads the ticket with the subscriber's identity; throws TicketLookupError when it cannot tell. */
  lookUp(ticketId: string, streamSequence: number): Promise<TicketLookup>;
  metrics: SubscriptionMetrics;
  logger: Logger;
  /** Waits between lookup attempts of one event; its length + 1 is the number of attempts. */
  retryDelaysMs?: readonly number[];
  /** Called once when the stream ends, whoever ends it (client, failure, shutdown); `return()` waits for it. */
  onEnd?: () => Promise<void>;
}

// A subgraph restart takes about a second; longer outages end the subscription, and the client resumes with `after`.
const DEFAULT_RETRY_DELAYS_MS = [200, 1000];

// What the gateway reads of a complaint payload. A tolerant reader: any contract version that carries these works.
const complaintPayload = z.object({
  ticketId: z.string().min(1).optional(),
  customerId: z.string().optional(),
  severity: z.string().optional(),
  occurredAt: z.string().optional(),
});

/**
 * The source stream of one `complaintEvents` subscription: JetStream messages in stream order → the subscriber's filter
 * → the ticket read with the subscriber's identity → an event, or nothing when the ticket is out of reach. Events are
 * handled one at a time, so order is kept and a slow subscriber slows only its own consumer (JetStream flow control).
 *
 * Written as a plain async iterator rather than an async generator: `return()` must stop the consumer at once, even
 * while waiting for the next message (a generator would only see it after that message arrived).
 */
export class ComplaintEventStream implements AsyncIterableIterator<ComplaintEventSource | StreamFailure> {
  private readonly source: AsyncIterator<JsMsg>;
  private readonly retryDelaysMs: readonly number[];
  private readonly stopWaiting = new AbortController();
  /** Stream sequence up to which every message has been settled (delivered or filtered): where a resume may start. */
  private settled: number;
  private finished = false;
  private ended?: Promise<void>;
  private pulling?: Promise<IteratorResult<ComplaintEventSource | StreamFailure>>;

  constructor(private readonly options: ComplaintEventStreamOptions) {
    this.source = options.messages[Symbol.asyncIterator]();
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.settled = options.startSequence - 1;
    options.metrics.active.inc();
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

  /** The subscriber completed, disconnected, or the gateway is stopping: stop the consumer, let the current event finish. */
  async return(): Promise<IteratorResult<ComplaintEventSource | StreamFailure>> {
    this.finish();
    await this.pulling?.catch(() => undefined);
    await this.ended;
    return { done: true, value: undefined };
  }

  private async pull(): Promise<IteratorResult<ComplaintEventSource | StreamFailure>> {
    for (;;) {
      let message: IteratorResult<JsMsg>;
      try {
        message = await this.source.next();
      } catch (error) {
        if (this.finished) return { done: true, value: undefined };
        return { done: false, value: this.fail(error, 'the complaint stream failed') };
      }
      if (this.finished) return { done: true, value: undefined };
      if (message.done) return { done: false, value: this.fail(new Error('consumer ended'), 'the complaint stream ended') };
      const outcome = await this.handle(message.value);
      if (outcome) return { done: false, value: outcome };
    }
  }

  /** The event to send, a failure that ends the stream, or undefined when this subscriber does not get it. */
  private async handle(message: JsMsg): Promise<ComplaintEventSource | StreamFailure | undefined> {
    const event = readComplaintEvent(message);
    if (!event) return this.skip(message, 'unreadable');
    const reason = filteredBy(this.options.filter, event);
    if (reason) return this.skip(message, reason);

    let lookup: TicketLookup;
    try {
      lookup = await this.lookUpWithRetries(event.ticketId, message.seq);
    } catch (error) {
      if (this.finished) return undefined;
      return this.fail(error, `the ticket of complaint event ${event.id} could not be read`);
    }
    if (!lookup.visible) return this.skip(message, 'not_visible');
    this.settled = message.seq;
    this.options.metrics.delivered.inc();
    return { id: event.id, cursor: encodeComplaintCursor(this.options.streamName, message.seq), type: event.type, occurredAt: event.occurredAt, tickets: lookup.tickets, ticketErrors: lookup.errors };
  }

  private skip(message: JsMsg, reason: FilteredReason): undefined {
    this.settled = message.seq;
    this.options.metrics.filtered.inc({ reason });
    if (reason === 'unreadable') this.options.logger.warn({ subject: message.subject, seq: message.seq }, 'complaint stream message is not a readable complaint event; skipped');
    return undefined;
  }

  private async lookUpWithRetries(ticketId: string, sequence: number): Promise<TicketLookup> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.options.lookUp(ticketId, sequence);
      } catch (error) {
        const transient = !(error instanceof TicketLookupError) || error.transient;
        if (!transient || attempt >= this.retryDelaysMs.length || this.finished) throw error;
        this.options.logger.warn({ err: error, ticketId, seq: sequence, attempt: attempt + 1 }, 'ticket lookup failed; retrying');
        await sleep(this.retryDelaysMs[attempt], undefined, { signal: this.stopWaiting.signal }).catch(() => undefined);
      }
    }
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
    this.options.messages.stop();
    this.options.metrics.active.dec();
    this.ended = this.options.onEnd?.().catch((error: unknown) => this.options.logger.warn({ err: error }, 'subscription cleanup failed'));
  }
}

interface ComplaintEvent {
  id: string;
  type: string;
  ticketId: string;
  customerId?: string;
  severity?: string;
  occurredAt: string;
}

function readComplaintEvent(message: JsMsg): ComplaintEvent | undefined {
  let envelope;
  try {
    envelope = cloudEventSchema.parse(JSON.parse(Buffer.from(message.data).toString('utf8')));
  } catch {
    return undefined;
  }
  const payload = complaintPayload.safeParse(envelope.data);
  if (!payload.success) return undefined;
  return {
    id: envelope.id,
    type: complaintEventType(envelope.type),
    // The CloudEvents subject is the ticket id (ADR 0002); the payload says it again.
    ticketId: payload.data.ticketId ?? envelope.subject,
    customerId: payload.data.customerId,
    severity: payload.data.severity,
    occurredAt: payload.data.occurredAt ?? envelope.time,
  };
}

function filteredBy(filter: ComplaintEventFilter, event: ComplaintEvent): FilteredReason | undefined {
  if (filter.types && !filter.types.has(event.type)) return 'type';
  if (filter.severities && !(event.severity && filter.severities.has(event.severity))) return 'severity';
  if (filter.customerIds && !(event.customerId && filter.customerIds.has(event.customerId))) return 'customer';
  return undefined;
}

/** Type guard for the executor: a stream item that ends the subscription. */
export function isStreamFailure(item: unknown): item is StreamFailure {
  return typeof item === 'object' && item !== null && 'failure' in item;
}
