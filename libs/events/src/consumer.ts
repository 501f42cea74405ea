import { AckPolicy, DeliverPolicy, headers as natsHeaders, type ConsumerMessages, type JsMsg } from 'nats';
import type { Logger } from 'pino';
import { SpanKind, type Span, type Tracer } from '@opentelemetry/api';
import { linksTo, markFailed, messagingAttributes, withSpan } from '@crm/telemetry';
import { deadLetterStream, deadLetterSubject, streamFor, type EventContract, type ServiceName } from '@crm/contracts';
import { cloudEventSchema, dataSchemaUri, parseEvent, type CloudEvent } from './cloud-event';
import { ensureStream, isJetStreamError, JetStreamErrorCode, type EventBus } from './event-bus';
import type { EventMetrics } from './event-metrics';
import type { ProcessedEvents } from './processed-events';

/** An older version of the handler's event that it still reads, and how to read it as the handler's version. */
export interface OlderEventVersion<D = unknown> {
  contract: EventContract;
  upgrade(data: unknown): D;
}

/**
 * What a plugin declares to consume one event type: the version it reads (`contract`) and the older versions it still
 * accepts (`olderVersions`, read through `upgrade`). Events of any other version of the type are acknowledged and
 * skipped (outcome `other_version`): a new version is published alongside the old one, so a consumer that does not
 * read it yet still gets the old one.
 */
export interface EventHandlerDefinition<C extends EventContract = EventContract> {
  contract: C;
  olderVersions?: readonly OlderEventVersion<import('@crm/contracts').EventData<C>>[];
  /** Durable consumer name: `<service>-<plugin>-<handler>`. */
  durable: string;
  handle(event: CloudEvent<import('@crm/contracts').EventData<C>>): Promise<void>;
  /** Deliveries before the event goes to the dead-letter subject. */
  maxDeliver?: number;
  /** Wait before each redelivery (the last value repeats). */
  backoffMs?: number[];
}

/** The contract versions a handler accepts, oldest first. */
export function acceptedVersions(definition: Pick<EventHandlerDefinition, 'contract' | 'olderVersions'>): EventContract[] {
  const versions = [definition.contract, ...(definition.olderVersions ?? []).map((older) => older.contract)];
  return versions.sort((a, b) => Number(a.version.slice(1)) - Number(b.version.slice(1)));
}

export const DEFAULT_MAX_DELIVER = 5;
export const DEFAULT_BACKOFF_MS = [1000, 5000, 15_000, 60_000];

/** Headers on a dead letter: enough to inspect it and to replay it where it came from. */
export const deadLetterHeaders = {
  subject: 'Crm-Original-Subject',
  stream: 'Crm-Original-Stream',
  sequence: 'Crm-Original-Sequence',
  consumer: 'Crm-Consumer',
  error: 'Crm-Error',
  deliveries: 'Crm-Deliveries',
  failedAt: 'Crm-Failed-At',
} as const;

export interface RunningConsumer {
  durable: string;
  stop(): Promise<void>;
}

export interface ConsumerDeps {
  bus: EventBus;
  service: ServiceName;
  processed: ProcessedEvents;
  metrics: EventMetrics;
  logger: Logger;
  /** With tracing on: a consumer span per accepted delivery, linked to the work that produced the event. */
  tracer?: Tracer;
}

/** A durable pull consumer with explicit ack, bounded redelivery with back-off, and a dead-letter path. */
export async function startConsumer(definition: EventHandlerDefinition, deps: ConsumerDeps): Promise<RunningConsumer> {
  const { bus, logger } = deps;
  const source = streamFor(definition.contract.service);
  const maxDeliver = definition.maxDeliver ?? DEFAULT_MAX_DELIVER;
  const backoff = definition.backoffMs ?? DEFAULT_BACKOFF_MS;
  await ensureStream(bus.jsm, source);
  await ensureStream(bus.jsm, deadLetterStream);
  const consumerConfig = {
    durable_name: definition.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: definition.contract.type,
    max_deliver: maxDeliver,
    ack_wait: 30_000_000_000,
  };
  const exists = await bus.jsm.consumers.info(source.name, definition.durable).then(
    () => true,
    (error: unknown) => {
      if (isJetStreamError(error, JetStreamErrorCode.consumerNotFound)) return false;
      throw error;
    },
  );
  // An update refused (e.g. a config JetStream cannot change in place) must fail the start, not be papered over by an add.
  if (exists) await bus.jsm.consumers.update(source.name, definition.durable, { max_deliver: maxDeliver, filter_subject: definition.contract.type });
  else await bus.jsm.consumers.add(source.name, consumerConfig);
  const consumer = await bus.js.consumers.get(source.name, definition.durable);
  const messages: ConsumerMessages = await consumer.consume({ max_messages: 16 });
  const log = logger.child({ durable: definition.durable });

  const loop = (async () => {
    for await (const msg of messages) {
      try {
        await handleDelivery(msg, definition, deps, { maxDeliver, backoff, log });
      } catch (error) {
        // Bookkeeping failed (e.g. the database or the dead-letter publish): let JetStream redeliver later.
        log.error({ err: error, seq: msg.seq }, 'event delivery could not be settled');
        msg.nak(backoff[0]);
      }
    }
  })();

  return {
    durable: definition.durable,
    async stop() {
      messages.stop();
      await loop;
    },
  };
}

