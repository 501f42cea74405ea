import { customerIdSchema } from '@crm/contracts';
import { idempotencyKeyInput } from '@crm/kernel';
import { z } from 'zod';
import { optionalText, requiredText } from '../common/text-input';
import { MAX_INDICATORS } from './relationship-evaluation-rules';

export const draftTemplateInput = z.object({
  indicators: z
    .array(
      z.object({
        key: z
          .string()
          .trim()
          .regex(/^[a-z0-9][a-z0-9-]{0,49}$/, 'must be lower-case letters, digits and dashes (up to 50)'),
        name: requiredText(200),
        weight: z.number(),
        description: optionalText(1000),
      }),
    )
    .max(MAX_INDICATORS, `at most ${MAX_INDICATORS} indicators`),
  thresholds: z.object({ endBelow: z.number(), improveBelow: z.number() }),
});

export const publishTemplateInput = z.object({ version: z.number().int().min(1) });

export const evaluateRelationshipInput = z.object({
  idempotencyKey: idempotencyKeyInput,
  customerId: customerIdSchema,
  scores: z.array(z.object({ indicator: z.string().trim(), score: z.number() })).max(MAX_INDICATORS * 2),
  note: optionalText(2000),
});
export type EvaluateRelationshipInput = z.infer<typeof evaluateRelationshipInput>;
