import { customerIdSchema, urgentReportKinds } from '@crm/contracts';
import { idempotencyKeyInput } from '@crm/kernel';
import { z } from 'zod';
import { optionalText, pageSize, requiredText } from '../common/text-input';

export const dailyReportInput = z.object({
  day: z.string(),
  summary: optionalText(4000),
  plan: optionalText(4000),
});
export type DailyReportInput = z.infer<typeof dailyReportInput>;

export const fileUrgentReportInput = z.object({
  idempotencyKey: idempotencyKeyInput,
  kind: z.enum(urgentReportKinds),
  title: requiredText(200),
  details: requiredText(4000),
  customerId: customerIdSchema.nullish().transform((v) => v ?? null),
  product: optionalText(200),
  competitor: optionalText(200),
});
export type FileUrgentReportInput = z.infer<typeof fileUrgentReportInput>;

export const markUrgentReportReadInput = z.object({ id: z.string() });

export const urgentReportsPageSize = pageSize(100);
