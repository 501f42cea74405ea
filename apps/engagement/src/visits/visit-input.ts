import { customerIdSchema, consultantIdSchema } from '@crm/contracts';
import { dateTimeInput, idempotencyKeyInput } from '@crm/kernel';
import { z } from 'zod';
import { optionalText, pageSize, requiredText } from '../common/text-input';
import { visitKinds } from './visit.model';

export const planVisitInput = z.object({
  idempotencyKey: idempotencyKeyInput,
  customerId: customerIdSchema,
  kind: z.enum(visitKinds).nullish().transform((v) => v ?? 'SALES'),
  purpose: requiredText(2000),
  goals: z.array(requiredText(500)).max(20, 'at most 20 goals').nullish().transform((v) => v ?? []),
  product: optionalText(200),
  accompanyingStaffIds: z.array(consultantIdSchema).max(10, 'at most 10 colleagues').nullish().transform((v) => v ?? []),
  plannedAt: dateTimeInput,
  staffId: consultantIdSchema.nullish(),
});
export type PlanVisitInput = z.infer<typeof planVisitInput>;

export const approveVisitInput = z.object({ id: z.string(), note: optionalText(2000) });
export const rejectVisitInput = z.object({ id: z.string(), reason: requiredText(2000) });

export const reportVisitInput = z.object({
  id: z.string(),
  visitedAt: dateTimeInput,
  questionsRaised: optionalText(4000),
  opinions: optionalText(4000),
  wishes: optionalText(4000),
  importantMatters: z
    .array(z.object({ matter: requiredText(2000), handling: requiredText(2000) }))
    .max(50, 'at most 50 matters')
    .nullish()
    .transform((v) => v ?? []),
  marketSituation: optionalText(4000),
  competitorMoves: optionalText(4000),
  competitorSalesPolicies: optionalText(4000),
  customerReaction: optionalText(4000),
  returnVisitId: z.string().nullish().transform((v) => v ?? null),
});
export type ReportVisitInput = z.infer<typeof reportVisitInput>;

export const MAX_VISITS_PAGE = 100;
export const visitsPageSize = pageSize(MAX_VISITS_PAGE);
