// The fan-out hub and a subscriber's stream on an in-memory complaint stream: a slow subscriber overflows its bounded
// queue without holding anyone up and reads on from the stream alone, in order and without gaps, then rejoins; a
// failing shared feed ends every subscriber with its own resume cursor. (The NATS-backed behaviour is in
// subscriptions.spec.ts.)
import { randomUUID } from 'node:crypto';
import { decodeComplaintCursor } from '@crm/contracts';
import { createLogger } from '@crm/kernel';
import { Registry } from 'prom-client';
import { ComplaintEventHub } from '../src/subscriptions/complaint-event-hub';
import type { ComplaintFeedSource, FeedMessage, OpenFeed } from '../src/subscriptions/complaint-event-message';
import { ComplaintEventStream, isStreamFailure, type ComplaintEventSource } from '../src/subscriptions/complaint-event-stream';
import { SubscriptionMetrics } from '../src/subscriptions/subscription-metrics';
import type { TicketLookup } from '../src/subscriptions/ticket-lookup';

const STREAM = 'CRM_SERVICE_DESK';
const logger = createLogger('gateway-test', 'silent');

/** A complaint stream in memory: ordered feeds from any sequence, waiting for what is published next. */
class MemoryStream implements ComplaintFeedSource {
  readonly messages: FeedMessage[] = [];
  opened: string[] = [];
  readonly waiters: (() => void)[] = [];
  private broken?: Error;

  publish(ticketId = randomUUID()): number {
    const seq = this.messages.length + 1;
    const data = {
      specversion: '1.0',
      id: randomUUID(),
      source: '/crm/service-desk',
      type: 'crm.service-desk.complaint.opened',
      subject: ticketId,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      dataschema: 'urn:crm:event:crm.service-desk.complaint.opened:v1',
      actorid: 'agent-1',
      actorroles: 'service_agent',
      data: { ticketId, customerId: 'c1', status: 'RECEIVED', severity: 'HIGH' },
    };
    const message = { seq, subject: data.type, data: Buffer.from(JSON.stringify(data)), info: { pending: 0 } };
    this.messages.push(message);
    this.waiters.splice(0).forEach((wake) => wake());
    return seq;
  }

  /** Every open feed throws on its next read. */
  break(): void {
    this.broken = new Error('stream deleted');
    this.waiters.splice(0).forEach((wake) => wake());
  }

  async lastSequence(): Promise<number> {
    return this.messages.length;
  }

  async open(startSequence: number, purpose: 'shared' | 'catch-up'): Promise<OpenFeed> {
    this.opened.push(`${purpose}@${startSequence}`);
    let next = startSequence;
    let closed = false;
    const { messages, waiters } = this;
    const broken = () => this.broken;
    return {
      messages: {
        async next(): Promise<IteratorResult<FeedMessage>> {
          for (;;) {
            if (closed) return { done: true, value: undefined };
            const failure = broken();
            if (failure) throw failure;
            const message = messages[next - 1];
            if (message) {
              next += 1;
              return { done: false, value: { ...message, info: { pending: messages.length - message.seq } } };
            }
            await new Promise<void>((resolve) => waiters.push(resolve));
          }
        },
      },
      close: async () => {
        closed = true;
        waiters.splice(0).forEach((wake) => wake());
      },
    };
  }
}

const visible: TicketLookup = { visible: true, tickets: { ticket: { id: 't' } }, errors: [] };

