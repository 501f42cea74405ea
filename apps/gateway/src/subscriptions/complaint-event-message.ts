import { cloudEventSchema } from '@crm/events';
import { z } from 'zod';
import { complaintEventType } from './complaint-event-types';
import type { FilteredReason } from './subscription-metrics';

/** One message of the complaint stream, as a JetStream consumer delivers it (a `JsMsg` is one). */
export interface FeedMessage {
  readonly seq: number;
  readonly subject: string;
  readonly data: Uint8Array;
  /** `pending`: messages left in the stream after this one when it was delivered. */
  readonly info: { readonly pending: number };
}

/** Ordered messages from one consumer; `close` stops it and removes it from the server. */
export interface OpenFeed {
  readonly messages: AsyncIterator<FeedMessage>;
  close(): Promise<void>;
}

/** Where the gateway's consumers come from: the complaint stream on the bus (a fake in unit tests). */
export interface ComplaintFeedSource {
  /** The stream's last sequence now: a shared feed opened without a subscriber position starts right after it. */
  lastSequence(): Promise<number>;
  /** An ordered consumer on the complaint subjects from `startSequence` on. */
  open(startSequence: number, purpose: 'shared' | 'catch-up'): Promise<OpenFeed>;
}

export interface ComplaintEventFilter {
  types?: ReadonlySet<string>;
  severities?: ReadonlySet<string>;
  customerIds?: ReadonlySet<string>;
}

export interface ComplaintEvent {
  id: string;
  type: string;
  ticketId: string;
  customerId?: string;
  severity?: string;
  occurredAt: string;
}

// What the gateway reads of a complaint payload. A tolerant reader: any contract version that carries these works.
const complaintPayload = z.object({
  ticketId: z.string().min(1).optional(),
  customerId: z.string().optional(),
  severity: z.string().optional(),
  occurredAt: z.string().optional(),
});

/** The complaint event a message carries, or undefined when it is not a readable one. */
export function readComplaintEvent(message: FeedMessage): ComplaintEvent | undefined {
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

/** Why a subscriber's filter leaves this event out, or undefined when it lets it through. */
export function filteredBy(filter: ComplaintEventFilter, event: ComplaintEvent): FilteredReason | undefined {
  if (filter.types && !filter.types.has(event.type)) return 'type';
  if (filter.severities && !(event.severity && filter.severities.has(event.severity))) return 'severity';
  if (filter.customerIds && !(event.customerId && filter.customerIds.has(event.customerId))) return 'customer';
  return undefined;
}
