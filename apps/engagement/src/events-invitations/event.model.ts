import { withIdempotencyKey } from '@crm/data';
import { outboxPlugin, type WithPendingEvents } from '@crm/events';
import { Schema, type Connection, type Types } from 'mongoose';
import { eventKinds, eventTimesOfDay, type EventKind, type EventTimeOfDay } from './invitation-rules';

/** A customer event (product experience session, appreciation gathering, seminar, annual conference). */
export interface CustomerEventRecord {
  _id: Types.ObjectId;
  kind: EventKind;
  title: string;
  /** The event day, YYYY-MM-DD in the working calendar's time zone. */
  date: string;
  timeOfDay: EventTimeOfDay;
  capacity: number;
  createdBy: string;
  createdAt: Date;
}

/** A department's invitation of a customer to an event. */
export interface InvitationRecord {
  _id: Types.ObjectId;
  eventId: string;
  customerId: string;
  departmentId: string;
  inviterId: string;
  invitedBy: string;
  invitedAt: Date;
}

/** How the coordinator resolved a conflict over a customer. */
export interface ConflictResolutionRecord {
  resolvedBy: string;
  resolvedAt: Date;
  reason: string;
  previousInvitationId: string | null;
  previousDepartmentId: string | null;
}

/**
 * Which invitation holds a customer at an event: one document per event and customer (`_id` = `eventId:customerId`),
 * so two departments confirming at once cannot both win (the second insert fails on the key). It carries the
 * confirmation's event in its outbox.
 */
export interface EventHoldRecord extends WithPendingEvents {
  _id: string;
  eventId: string;
  customerId: string;
  invitationId: string;
  departmentId: string;
  inviterId: string;
  confirmedAt: Date;
  countsForDay: string;
  confirmedBy: string;
  resolution: ConflictResolutionRecord | null;
  revision: number;
}

const customerEventSchema = new Schema<CustomerEventRecord>(
  {
    kind: { type: String, enum: eventKinds, required: true },
    title: { type: String, required: true },
    date: { type: String, required: true },
    timeOfDay: { type: String, enum: eventTimesOfDay, required: true },
    capacity: { type: Number, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
withIdempotencyKey(customerEventSchema);
customerEventSchema.index({ date: 1 });

const invitationSchema = new Schema<InvitationRecord>(
  {
    eventId: { type: String, required: true },
    customerId: { type: String, required: true },
    departmentId: { type: String, required: true },
    inviterId: { type: String, required: true },
    invitedBy: { type: String, required: true },
    invitedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// A department invites a customer to an event once.
invitationSchema.index({ eventId: 1, customerId: 1, departmentId: 1 }, { unique: true });
invitationSchema.index({ eventId: 1, invitedAt: 1 });

const holdSchema = new Schema<EventHoldRecord>(
  {
    _id: { type: String, required: true },
    eventId: { type: String, required: true },
    customerId: { type: String, required: true },
    invitationId: { type: String, required: true },
    departmentId: { type: String, required: true },
    inviterId: { type: String, required: true },
    confirmedAt: { type: Date, required: true },
    countsForDay: { type: String, required: true },
    confirmedBy: { type: String, required: true },
    resolution: { type: Schema.Types.Mixed, default: null },
    revision: { type: Number, required: true, default: 0 },
  },
  { versionKey: false },
);
holdSchema.plugin(outboxPlugin);
holdSchema.index({ eventId: 1 });

export function eventsInvitationsModels(connection: Connection) {
  return {
    events: connection.model<CustomerEventRecord>('CustomerEvent', customerEventSchema, 'customer_events'),
    invitations: connection.model<InvitationRecord>('Invitation', invitationSchema, 'invitations'),
    holds: connection.model<EventHoldRecord>('EventHold', holdSchema, 'event_holds'),
  };
}
export type EventsInvitationsModels = ReturnType<typeof eventsInvitationsModels>;
