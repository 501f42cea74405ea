import { z } from 'zod';
import { defineEvent } from '../event-contract';
import { consultantIdSchema, customerIdSchema } from '../entity-keys';

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
  }),
);