async function handleDelivery(
  msg: JsMsg,
  definition: EventHandlerDefinition,
  deps: ConsumerDeps,
  policy: { maxDeliver: number; backoff: number[]; log: Logger },
): Promise<void> {
  let event: CloudEvent | undefined;
  try {
    event = readAccepted(definition, msg.data);
  } catch (error) {
    // A payload that breaks its contract will never succeed: dead-letter it at once.
    await deadLetter(msg, definition, deps, error);
    return;
  }
  if (!event) {
    policy.log.warn({ seq: msg.seq }, 'event of a version this handler does not accept; skipped');
    deps.metrics.consumed.inc({ durable: definition.durable, outcome: 'other_version' });
    msg.ack();
    return;
  }
  const accepted = event;
  if (!deps.tracer) return processAccepted(msg, accepted, definition, deps, policy);
  // The handler's own reads and writes (and any event it raises) are children of this span; the producer is a link.
  const options = { kind: SpanKind.CONSUMER, links: linksTo(accepted), attributes: messagingAttributes('process', accepted, definition.durable) };
  await withSpan(deps.tracer, `process ${accepted.type}`, options, (span) => processAccepted(msg, accepted, definition, deps, policy, span));
}

/** An accepted event: skipped when already processed, else handled, then acknowledged, redelivered or dead-lettered. */
async function processAccepted(
  msg: JsMsg,
  event: CloudEvent,
  definition: EventHandlerDefinition,
  deps: ConsumerDeps,
  policy: { maxDeliver: number; backoff: number[]; log: Logger },
  span?: Span,
): Promise<void> {
  const deliveries = msg.info.redeliveryCount;
  try {
    if (await deps.processed.has(definition.durable, event.id)) {
      deps.metrics.consumed.inc({ durable: definition.durable, outcome: 'duplicate' });
      msg.ack();
      return;
    }
    await definition.handle(event);
    await deps.processed.remember(definition.durable, event.id);
    deps.metrics.consumed.inc({ durable: definition.durable, outcome: 'ok' });
    msg.ack();
  } catch (error) {
    if (span) markFailed(span, error);
    if (deliveries >= policy.maxDeliver) {
      await deadLetter(msg, definition, deps, error);
      return;
    }
    const delay = policy.backoff[Math.min(deliveries - 1, policy.backoff.length - 1)];
    policy.log.warn({ err: error, eventId: event.id, deliveries, retryInMs: delay }, 'event handler failed; will redeliver');
    deps.metrics.consumed.inc({ durable: definition.durable, outcome: 'retry' });
    msg.nak(delay);
  }
}

/** The event read as the handler's version; undefined for another version of its type; throws on a bad event. */
function readAccepted(definition: EventHandlerDefinition, bytes: Uint8Array): CloudEvent | undefined {
  const envelope = cloudEventSchema.parse(JSON.parse(Buffer.from(bytes).toString('utf8')));
  if (envelope.dataschema === dataSchemaUri(definition.contract)) return parseEvent(definition.contract, bytes);
  const older = definition.olderVersions?.find((candidate) => dataSchemaUri(candidate.contract) === envelope.dataschema);
  if (older) {
    const event = parseEvent(older.contract, bytes);
    return { ...event, dataschema: dataSchemaUri(definition.contract), data: definition.contract.data.parse(older.upgrade(event.data)) };
  }
  const versionPrefix = `urn:crm:event:${definition.contract.type}:`;
  if (envelope.type === definition.contract.type && envelope.dataschema.startsWith(versionPrefix) && /^v\d+$/.test(envelope.dataschema.slice(versionPrefix.length))) return undefined;
  // Another type or a malformed schema: parsing against the contract says what is wrong (and dead-letters it).
  return parseEvent(definition.contract, bytes);
}

async function deadLetter(msg: JsMsg, definition: EventHandlerDefinition, deps: ConsumerDeps, error: unknown): Promise<void> {
  const h = natsHeaders();
  h.set(deadLetterHeaders.subject, msg.subject);
  h.set(deadLetterHeaders.stream, msg.info.stream);
  h.set(deadLetterHeaders.sequence, String(msg.seq));
  h.set(deadLetterHeaders.consumer, definition.durable);
  // Header values are single-line: fold whatever the error said.
  h.set(deadLetterHeaders.error, String((error as Error)?.message ?? error).replace(/[\r\n]+/g, ' ').slice(0, 500));
  h.set(deadLetterHeaders.deliveries, String(msg.info.redeliveryCount));
  h.set(deadLetterHeaders.failedAt, new Date().toISOString());
  await deps.bus.js.publish(deadLetterSubject(deps.service, definition.durable), msg.data, {
    headers: h,
    msgID: `dlq:${definition.durable}:${msg.info.stream}:${msg.seq}`,
  });
  deps.metrics.consumed.inc({ durable: definition.durable, outcome: 'dead_letter' });
  deps.logger.error({ err: error, durable: definition.durable, subject: msg.subject, seq: msg.seq }, 'event dead-lettered');
  msg.term();
}