describe('complaint fan-out hub', () => {
  let stream: MemoryStream;
  let metrics: SubscriptionMetrics;
  let hub: ComplaintEventHub;
  const streams: ComplaintEventStream[] = [];

  const subscriber = (options: { key?: string; maxQueued?: number; startSequence?: number; lookUp?: () => Promise<TicketLookup> } = {}) => {
    const subscription = new ComplaintEventStream({
      hub,
      streamName: STREAM,
      startSequence: options.startSequence,
      filter: {},
      lookupKey: options.key ?? 'token-a\nquery',
      lookUp: options.lookUp ?? (async () => visible),
      metrics,
      logger,
      maxQueued: options.maxQueued,
    });
    streams.push(subscription);
    return subscription;
  };

  const sequences = (items: (ComplaintEventSource | unknown)[]) => items.map((item) => decodeComplaintCursor(STREAM, (item as ComplaintEventSource).cursor));
  const take = async (subscription: ComplaintEventStream, count: number) => {
    const items = [];
    for (let i = 0; i < count; i += 1) items.push((await subscription.next()).value);
    return items;
  };
  const counter = async (name: string) => (await metrics[name as 'overflows'].get()).values[0]?.value ?? 0;

  beforeEach(() => {
    stream = new MemoryStream();
    metrics = new SubscriptionMetrics(new Registry());
    hub = new ComplaintEventHub({ source: stream, metrics, logger, retryDelaysMs: [] });
  });

  afterEach(async () => {
    await Promise.all(streams.splice(0).map((subscription) => subscription.return()));
    await hub.idle();
    expect(hub.busConsumers).toBe(0);
  });

  it('a slow subscriber overflows its queue without holding up a fast one, then reads every event in order from the stream and rejoins', async () => {
    const fast = subscriber();
    const slow = subscriber({ maxQueued: 4 });
    await Promise.all([fast.ready(), slow.ready()]);
    expect(stream.opened).toEqual(['shared@1']);

    const published = Array.from({ length: 30 }, () => stream.publish());
    // The fast one gets all 30 while the slow one reads nothing.
    expect(sequences(await take(fast, 30))).toEqual(published);
    expect(await counter('overflows')).toBe(1);
    expect(hub.memberCount).toBe(1);

    // The slow one now reads: the 30 in order, the first few from its queue, the rest on a catch-up consumer.
    expect(sequences(await take(slow, 30))).toEqual(published);
    expect(stream.opened).toEqual(['shared@1', expect.stringMatching(/^catch-up@\d+$/)]);

    // Caught up, it is back on the shared feed: live events reach both, and the catch-up consumer is gone.
    const later = [stream.publish(), stream.publish()];
    expect(sequences(await take(fast, 2))).toEqual(later);
    expect(sequences(await take(slow, 2))).toEqual(later);
    expect(hub.memberCount).toBe(2);
    expect(hub.busConsumers).toBe(1);
  });

  it('shares one lookup per event and key, and makes one per key otherwise', async () => {
    const calls: string[] = [];
    const counting = (key: string) => async () => {
      calls.push(key);
      return visible;
    };
    const members = [subscriber({ key: 'a', lookUp: counting('a') }), subscriber({ key: 'a', lookUp: counting('a') }), subscriber({ key: 'b', lookUp: counting('b') })];
    await Promise.all(members.map((member) => member.ready()));
    stream.publish();
    stream.publish();
    for (const member of members) expect((await take(member, 2)).every((item) => !isStreamFailure(item))).toBe(true);
    expect(calls.sort()).toEqual(['a', 'a', 'b', 'b']);
  });

  it('resumes from a sequence with a catch-up up to the shared feed, then live, without gaps or duplicates', async () => {
    const live = subscriber();
    await live.ready();
    const published = Array.from({ length: 5 }, () => stream.publish());
    await take(live, 5);
    const resumed = subscriber({ startSequence: 2 });
    await resumed.ready();
    published.push(stream.publish());
    expect(sequences(await take(resumed, 5))).toEqual(published.slice(1));
    expect(stream.opened).toEqual(['shared@1', 'catch-up@2']);
  });

  it('ends every subscriber with UNAVAILABLE and its own resume cursor when the shared feed fails', async () => {
    const a = subscriber();
    const b = subscriber();
    await Promise.all([a.ready(), b.ready()]);
    const first = stream.publish();
    await take(a, 1);
    stream.break();
    const [endA] = await take(a, 1);
    const [second, endB] = await take(b, 2);
    expect(sequences([second])).toEqual([first]);
    for (const [end, settled] of [
      [endA, first],
      [endB, first],
    ] as const) {
      expect(isStreamFailure(end)).toBe(true);
      const { extensions } = (end as { failure: { extensions: { code: string; resumeAfter: string } } }).failure;
      expect(extensions.code).toBe('UNAVAILABLE');
      expect(decodeComplaintCursor(STREAM, extensions.resumeAfter)).toBe(settled);
    }
    expect((await a.next()).done).toBe(true);
  });
});
