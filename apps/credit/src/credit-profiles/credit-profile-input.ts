import { dateTimeInput } from '@crm/kernel';
import { z } from 'zod';
import { customerIdSchema } from '@crm/contracts';
import { creditGrades } from './credit-policy';

/** setCreditProfile's input: the customer, the terms and the revision they were read at. */
export const creditProfileInput = z.object({
  customerId: customerIdSchema,
  grade: z.enum(creditGrades),
  creditLimit: z.number().finite().nonnegative('cannot be negative'),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as CNY')
    .nullish()
    .transform((v) => v ?? 'CNY'),
  paymentTermDays: z.number().int().nonnegative('cannot be negative').max(365),
  frozen: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
  nextReviewDue: dateTimeInput.nullish().transform((v) => v ?? null),
  expectedRevision: z.number().int().nonnegative(),
});
export type CreditProfileInput = z.infer<typeof creditProfileInput>;
