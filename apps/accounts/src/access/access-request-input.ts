import { consultantIdSchema, customerIdSchema, departmentIdSchema } from '@crm/contracts';
import { z } from 'zod';
import { accessScopeKinds } from './access-request.model';
import { type AccessRequestStatus } from './access-request-rules';

const instant = z.union([z.string(), z.date()]).transform((value, ctx) => {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime()) || (typeof value === 'string' && !/^\d{4}-\d{2}-\d{2}T/.test(value))) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO-8601 date-time' });
    return z.NEVER;
  }
  return date;
});

const reason = z.string().trim().min(1, 'is required').max(1000);

/** Exactly the id that matches the kind; the others must be absent, so a request never means two things. */
const scopeInput = z
  .object({
    kind: z.enum(accessScopeKinds),
    customerId: customerIdSchema.nullish(),
    consultantId: consultantIdSchema.nullish(),
    departmentId: departmentIdSchema.nullish(),
  })
  .superRefine((scope, ctx) => {
    const wanted = { CUSTOMER: 'customerId', CONSULTANT: 'consultantId', DEPARTMENT: 'departmentId' } as const;
    for (const field of ['customerId', 'consultantId', 'departmentId'] as const) {
      const given = scope[field] !== null && scope[field] !== undefined;
      if (field === wanted[scope.kind] && !given) ctx.addIssue({ code: 'custom', path: [field], message: `is required for a ${scope.kind} scope` });
      if (field !== wanted[scope.kind] && given) ctx.addIssue({ code: 'custom', path: [field], message: `must be empty for a ${scope.kind} scope` });
    }
  });

export const requestCustomerAccessInput = z.object({ scope: scopeInput, reason, expiresAt: instant });
export type RequestCustomerAccessInput = z.infer<typeof requestCustomerAccessInput>;

/** The request a decision is about: any string (an id that is no request's is NOT_FOUND, never revealing more). */
const requestId = z.string();

export const approveAccessRequestInput = z.object({ id: requestId, expiresAt: instant.nullish() });
export const rejectAccessRequestInput = z.object({ id: requestId, reason });
export const revokeAccessGrantInput = z.object({ id: requestId, reason: z.string().trim().max(1000).nullish() });

export const accessRequestStatuses = ['REQUESTED', 'APPROVED', 'REJECTED', 'EXPIRED', 'REVOKED'] as const satisfies readonly AccessRequestStatus[];

export const personalDataReadFilterInput = z
  .object({
    customerId: z.string().trim().min(1).max(64).nullish(),
    readerId: z.string().trim().min(1).max(64).nullish(),
    from: instant.nullish(),
    to: instant.nullish(),
  })
  .nullish()
  .transform((filter) => filter ?? {});
export type PersonalDataReadFilter = z.infer<typeof personalDataReadFilterInput>;
