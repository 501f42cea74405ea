import { z } from 'zod';
import { defineEvent } from '../event-contract';
import { customerIdSchema } from '../entity-keys';

export const interactionLoggedV1 = defineEvent(
  'engagement',
  'crm.engagement.interaction.logged',
  'v1',
  z.object({
    interactionId: z.string(),
    customerId: customerIdSchema,
    channel: z.enum(['PHONE', 'EMAIL', 'FACE_TO_FACE', 'SOCIAL_MEDIA', 'FAX', 'MAIL', 'SEMINAR']),
    staffId: z.string(),
    occurredAt: z.string().datetime(),
    /** What was agreed to happen next; null when nothing was. */
    nextStep: z.string().nullable(),
  }),
);
