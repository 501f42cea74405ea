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

/**
 * A customer's sales tier (ABC analysis, docs/domain/accounts.md and §5) for a period, computed by credit from its sales
 * figures. accounts shows the latest period's tier on Customer; it is never typed by hand.
 */
export const salesTierComputedV1 = defineEvent(
  'credit',
  'crm.credit.sales-tier.computed',
  'v1',
  z.object({
    customerId: customerIdSchema,
    tier: z.enum(['A', 'B', 'C', 'D']),
    /** First and last calendar day (YYYY-MM-DD) of the sales period the tier was computed over. */
    periodStart: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    periodEnd: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    /** ABC share of purchase amounts, or average monthly / annual sales. */
    basis: z.enum(['PURCHASE_AMOUNT_ABC', 'AVERAGE_MONTHLY_SALES', 'AVERAGE_ANNUAL_SALES']),
  }),
);
