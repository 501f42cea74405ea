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
    channel: z.string(),
    staffId: z.string(),
    occurredAt: z.string().datetime(),
  }),
);
