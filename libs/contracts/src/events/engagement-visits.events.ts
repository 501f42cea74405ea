import { z } from 'zod';
import { defineEvent } from '../event-contract';
import { consultantIdSchema, customerIdSchema } from '../entity-keys';

/** Why a customer was visited (engagement's visit reports). */
export const visitKindSchema = z.enum(['MAINTENANCE', 'SALES', 'RETURN', 'COURTESY']);

/**
 * A visit to a customer was reported (engagement, docs/domain/engagement.md). surveys sends the visit
 * questionnaire after a MAINTENANCE visit. Agreed by surveys for engagement to produce (issue 11).
 */
export const visitReportedV1 = defineEvent(
  'engagement',
  'crm.engagement.visit.reported',
  'v1',
  z.object({
    visitId: z.string().min(1),
    customerId: customerIdSchema,
    /** The member of staff responsible for the visit (the visit counts for them). */
    staffId: consultantIdSchema,
    /** Colleagues who came along. */
    accompanyingStaffIds: z.array(consultantIdSchema).default([]),
    kind: visitKindSchema,
    /** The product the visit was about; null when none in particular. */
    product: z.string().min(1).nullable().default(null),
    /** When the visit took place. */
    visitedAt: z.string().datetime(),
    /** When the report was filed. */
    reportedAt: z.string().datetime(),
  }),
);
