import { z } from 'zod';
import { defineEvent } from '../event-contract';
import { customerIdSchema } from '../entity-keys';

export const surveyResponseRecordedV1 = defineEvent(
  'surveys',
  'crm.surveys.response.recorded',
  'v1',
  z.object({
    responseId: z.string(),
    customerId: customerIdSchema,
    template: z.string(),
    dissatisfiedItems: z.array(z.string()),
    respondedAt: z.string().datetime(),
  }),
);
