import { outboxPlugin, type WithPendingEvents } from '@crm/events';
import { Schema, type Connection, type Model, type Types } from 'mongoose';

export const customerKinds = ['ORGANISATION', 'INDIVIDUAL'] as const;
export const customerListTypes = ['GOVERNMENT_AGENCY', 'ENTERPRISE', 'SPECIAL_ENTERPRISE', 'INDIVIDUAL', 'BUSINESS_PARTNER'] as const;
export const lifecycles = ['PROSPECT', 'QUALIFYING', 'ACTIVE', 'DORMANT', 'BAD', 'REMOVED'] as const;
export type Lifecycle = (typeof lifecycles)[number];

export interface ContactRecord {
  name: string;
  title?: string | null;
  phone?: string | null;
  email?: string | null;
  decisionMaker: boolean;
}

export interface CustomerChangeRecord {
  at: Date;
  by: string;
  field: string;
  before: string | null;
  after: string | null;
}

export interface CustomerRecord extends WithPendingEvents {
  _id: Types.ObjectId;
  name: string;
  kind: (typeof customerKinds)[number];
  listType: (typeof customerListTypes)[number];
  industry?: string | null;
  region?: string | null;
  address?: string | null;
  contacts: ContactRecord[];
  ownerId: string;
  departmentId: string;
  lifecycle: Lifecycle;
  partnerIds: string[];
  history: CustomerChangeRecord[];
  /** Optimistic concurrency: every update names the version it read. */
  revision: number;
  createdAt: Date;
  updatedAt: Date;
}

const contactSchema = new Schema<ContactRecord>(
  { name: { type: String, required: true }, title: String, phone: String, email: String, decisionMaker: { type: Boolean, default: false } },
  { _id: false },
);

const changeSchema = new Schema<CustomerChangeRecord>(
  { at: { type: Date, required: true }, by: { type: String, required: true }, field: { type: String, required: true }, before: String, after: String },
  { _id: false },
);

const customerSchema = new Schema<CustomerRecord>(
  {
    name: { type: String, required: true, trim: true },
    kind: { type: String, enum: customerKinds, required: true },
    listType: { type: String, enum: customerListTypes, required: true },
    industry: String,
    region: String,
    address: String,
    contacts: { type: [contactSchema], default: [] },
    ownerId: { type: String, required: true },
    departmentId: { type: String, required: true },
    lifecycle: { type: String, enum: lifecycles, required: true, default: 'PROSPECT' },
    partnerIds: { type: [String], default: [] },
    history: { type: [changeSchema], default: [] },
    revision: { type: Number, required: true, default: 0 },
  },
  { timestamps: true, versionKey: false },
);
customerSchema.plugin(outboxPlugin);
// A consultant's own customers (the default list for consultants).
customerSchema.index({ ownerId: 1, _id: 1 });
// A department's customers (department managers; handover).
customerSchema.index({ departmentId: 1, _id: 1 });
// A partner portal's linked customers.
customerSchema.index({ partnerIds: 1, _id: 1 });
// Lists filtered by lifecycle and region.
customerSchema.index({ lifecycle: 1, region: 1, _id: 1 });

export function customerModel(connection: Connection): Model<CustomerRecord> {
  return connection.model<CustomerRecord>('Customer', customerSchema, 'customers');
}
