import { dateTimeInput, idempotencyKeyInput } from '@crm/kernel';
import { consultantIdSchema, customerIdSchema } from '@crm/contracts';
import { z } from 'zod';
import { interactionChannels } from './interaction.model';

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((v) => (v ? v : null));

export const logInteractionInput = z.object({
  idempotencyKey: idempotencyKeyInput,
  customerId: customerIdSchema,
  channel: z.enum(interactionChannels),
  occurredAt: dateTimeInput,
  staffId: consultantIdSchema.nullish(),
  summary: z.string().trim().min(1, 'is required').max(4000),
  outcome: optionalText(2000),
  nextStep: optionalText(2000),
  returnVisitId: z.string().nullish(),
});
export type LogInteractionInput = z.infer<typeof logInteractionInput>;

/** `first` on Customer.interactions: a page, never the whole history. */
export const MAX_INTERACTIONS_PAGE = 100;
export const interactionsPageSize = z.number().int().min(0).max(MAX_INTERACTIONS_PAGE, `must be at most ${MAX_INTERACTIONS_PAGE}`);
