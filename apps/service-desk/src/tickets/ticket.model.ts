import { outboxPlugin, type WithPendingEvents } from '@crm/events';
import { Schema, type Connection, type Model, type Types } from 'mongoose';

export const ticketTypes = ['COMPLAINT', 'SERVICE_REQUEST', 'INQUIRY', 'REPAIR', 'FAULT'] as const;
export const ticketChannels = ['PHONE', 'EMAIL', 'ONLINE', 'HOTLINE', 'VISIT'] as const;
export const severities = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export const ticketStatuses = ['RECEIVED', 'INVESTIGATING', 'ESCALATED', 'PLAN_AGREED', 'RESOLVED', 'FOLLOW_UP_VISITED', 'CLOSED'] as const;
export type Severity = (typeof severities)[number];

export interface TicketRecord extends WithPendingEvents {
  _id: Types.ObjectId;
  type: (typeof ticketTypes)[number];
  channel: (typeof ticketChannels)[number];
  severity: Severity;
  matter: string;
  complainant: { name: string; contact?: string | null };
  customerId: string;
  /** Copied from the customer when the ticket is opened: tickets are scoped like their customer. */
  customerOwnerId: string;
  customerDepartmentId: string;
  product?: string | null;
  firstResponderId: string;
  status: (typeof ticketStatuses)[number];
  openedAt: Date;
  promisedReplyBy: Date;
}

const ticketSchema = new Schema<TicketRecord>(
  {
    type: { type: String, enum: ticketTypes, required: true },
    channel: { type: String, enum: ticketChannels, required: true },
    severity: { type: String, enum: severities, required: true },
    matter: { type: String, required: true },
    complainant: { name: { type: String, required: true }, contact: String },
    customerId: { type: String, required: true },
    customerOwnerId: { type: String, required: true },
    customerDepartmentId: { type: String, required: true },
    product: String,
    firstResponderId: { type: String, required: true },
    status: { type: String, enum: ticketStatuses, required: true, default: 'RECEIVED' },
    openedAt: { type: Date, required: true },
    promisedReplyBy: { type: Date, required: true },
  },
  { versionKey: false, timestamps: true },
);
ticketSchema.plugin(outboxPlugin);
// Customer.tickets: a batch of customers' tickets, newest first.
ticketSchema.index({ customerId: 1, openedAt: -1 });

export function ticketModel(connection: Connection): Model<TicketRecord> {
  return connection.model<TicketRecord>('Ticket', ticketSchema, 'tickets');
}
