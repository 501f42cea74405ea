import { customerIdSchema } from '@crm/contracts';
import { dateTimeInput, idempotencyKeyInput } from '@crm/kernel';
import { z } from 'zod';
import { currencyCode, minorUnits } from '../money/money';

export const recordPaymentInput = z.object({
  customerId: customerIdSchema,
  amountMinor: minorUnits.positive('must be more than 0'),
  currency: currencyCode.nullish().transform((v) => v ?? 'CNY'),
  receivedAt: dateTimeInput,
  reference: z.string().trim().min(1).max(100).nullish().transform((v) => v ?? null),
  idempotencyKey: idempotencyKeyInput,
});

export const recordDunningReminderInput = z.object({
  invoiceId: z.string().regex(/^[0-9a-f]{24}$/i, 'is not a valid id'),
});

export const calendarDayInput = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a calendar day, YYYY-MM-DD');
