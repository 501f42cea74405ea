import { z } from 'zod';
import { defineEvent } from '../event-contract';
import { customerIdSchema } from '../entity-keys';

export const complaintOpenedV1 = defineEvent(
  'service-desk',
  'crm.service-desk.complaint.opened',
  'v1',
  z.object({
    ticketId: z.string(),
    customerId: customerIdSchema,
    severity: z.enum(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']),
    channel: z.string(),
    matter: z.string(),
    firstResponderId: z.string(),
    openedAt: z.string().datetime(),
  }),
);
