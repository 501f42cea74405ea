import { dateTimeInput, idempotencyKeyInput } from '@crm/kernel';
import { customerIdSchema } from '@crm/contracts';
import { z } from 'zod';
import { satisfactionLevels, surveyItems, surveyTemplateNames } from './survey-templates';

const answerInput = z.object({
  item: z.enum(surveyItems),
  level: z.enum(satisfactionLevels),
  comment: z
    .string()
    .trim()
    .max(2000)
    .nullish()
    .transform((v) => (v ? v : null)),
});

/**
 * The shape of a response; whether the answers cover the questionnaire is checked against the version asked
 * (stored data, so after this parse). Customer and template come from the request when the response answers one.
 */
export const recordSurveyResponseInput = z
  .object({
    idempotencyKey: idempotencyKeyInput,
    requestId: z.string().regex(/^[0-9a-f]{24}$/, 'is not a valid id').nullish(),
    customerId: customerIdSchema.nullish(),
    template: z.enum(surveyTemplateNames).nullish(),
    respondedAt: dateTimeInput,
    answers: z.array(answerInput).max(surveyItems.length, 'has more answers than any template has items'),
  })
  .superRefine((input, ctx) => {
    if (input.requestId) return;
    if (!input.customerId) ctx.addIssue({ code: 'custom', path: ['customerId'], message: 'is required unless the response answers a request (requestId)' });
    if (!input.template) ctx.addIssue({ code: 'custom', path: ['template'], message: 'is required unless the response answers a request (requestId)' });
  });
export type RecordSurveyResponseInput = z.infer<typeof recordSurveyResponseInput>;
