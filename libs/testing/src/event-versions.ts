import { deadLetterSubject, samplePayload, streamFor, type EventContract } from '@crm/contracts';
import { createEvent, encodeEvent, ensureStream, listDeadLetters } from '@crm/events';
import type { RunningService } from '@crm/kernel';
import { randomBytes } from 'node:crypto';
import { eventually } from './eventually';

export interface VersionFeed {
  durable: string;
  type: string;
  version: string;
  /** `minimal`: required fields only (the version's first producers); `full`: every optional field too (its newest). */
  shape: 'minimal' | 'full';
  eventId: string;
  outcome: 'processed' | 'dead-lettered' | 'retried' | 'not processed';
}

/** Build the payload of one contract version: the sample from its schema unless the test gives one. */
export type PayloadFor = (contract: EventContract, shape: 'minimal' | 'full') => unknown;

/**
 * Feed every consumer of a running service the oldest version it accepts as a minimal payload and the newest as a
 * full one, published on the producer's real stream; then wait for each to be handled. A delivery counts as processed
 * once the consumer remembers the event id (its handler succeeded); a handler that failed (a retry) or a payload
 * dead-lettered is reported as such, not waited out.
 */
export async function feedOldestAndNewestVersions(service: RunningService, options: { payload?: PayloadFor; timeoutMs?: number } = {}): Promise<VersionFeed[]> {
  const payload = options.payload ?? samplePayload;
  const published = new Map<string, string>();
  const publish = async (contract: EventContract, shape: 'minimal' | 'full') => {
    const key = `${contract.type}:${contract.version}:${shape}`;
    const known = published.get(key);
    if (known) return known;
    const event = createEvent(contract, { subject: `version-feed-${randomBytes(4).toString('hex')}`, actor: { userId: 'version-feed', roles: ['internal_app'] }, data: payload(contract, shape) as never });
    await ensureStream(service.bus.jsm, streamFor(contract.service));
    await service.bus.js.publish(event.type, encodeEvent(event), { msgID: event.id });
    published.set(key, event.id);
    return event.id;
  };
  const feeds: VersionFeed[] = [];
  for (const consumer of service.consumes) {
    const oldest = consumer.versions[0];
    const newest = consumer.versions[consumer.versions.length - 1];
    for (const [contract, shape] of [[oldest, 'minimal'], [newest, 'full']] as const) {
      feeds.push({ durable: consumer.durable, type: consumer.type, version: contract.version, shape, eventId: await publish(contract, shape), outcome: 'not processed' });
    }
  }
  const processed = service.connection.collection<{ _id: string }>('processed_events');
  const settle = async () => {
    const failures = await consumedOutcomes(service);
    for (const feed of feeds.filter((f) => f.outcome === 'not processed')) {
      if (await processed.findOne({ _id: `${feed.durable}:${feed.eventId}` })) feed.outcome = 'processed';
      else if (failures.get(`${feed.durable}:dead_letter`)) {
        const letters = await listDeadLetters(service.bus, deadLetterSubject(service.name, feed.durable));
        if (letters.some((letter) => letter.eventId === feed.eventId)) feed.outcome = 'dead-lettered';
      } else if (failures.get(`${feed.durable}:retry`)) feed.outcome = 'retried';
    }
    const pending = feeds.filter((f) => f.outcome === 'not processed');
    if (pending.length > 0) throw new Error(`${pending.length} deliveries not processed yet: ${pending.map((f) => `${f.durable} ${f.version} ${f.shape}`).join(', ')}`);
  };
  await eventually(settle, options.timeoutMs ?? 30_000).catch(() => undefined);
  return feeds;
}

async function consumedOutcomes(service: RunningService): Promise<Map<string, number>> {
  const metric = service.metrics.getSingleMetric('crm_events_consumed_total');
  const outcomes = new Map<string, number>();
  if (!metric) return outcomes;
  for (const value of (await metric.get()).values) outcomes.set(`${value.labels.durable}:${value.labels.outcome}`, value.value);
  return outcomes;
}
