import { z } from 'zod';
import { surveyItems, surveyTemplateNames } from '../survey-responses/survey-templates';
import { itemListProblems } from './template-rules';

const questionInput = z.object({
  item: z.enum(surveyItems),
  question: z.string().trim().min(1, 'is required').max(500),
});
const note = z
  .string()
  .trim()
  .max(2000)
  .nullish()
  .transform((v) => (v ? v : null));

const withItemProblems = <T extends { items?: { item: (typeof surveyItems)[number] }[] | null }>(input: T, ctx: z.RefinementCtx) => {
  if (!input.items) return;
  for (const problem of itemListProblems(input.items)) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
};

export const draftTemplateVersionInput = z
  .object({
    template: z.enum(surveyTemplateNames),
    /** Omitted: the draft starts from the current version's questions. */
    items: z.array(questionInput).max(surveyItems.length).nullish(),
    note,
  })
  .superRefine(withItemProblems);

export const editTemplateVersionInput = z
  .object({
    id: z.string().regex(/^[0-9a-f]{24}$/, 'is not a valid id'),
    items: z.array(questionInput).max(surveyItems.length),
    note,
  })
  .superRefine(withItemProblems);

export const templateVersionIdInput = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/, 'is not a valid id') });
