import { z } from 'zod';
import { defineEvent } from '../event-contract';
import { customerIdSchema } from '../entity-keys';

const creditGrade = z.enum(['AAA', 'AA', 'A', 'B', 'C', 'D']);

export const creditProfileChangedV1 = defineEvent(
  'credit',
  'crm.credit.profile.changed',
  'v1',
  z.object({
    customerId: customerIdSchema,
    grade: creditGrade,
    /** Null when the profile was just created. */
    previousGrade: creditGrade.nullable(),
    creditLimit: z.number().nonnegative(),
    /** ISO 4217 code of creditLimit. */
    currency: z.string().regex(/^[A-Z]{3}$/),
    paymentTermDays: z.number().int().nonnegative(),
    frozen: z.boolean(),
    /** The profile's revision after this change; consumers keep the highest they have seen. */
    revision: z.number().int().positive(),
  }),
);
