import { z } from 'zod';
import { defineEvent } from '../event-contract';
import { consultantIdSchema, customerIdSchema, departmentIdSchema } from '../entity-keys';

const customerSnapshot = z.object({
  id: customerIdSchema,
  name: z.string(),
  kind: z.enum(['ORGANISATION', 'INDIVIDUAL']),
  lifecycle: z.string(),
  ownerConsultantId: z.string(),
  departmentId: z.string(),
  region: z.string().nullable(),
  // Added fields are optional so that events written before them still parse (v1 stays compatible).
  /** KEY or GENERAL; service-desk's SLA targets depend on it. */
  importance: z.enum(['KEY', 'GENERAL']).optional(),
  /** TARGET, GENERAL, KEY or POTENTIAL (docs/domain/accounts.md classification). */
  category: z.enum(['TARGET', 'GENERAL', 'KEY', 'POTENTIAL']).optional(),
  /** Staff serving the customer (the owner among them); a KEY customer has at least two. */
  assignedStaffIds: z.array(consultantIdSchema).optional(),
  /** An individual's birthday (YYYY-MM-DD) when known, null otherwise: engagement's birthday greetings. Personal data. */
  birthday: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .nullable()
    .optional(),
  /** Whether the customer is filed (备案); gifts and entertainment are refused until it is (docs/domain/accounts.md). */
  filed: z.boolean().optional(),
  /** Partners linked to the customer: the service desk shows them its tickets (docs/domain/confidentiality.md). */
  partnerIds: z.array(z.string().min(1)).optional(),
});

export const customerCreatedV1 = defineEvent('accounts', 'crm.accounts.customer.created', 'v1', z.object({ customer: customerSnapshot }));

export const customerUpdatedV1 = defineEvent(
  'accounts',
  'crm.accounts.customer.updated',
  'v1',
  z.object({
    customer: customerSnapshot,
    changes: z.array(z.object({ field: z.string(), before: z.unknown(), after: z.unknown() })).min(1),
  }),
);

/** A customer moved to another consultant (who left or was moved); the customer is to be told who serves them now. */
export const customerHandedOverV1 = defineEvent(
  'accounts',
  'crm.accounts.customer.handed-over',
  'v1',
  z.object({
    customerId: customerIdSchema,
    customerName: z.string(),
    fromConsultantId: consultantIdSchema,
    toConsultantId: consultantIdSchema,
    fromDepartmentId: departmentIdSchema,
    toDepartmentId: departmentIdSchema,
    reason: z.string(),
    handedOverAt: z.string().datetime(),
  }),
);

/**
 * A filing obligation (备案) passed its deadline: a new customer not filed, or a change not reported, within
 * 5 working days. Raised once per obligation.
 */
export const customerFilingOverdueV1 = defineEvent(
  'accounts',
  'crm.accounts.customer.filing-overdue',
  'v1',
  z.object({
    customerId: customerIdSchema,
    customerName: z.string(),
    obligation: z.enum(['FILING', 'CHANGE_REPORT']),
    dueAt: z.string().datetime(),
    departmentId: departmentIdSchema,
    ownerConsultantId: consultantIdSchema,
  }),
);

/** A new organisation customer completed qualification and entered the archive; every department is told. */
export const customerArchivedV1 = defineEvent(
  'accounts',
  'crm.accounts.customer.archived',
  'v1',
  z.object({
    customerId: customerIdSchema,
    customerName: z.string(),
    ownerConsultantId: consultantIdSchema,
    departmentId: departmentIdSchema,
    /** Reference of the partner-portal credentials issued at registration (never a secret). */
    portalCredentialsRef: z.string(),
    supplyContractNo: z.string(),
    qualityAssuranceContractNo: z.string(),
    archivedAt: z.string().datetime(),
  }),
);

/**
 * Two records were the same customer: `duplicateId` now reads as `survivorId`. Services that keep
 * references to customers re-point `duplicateId` to `survivorId`.
 */
export const customerMergedV1 = defineEvent(
  'accounts',
  'crm.accounts.customer.merged',
  'v1',
  z.object({
    survivorId: customerIdSchema,
    duplicateId: customerIdSchema,
    survivorOwnerConsultantId: consultantIdSchema,
    survivorDepartmentId: departmentIdSchema,
    mergedAt: z.string().datetime(),
  }),
);
