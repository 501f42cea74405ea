import { outboxPlugin, type WithPendingEvents } from '@crm/events';
import { Schema, type Connection, type Model, type Types } from 'mongoose';

export const accessScopeKinds = ['CUSTOMER', 'CONSULTANT', 'DEPARTMENT'] as const;
export type AccessScopeKind = (typeof accessScopeKinds)[number];

/** What is stored; EXPIRED is never stored, it is read from the clock (see `effectiveStatus`). */
export const storedAccessStatuses = ['REQUESTED', 'APPROVED', 'REJECTED', 'REVOKED'] as const;
export type StoredAccessStatus = (typeof storedAccessStatuses)[number];

export const approverRoles = ['DEPARTMENT_MANAGER', 'GENERAL_MANAGER'] as const;
export type ApproverRole = (typeof approverRoles)[number];

export interface AccessScopeRecord {
  kind: AccessScopeKind;
  customerId: string | null;
  consultantId: string | null;
  /** The department whose customers the scope reaches; for a customer or consultant, its department when requested. */
  departmentId: string;
}

/** An access request and, once approved, the grant it became: one document, so each transition is one write. */
export interface AccessRequestRecord extends WithPendingEvents {
  _id: Types.ObjectId;
  requesterId: string;
  requesterDepartmentId: string | null;
  scope: AccessScopeRecord;
  reason: string;
  requestedExpiresAt: Date;
  approverRole: ApproverRole;
  approverDepartmentId: string | null;
  status: StoredAccessStatus;
  expiresAt: Date | null;
  decidedBy: string | null;
  decidedAt: Date | null;
  rejectionReason: string | null;
  revokedBy: string | null;
  revokedAt: Date | null;
  revocationReason: string | null;
  /** Optimistic concurrency: every transition names the revision it read. */
  revision: number;
  /** From the injected clock (not mongoose timestamps), so tests can place requests in time. */
  createdAt: Date;
  updatedAt: Date;
}

const scopeSchema = new Schema<AccessScopeRecord>(
  {
    kind: { type: String, enum: accessScopeKinds, required: true },
    customerId: { type: String, default: null },
    consultantId: { type: String, default: null },
    departmentId: { type: String, required: true },
  },
  { _id: false },
);

const accessRequestSchema = new Schema<AccessRequestRecord>(
  {
    requesterId: { type: String, required: true },
    requesterDepartmentId: { type: String, default: null },
    scope: { type: scopeSchema, required: true },
    reason: { type: String, required: true },
    requestedExpiresAt: { type: Date, required: true },
    approverRole: { type: String, enum: approverRoles, required: true },
    approverDepartmentId: { type: String, default: null },
    status: { type: String, enum: storedAccessStatuses, required: true, default: 'REQUESTED' },
    expiresAt: { type: Date, default: null },
    decidedBy: { type: String, default: null },
    decidedAt: { type: Date, default: null },
    rejectionReason: { type: String, default: null },
    revokedBy: { type: String, default: null },
    revokedAt: { type: Date, default: null },
    revocationReason: { type: String, default: null },
    revision: { type: Number, required: true, default: 0 },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, timestamps: false },
);
accessRequestSchema.plugin(outboxPlugin);
// GrantSource.activeGrants: the caller's approved grants not yet expired (one query per request); also myAccessRequests.
accessRequestSchema.index({ requesterId: 1, status: 1, expiresAt: 1 });
// accessRequestsAwaitingMyApproval: the queue of one approver, oldest first.
accessRequestSchema.index({ approverRole: 1, approverDepartmentId: 1, status: 1, _id: 1 });
// accessGrantsInForce for a department manager: grants reaching their department's customers.
accessRequestSchema.index({ 'scope.departmentId': 1, status: 1, expiresAt: 1 });
// accessGrantsInForce for the general manager: every grant in force.
accessRequestSchema.index({ status: 1, expiresAt: 1, _id: 1 });

export function accessRequestModel(connection: Connection): Model<AccessRequestRecord> {
  return connection.model<AccessRequestRecord>('AccessRequest', accessRequestSchema, 'access_requests');
}
