import { complaintClosedV1, complaintOpenedV1, complaintReopenedV1, complaintResolvedV1, type EventContract, type EventData } from '@crm/contracts';
import type { CloudEvent } from '@crm/events';
import { Schema, type Connection, type Model } from 'mongoose';
import { z } from 'zod';

/*
 * surveys' copy of the service desk's tickets, kept from its ticket lifecycle events: the first responder of a
 * ticket a survey is sent after (the after-service survey counts for them, and a follow-up goes back to them), and
 * the follow-up tickets opened from dissatisfied responses with their state, for SurveyResponse.followUp.
 *
 * Today service-desk publishes lifecycle events for COMPLAINT tickets only (crm.service-desk.complaint.*), and its
 * opened event does not name the survey response a follow-up ticket comes from. surveys reads an optional
 * `surveyResponseId` on complaint.opened (a tolerant reader of the field service-desk is to add, docs/adr/0013);
 * without it a ticket is simply not a follow-up.
 */

export interface TicketCopyRecord {
  /** The ticket id. */
  _id: string;
  customerId: string;
  firstResponderId: string | null;
  status: string;
  /** The survey response this ticket follows up; null for every other ticket. */
  surveyResponseId: string | null;
  openedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  closedBy: string | null;
  /** Time of the lifecycle event the status reflects; older events never roll it back. */
  asOf: Date;
}

const ticketCopySchema = new Schema<TicketCopyRecord>(
  {
    _id: { type: String, required: true },
    customerId: { type: String, required: true },
    firstResponderId: { type: String, default: null },
    status: { type: String, required: true },
    surveyResponseId: { type: String, default: null },
    openedAt: { type: Date, default: null },
    resolvedAt: { type: Date, default: null },
    closedAt: { type: Date, default: null },
    closedBy: { type: String, default: null },
    asOf: { type: Date, required: true },
  },
  { versionKey: false },
);
// SurveyResponse.followUp for a batch of responses.
ticketCopySchema.index({ surveyResponseId: 1 });

export function ticketCopyModel(connection: Connection): Model<TicketCopyRecord> {
  return connection.model<TicketCopyRecord>('ServiceDeskTicketCopy', ticketCopySchema, 'service_desk_tickets');
}

const followUpLink = z.object({ surveyResponseId: z.string().min(1).nullish() });

/** complaint.opened as surveys reads it: the contract's payload plus the optional survey response it follows up. */
export const ticketOpenedAsRead = {
  ...complaintOpenedV1,
  data: z.unknown().transform((raw) => ({ ...complaintOpenedV1.data.parse(raw), surveyResponseId: followUpLink.parse(raw ?? {}).surveyResponseId ?? null })),
} satisfies EventContract;

type Delivered<C extends EventContract> = Pick<CloudEvent<EventData<C>>, 'data' | 'time'>;

/** Keeping the copy: each event sets what it knows, and the status only moves forward in time. */
export class TicketCopies {
  private readonly closedListeners: ((ticket: TicketCopyRecord) => Promise<void>)[] = [];

  constructor(readonly model: Model<TicketCopyRecord>) {}

  /** Called after a ticket's close is applied (the follow-up plugin marks its response's loop closed). */
  onClosed(listener: (ticket: TicketCopyRecord) => Promise<void>): void {
    this.closedListeners.push(listener);
  }

  async opened(event: Delivered<typeof ticketOpenedAsRead>): Promise<void> {
    const d = event.data;
    await this.apply(d.ticketId, d.customerId, d.status, new Date(d.occurredAt), {
      firstResponderId: d.firstResponderId,
      openedAt: new Date(d.openedAt),
      ...(d.surveyResponseId ? { surveyResponseId: d.surveyResponseId } : {}),
    });
  }

  async resolved(event: Delivered<typeof complaintResolvedV1>): Promise<void> {
    const d = event.data;
    await this.apply(d.ticketId, d.customerId, d.status, new Date(d.occurredAt), { resolvedAt: new Date(d.occurredAt) });
  }

  async reopened(event: Delivered<typeof complaintReopenedV1>): Promise<void> {
    const d = event.data;
    await this.apply(d.ticketId, d.customerId, d.status, new Date(d.occurredAt), {});
  }

  async closed(event: Delivered<typeof complaintClosedV1>): Promise<void> {
    const d = event.data;
    await this.apply(d.ticketId, d.customerId, d.status, new Date(d.occurredAt), { closedAt: new Date(d.occurredAt), closedBy: d.closedBy });
    const ticket = await this.model.findById(d.ticketId).lean<TicketCopyRecord>();
    if (ticket) for (const listener of this.closedListeners) await listener(ticket);
  }

  byId(ticketId: string): Promise<TicketCopyRecord | null> {
    return this.model.findById(ticketId).lean<TicketCopyRecord>();
  }

  /** The follow-up tickets of a batch of responses, newest first. */
  ofResponses(responseIds: readonly string[]): Promise<TicketCopyRecord[]> {
    return this.model
      .find({ surveyResponseId: { $in: [...responseIds] } })
      .sort({ openedAt: -1 })
      .lean<TicketCopyRecord[]>();
  }

  /** Facts are set whatever the order; the status only when this event is not older than the one the copy reflects. */
  private async apply(ticketId: string, customerId: string, status: string, at: Date, facts: Partial<TicketCopyRecord>): Promise<void> {
    await this.model.updateOne({ _id: ticketId }, { $set: { customerId, ...facts }, $setOnInsert: { status, asOf: at } }, { upsert: true });
    await this.model.updateOne({ _id: ticketId, asOf: { $lte: at } }, { $set: { status, asOf: at } });
  }
}

export type TicketOpenedData = EventData<typeof ticketOpenedAsRead>;
export type ComplaintResolvedData = EventData<typeof complaintResolvedV1>;
