import { ticketClosedV1, ticketOpenedV1, ticketReopenedV1, ticketResolvedV1, type EventContract, type EventData, type TicketEventBase } from '@crm/contracts';
import type { CloudEvent } from '@crm/events';
import { Schema, type Connection, type Model } from 'mongoose';

/*
 * surveys' copy of the service desk's tickets, kept from its ticket lifecycle events (crm.service-desk.ticket.*,
 * published for every ticket type): the follow-up tickets opened from dissatisfied responses (each event names
 * `surveyResponseId`) with their state, first responder and who closed them, for SurveyResponse.followUp. Every
 * event carries the first responder and the survey link, so a copy is complete whichever event arrives first.
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

type Delivered<C extends EventContract> = Pick<CloudEvent<EventData<C>>, 'data' | 'time'>;

/** Keeping the copy: each event sets what it knows, and the status only moves forward in time. */
export class TicketCopies {
  private readonly closedListeners: ((ticket: TicketCopyRecord) => Promise<void>)[] = [];

  constructor(readonly model: Model<TicketCopyRecord>) {}

  /** Called after a ticket's close is applied (the follow-up plugin marks its response's loop closed). */
  onClosed(listener: (ticket: TicketCopyRecord) => Promise<void>): void {
    this.closedListeners.push(listener);
  }

  async opened(event: Delivered<typeof ticketOpenedV1>): Promise<void> {
    const d = event.data;
    await this.apply(d, { openedAt: new Date(d.openedAt) });
  }

  async resolved(event: Delivered<typeof ticketResolvedV1>): Promise<void> {
    const d = event.data;
    await this.apply(d, { resolvedAt: new Date(d.resolvedAt) });
  }

  async reopened(event: Delivered<typeof ticketReopenedV1>): Promise<void> {
    await this.apply(event.data, {});
  }

  async closed(event: Delivered<typeof ticketClosedV1>): Promise<void> {
    const d = event.data;
    await this.apply(d, { closedAt: new Date(d.closedAt), closedBy: d.closedBy });
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
  private async apply(event: TicketEventBase, facts: Partial<TicketCopyRecord>): Promise<void> {
    const { ticketId, customerId, status, firstResponderId } = event;
    const at = new Date(event.occurredAt);
    const link = event.surveyResponseId ? { surveyResponseId: event.surveyResponseId } : {};
    // The status first: a reader who sees this event's facts (closedAt: the loop CLOSED) also sees its status.
    await this.model.updateOne({ _id: ticketId, asOf: { $lte: at } }, { $set: { status, asOf: at } });
    await this.model.updateOne({ _id: ticketId }, { $set: { customerId, firstResponderId, ...link, ...facts }, $setOnInsert: { status, asOf: at } }, { upsert: true });
  }
}
