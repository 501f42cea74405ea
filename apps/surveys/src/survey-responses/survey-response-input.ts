import { dateTimeInput, idempotencyKeyInput } from '@crm/kernel';
import { consultantIdSchema, customerIdSchema } from '@crm/contracts';
import { z } from 'zod';
import { answerCoverageProblems, satisfactionLevels, surveyItems, surveyTemplateNames } from './survey-templates';

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

export const recordSurveyResponseInput = z
  .object({
    idempotencyKey: idempotencyKeyInput,
    customerId: customerIdSchema,
    template: z.enum(surveyTemplateNames),
    consultantId: consultantIdSchema,
    respondedAt: dateTimeInput,
    answers: z.array(answerInput).max(surveyItems.length, 'has more answers than any template has items'),
  })
  .superRefine((input, ctx) => {
    for (const problem of answerCoverageProblems(input.template, input.answers)) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  });
export type RecordSurveyResponseInput = z.infer<typeof recordSurveyResponseInput>;
