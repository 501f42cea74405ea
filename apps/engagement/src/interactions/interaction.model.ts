import { withIdempotencyKey } from '@crm/data';
import { outboxPlugin, type WithPendingEvents } from '@crm/events';
import { Schema, type Connection, type Model, type Types } from 'mongoose';

/** The channels of docs/domain/engagement.md. */
export const interactionChannels = ['PHONE', 'EMAIL', 'FACE_TO_FACE', 'SOCIAL_MEDIA', 'FAX', 'MAIL', 'SEMINAR'] as const;
export type InteractionChannel = (typeof interactionChannels)[number];

/** A customer as engagement knows it: only the key; accounts owns everything else. */
export interface CustomerReference {
  id: string;
}

export interface InteractionRecord extends WithPendingEvents {
  _id: Types.ObjectId;
  customerId: string;
  channel: InteractionChannel;
  occurredAt: Date;
  staffId: string;
  summary: string;
  outcome: string | null;
  nextStep: string | null;
  /** The return visit (of a delivery's schedule) this contact recorded; null for none. */
  returnVisitId?: string | null;
  loggedBy: string;
  loggedAt: Date;
}

const interactionSchema = new Schema<InteractionRecord>(
  {
    customerId: { type: String, required: true },
    channel: { type: String, enum: interactionChannels, required: true },
    occurredAt: { type: Date, required: true },
    staffId: { type: String, required: true },
    summary: { type: String, required: true },
    outcome: { type: String, default: null },
    nextStep: { type: String, default: null },
    returnVisitId: { type: String, default: null },
    loggedBy: { type: String, required: true },
    loggedAt: { type: Date, required: true },
  },
  // loggedAt comes from the injected clock, so mongoose timestamps are not used.
  { versionKey: false },
);
interactionSchema.plugin(outboxPlugin);
withIdempotencyKey(interactionSchema);
// Customer.interactions: a batch of customers' latest interactions ($match customerId $in, $sort newest first).
interactionSchema.index({ customerId: 1, occurredAt: -1, _id: -1 });
// A staff member's day (daily reports) and period (activity figures).
interactionSchema.index({ staffId: 1, occurredAt: 1 });

export function interactionModel(connection: Connection): Model<InteractionRecord> {
  return connection.model<InteractionRecord>('Interaction', interactionSchema, 'interactions');
}
