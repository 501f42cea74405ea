import { z } from 'zod';
import { defineEvent } from '../event-contract';
import { consultantIdSchema, customerIdSchema, departmentIdSchema } from '../entity-keys';

const surveyLevel = z.enum(['SATISFIED', 'FAIRLY_SATISFIED', 'BASICALLY_SATISFIED', 'NOT_VERY_SATISFIED', 'DISSATISFIED']);

/**
 * A customer's answers were recorded. When `dissatisfiedItems` is non-empty the service desk opens a follow-up
 * ticket from it (closed loop, docs/domain/surveys.md): naming the survey (`responseId`, `template`,
 * `templateVersion`), the items and comments (`answers`), and, when the survey came from a ticket, giving it to
 * that ticket's first responder (`followUp.assigneeId`). The fields after `respondedAt` were added in issue 11; they
 * are optional so that events published before them still parse (v1 stays compatible).
 */
export const surveyResponseRecordedV1 = defineEvent(
  'surveys',
  'crm.surveys.response.recorded',
  'v1',
  z.object({
    responseId: z.string(),
    customerId: customerIdSchema,
    template: z.enum(['AFTER_SALE', 'AFTER_SERVICE', 'VISIT']),
    /** The consultant whose satisfaction KPI the response counts towards. */
    consultantId: consultantIdSchema,
    /** Mean on the 5 (satisfied) .. 1 (dissatisfied) scale. */
    score: z.number().min(1).max(5),
    /** Items answered NOT_VERY_SATISFIED or DISSATISFIED; non-empty means the service desk should follow up. */
    dissatisfiedItems: z.array(z.string()),
    respondedAt: z.string().datetime(),
    /** The questionnaire version the answers follow. */
    templateVersion: z.number().int().positive().optional(),
    /** The survey request the response answers; null for a response recorded without one. */
    requestId: z.string().nullable().optional(),
    /** The department the response counts for (the customer's at the time). */
    departmentId: departmentIdSchema.optional(),
    /** Every answer with its question's wording in that version, in questionnaire order. */
    answers: z
      .array(z.object({ item: z.string(), question: z.string(), level: surveyLevel, comment: z.string().nullable() }))
      .optional(),
    /** Present when the response needs a follow-up. */
    followUp: z
      .object({
        /** The ticket the survey was sent after; null when it did not come from a ticket. */
        sourceTicketId: z.string().nullable(),
        /** Who the follow-up ticket goes to: the source ticket's first responder; null: the service desk's usual assignment. */
        assigneeId: z.string().nullable(),
        /** When surveys counts the follow-up as overdue if its ticket is not closed. */
        dueAt: z.string().datetime(),
      })
      .nullable()
      .optional(),
  }),
);
