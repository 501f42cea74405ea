import { customerIdSchema } from '@crm/contracts';
import { idempotencyKeyInput } from '@crm/kernel';
import { z } from 'zod';
import { optionalText, pageSize, requiredText } from '../common/text-input';
import { careExpenseKinds, careTaskStatuses } from './care-rules';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
export const calendarDayInput = z.string().regex(DAY, 'must be a day, YYYY-MM-DD');

/** careTasks(from, to): at most a year and a few days, so one answer stays small. */
export const MAX_TASK_SPAN_DAYS = 400;

export const careTasksArgs = z
  .object({ from: calendarDayInput, to: calendarDayInput, status: z.enum(careTaskStatuses).nullish(), first: pageSize(200) })
  .refine((a) => a.from <= a.to, { message: 'must not be before from', path: ['to'] });

export const completeCareTaskInput = z.object({ id: z.string(), note: optionalText(2000) });
export const skipCareTaskInput = z.object({ id: z.string(), reason: requiredText(2000) });

export const recordCareExpenseInput = z.object({
  idempotencyKey: idempotencyKeyInput,
  customerId: customerIdSchema,
  kind: z.enum(careExpenseKinds),
  amount: z.object({
    // Integer minor units: 1 to 10^12 (ten billion yuan), well inside a double's exact integers.
    amountMinor: z.number().int('must be a whole number of minor units').min(1, 'must be at least 1').max(1_000_000_000_000),
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as CNY')
      .nullish()
      .transform((v) => v ?? 'CNY'),
  }),
  description: requiredText(1000),
  spentOn: calendarDayInput,
});
export type RecordCareExpenseInput = z.infer<typeof recordCareExpenseInput>;

export const approveCareExpenseInput = z.object({ id: z.string(), note: optionalText(2000) });
export const rejectCareExpenseInput = z.object({ id: z.string(), reason: requiredText(2000) });

export const MAX_EXPENSES_PAGE = 100;
export const expensesPageSize = pageSize(MAX_EXPENSES_PAGE);
