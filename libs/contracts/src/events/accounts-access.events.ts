import { z } from 'zod';
import { defineEvent } from '../event-contract';
import { consultantIdSchema, customerIdSchema, departmentIdSchema } from '../entity-keys';

/*
 * Access requests to the customer archive (docs/domain/accounts.md, 客户档案查阅): a caller asks to read customers
 * beyond their own scope, with a reason and an expiry, and the responsible manager approves or rejects.
 * Every event's `subject` is the access request id. Expiry is not an event: a grant stops working when its
 * `expiresAt` passes, checked on every read (nothing has to happen for it to take effect).
 */

const isoDateTime = z.string().datetime();

/** What an access request reaches: one customer, every customer of one consultant, or a whole department. */
export const accessScopeSchema = z.object({
  kind: z.enum(['CUSTOMER', 'CONSULTANT', 'DEPARTMENT']),
  customerId: customerIdSchema.nullable(),
  consultantId: consultantIdSchema.nullable(),
  /** The department whose customers the scope reaches (for a customer or consultant: its department when requested). */
  departmentId: departmentIdSchema,
});
export type AccessScopePayload = z.infer<typeof accessScopeSchema>;

/** Who must decide: the manager of the department (same department) or the general manager (another one). */
export const accessApproverRoleSchema = z.enum(['DEPARTMENT_MANAGER', 'GENERAL_MANAGER']);

const accessRequestBase = z.object({
  requestId: z.string().min(1),
  requesterId: z.string().min(1),
  scope: accessScopeSchema,
});

export const accessRequestedV1 = defineEvent(
  'accounts',
  'crm.accounts.access.requested',
  'v1',
  accessRequestBase.extend({
    reason: z.string(),
    requestedExpiresAt: isoDateTime,
    approverRole: accessApproverRoleSchema,
    /** Set when the approver is a department manager. */
    approverDepartmentId: departmentIdSchema.nullable(),
  }),
);

export const accessApprovedV1 = defineEvent(
  'accounts',
  'crm.accounts.access.approved',
  'v1',
  accessRequestBase.extend({ approvedBy: z.string().min(1), approvedAt: isoDateTime, expiresAt: isoDateTime }),
);

export const accessRejectedV1 = defineEvent(
  'accounts',
  'crm.accounts.access.rejected',
  'v1',
  accessRequestBase.extend({ rejectedBy: z.string().min(1), rejectedAt: isoDateTime, reason: z.string() }),
);

export const accessRevokedV1 = defineEvent(
  'accounts',
  'crm.accounts.access.revoked',
  'v1',
  accessRequestBase.extend({ revokedBy: z.string().min(1), revokedAt: isoDateTime, reason: z.string().nullable() }),
);
