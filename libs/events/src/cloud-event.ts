import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { EventContract, EventData } from '@crm/contracts';
import { activeTraceContext } from '@crm/telemetry';

/** Who caused an event; carried as CloudEvents extension attributes (lower-case, scalar). */
export interface EventActor {
  userId: string;
  roles: string[];
}

/**
 * Every event on the bus, in CloudEvents 1.0 structured mode (JSON).
 * `type` equals the NATS subject; `subject` is the id of the entity the event is about.
 * `traceparent` / `tracestate` are the CloudEvents distributed-tracing extension: the W3C trace context of the
 * work that produced the event (absent when tracing is off), so the relay's and consumers' spans link to it.
 */
export interface CloudEvent<D = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  dataschema: string;
  actorid: string;
  actorroles: string;
  traceparent?: string;
  tracestate?: string;
  data: D;
}

export const cloudEventSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().regex(/^crm\.[a-z-]+\.[a-z-]+\.[a-z-]+$/),
  subject: z.string().min(1),
  time: z.string().datetime(),
  datacontenttype: z.literal('application/json'),
  dataschema: z.string(),
  actorid: z.string(),
  actorroles: z.string(),
  // Optional, so events written before tracing (or with it off) still parse; not checked further here, since a
  // malformed one only costs the span link (see linksTo), never the event.
  traceparent: z.string().optional(),
  tracestate: z.string().optional(),
  data: z.unknown(),
});

export function dataSchemaUri(contract: EventContract): string {
  return `urn:crm:event:${contract.type}:${contract.version}`;
}

export interface NewEvent<C extends EventContract> {
  subject: string;
  data: EventData<C>;
  actor: EventActor;
  time?: Date;
}

/**
 * Build an event for a contract; the payload is validated here so a bad event never reaches the outbox. Built inside
 * a traced request (or event handler), it carries that span's trace context.
 */
export function createEvent<C extends EventContract>(contract: C, event: NewEvent<C>): CloudEvent<EventData<C>> {
  const data = contract.data.parse(event.data) as EventData<C>;
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: `/crm/${contract.service}`,
    type: contract.type,
    subject: event.subject,
    time: (event.time ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    dataschema: dataSchemaUri(contract),
    actorid: event.actor.userId,
    actorroles: event.actor.roles.join(' '),
    ...activeTraceContext(),
    data,
  };
}

/** Parse bytes from the bus against the envelope and the contract's payload schema. */
export function parseEvent<C extends EventContract>(contract: C, bytes: Uint8Array): CloudEvent<EventData<C>> {
  const envelope = cloudEventSchema.parse(JSON.parse(Buffer.from(bytes).toString('utf8')));
  if (envelope.type !== contract.type) throw new Error(`expected ${contract.type}, got ${envelope.type}`);
  if (envelope.dataschema !== dataSchemaUri(contract)) throw new Error(`unsupported schema ${envelope.dataschema}`);
  return { ...(envelope as CloudEvent), data: contract.data.parse(envelope.data) as EventData<C> };
}

export function encodeEvent(event: CloudEvent): Uint8Array {
  return Buffer.from(JSON.stringify(event));
}
