import { z } from 'zod';
import { defineEvent } from '../event-contract';
import { customerIdSchema } from '../entity-keys';

export const creditProfileChangedV1 = defineEvent(
  'credit',
  'crm.credit.profile.changed',
  'v1',
  z.object({
    customerId: customerIdSchema,
    grade: z.enum(['AAA', 'AA', 'A', 'B', 'C', 'D']),
    creditLimit: z.number().nonnegative(),
    paymentTermDays: z.number().int().nonnegative(),
    frozen: z.boolean(),
  }),
);
