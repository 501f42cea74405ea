import { z } from 'zod';
import { defineEvent } from '../event-contract';
import { customerIdSchema } from '../entity-keys';

const customerSnapshot = z.object({
  id: customerIdSchema,
  name: z.string(),
  kind: z.enum(['ORGANISATION', 'INDIVIDUAL']),
  lifecycle: z.string(),
  ownerConsultantId: z.string(),
  departmentId: z.string(),
  region: z.string().nullable(),
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
