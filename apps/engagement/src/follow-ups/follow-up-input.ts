import { consultantIdSchema, customerIdSchema, followUpKinds, followUpStages } from '@crm/contracts';
import { dateTimeInput, idempotencyKeyInput } from '@crm/kernel';
import { z } from 'zod';
import { optionalText, pageSize, requiredText } from '../common/text-input';

export const planFollowUpInput = z.object({
  idempotencyKey: idempotencyKeyInput,
  customerId: customerIdSchema,
  stage: z.enum(followUpStages).nullish().transform((v) => v ?? null),
  kind: z.enum(followUpKinds).nullish().transform((v) => v ?? 'OTHER'),
  goal: requiredText(500),
  content: optionalText(4000),
  dueAt: dateTimeInput,
  staffId: consultantIdSchema.nullish(),
});
export type PlanFollowUpInput = z.infer<typeof planFollowUpInput>;

export const completeFollowUpInput = z.object({ id: z.string(), note: optionalText(4000) });

export const MAX_FOLLOW_UPS_PAGE = 100;
export const followUpsPageSize = pageSize(MAX_FOLLOW_UPS_PAGE);
