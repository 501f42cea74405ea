import { z } from 'zod';
import { defineEvent } from '../event-contract';
import { customerIdSchema } from '../entity-keys';
import { visitKindSchema } from './engagement-visits.events';

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

const calendarDaySchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** A visit plan (客户拜访表) was made; it waits for the department manager's decision. */
export const visitPlannedV1 = defineEvent(
  'engagement',
  'crm.engagement.visit.planned',
  'v1',
  z.object({
    visitId: z.string(),
    customerId: customerIdSchema,
    /** The customer's department when the plan was made: its manager decides. */
    departmentId: z.string(),
    staffId: z.string(),
    kind: visitKindSchema,
    purpose: z.string(),
    plannedAt: z.string().datetime(),
  }),
);

/** The department manager approved a visit plan: the visit may take place and be reported. */
export const visitApprovedV1 = defineEvent(
  'engagement',
  'crm.engagement.visit.approved',
  'v1',
  z.object({
    visitId: z.string(),
    customerId: customerIdSchema,
    staffId: z.string(),
    kind: visitKindSchema,
    plannedAt: z.string().datetime(),
    approvedBy: z.string(),
  }),
);

/** The department manager rejected a visit plan, with the reason. */
export const visitRejectedV1 = defineEvent(
  'engagement',
  'crm.engagement.visit.rejected',
  'v1',
  z.object({
    visitId: z.string(),
    customerId: customerIdSchema,
    staffId: z.string(),
    rejectedBy: z.string(),
    reason: z.string(),
  }),
);

/** Minutes (会议纪要) were not submitted within their 2 working days; raised once per minutes. */
export const minutesOverdueV1 = defineEvent(
  'engagement',
  'crm.engagement.minutes.overdue',
  'v1',
  z.object({
    minutesId: z.string(),
    customerId: customerIdSchema,
    staffId: z.string(),
    /** The customer's department when the minutes were opened; null when engagement did not know it. */
    departmentId: z.string().nullable(),
    /** What the minutes are of: a face-to-face interaction or a reported visit. */
    source: z.object({ kind: z.enum(['INTERACTION', 'VISIT']), id: z.string() }),
    dueAt: z.string().datetime(),
  }),
);

/** The customer confirmed reviewed minutes (recorded by staff with who confirmed and when). */
export const minutesConfirmedV1 = defineEvent(
  'engagement',
  'crm.engagement.minutes.confirmed',
  'v1',
  z.object({
    minutesId: z.string(),
    customerId: customerIdSchema,
    staffId: z.string(),
    /** The customer's person who confirmed. */
    confirmedByName: z.string(),
    confirmedAt: z.string().datetime(),
    recordedBy: z.string(),
  }),
);

/** A return visit (回访) of a delivery's schedule was not done in its window; raised once per return visit. */
export const returnVisitMissedV1 = defineEvent(
  'engagement',
  'crm.engagement.return-visit.missed',
  'v1',
  z.object({
    returnVisitId: z.string(),
    customerId: customerIdSchema,
    orderId: z.string(),
    /** The consultant the return visit was due from. */
    staffId: z.string(),
    /** 1-based position in the delivery's schedule. */
    sequence: z.number().int().positive(),
    dueAt: z.string().datetime(),
  }),
);

/**
 * A customer's invitation to an event was confirmed: the inviting department holds the customer for that event,
 * and a sale made at the event counts for `inviterId` (credit's order.delivered carries the event id).
 */
export const invitationConfirmedV1 = defineEvent(
  'engagement',
  'crm.engagement.invitation.confirmed',
  'v1',
  z.object({
    invitationId: z.string(),
    eventId: z.string(),
    customerId: customerIdSchema,
    departmentId: z.string(),
    /** The staff member whose invitation stands. */
    inviterId: z.string(),
    /** The day the confirmation counts for (after 18:00 in the calendar's time zone: the next day). */
    countsForDay: calendarDaySchema,
    confirmedAt: z.string().datetime(),
  }),
);

/** The coordinator decided which department's invitation keeps a contested customer at an event, and why. */
export const invitationConflictResolvedV1 = defineEvent(
  'engagement',
  'crm.engagement.invitation.conflict-resolved',
  'v1',
  z.object({
    eventId: z.string(),
    customerId: customerIdSchema,
    keptInvitationId: z.string(),
    departmentId: z.string(),
    /** The staff member whose invitation now stands (credit credits an event sale to them). */
    inviterId: z.string(),
    /** The invitation that held the customer before; null when none had been confirmed. */
    previousInvitationId: z.string().nullable(),
    previousDepartmentId: z.string().nullable(),
    reason: z.string(),
    resolvedBy: z.string(),
  }),
);

const loyaltyEntry = z.object({
  entryId: z.string(),
  customerId: customerIdSchema,
  /** Points of this entry: positive for earnings, negative for redemptions. */
  points: z.number().int(),
  /** The balance after this entry (the sum of the customer's ledger up to it). */
  balanceAfter: z.number().int().nonnegative(),
  kind: z.enum(['PURCHASE', 'ANNIVERSARY', 'GIFT', 'DISCOUNT']),
  description: z.string(),
});

/** Points were added to a customer's loyalty ledger (a purchase, a year of cooperation). */
export const loyaltyPointsEarnedV1 = defineEvent('engagement', 'crm.engagement.loyalty-points.earned', 'v1', loyaltyEntry);

/** Points were redeemed from a customer's loyalty ledger for a gift or a discount. */
export const loyaltyPointsRedeemedV1 = defineEvent('engagement', 'crm.engagement.loyalty-points.redeemed', 'v1', loyaltyEntry);

const careExpense = z.object({
  expenseId: z.string(),
  customerId: customerIdSchema,
  /** The customer's department when the expense was recorded: its manager decides one above the budget. */
  departmentId: z.string(),
  kind: z.enum(['GIFT', 'ENTERTAINMENT']),
  /** Integer minor units (fen for CNY) and the ISO 4217 currency. */
  amount: z.object({ amountMinor: z.number().int().nonnegative(), currency: z.string().length(3) }),
  description: z.string(),
  /** The day the money was spent (YYYY-MM-DD, the working calendar's time zone). */
  spentOn: calendarDaySchema,
  recordedBy: z.string(),
});

/**
 * A gift or an entertainment expense for a customer was recorded: APPROVED at once (within the budget, or
 * entertainment), or PENDING_APPROVAL (a gift above the budget of the customer's category).
 */
export const careExpenseRecordedV1 = defineEvent(
  'engagement',
  'crm.engagement.care-expense.recorded',
  'v1',
  careExpense.extend({
    status: z.enum(['APPROVED', 'PENDING_APPROVAL']),
    /** The budget the gift was held against (minor units of its currency); null when none applied. */
    budgetMinor: z.number().int().nonnegative().nullable(),
  }),
);

/** The department manager approved a gift above the budget. */
export const careExpenseApprovedV1 = defineEvent('engagement', 'crm.engagement.care-expense.approved', 'v1', careExpense.extend({ approvedBy: z.string() }));

/** The department manager rejected a gift above the budget, with the reason. */
export const careExpenseRejectedV1 = defineEvent('engagement', 'crm.engagement.care-expense.rejected', 'v1', careExpense.extend({ rejectedBy: z.string(), reason: z.string() }));

/** A customer's relationship was evaluated against the published template's weighted indicators. */
export const relationshipEvaluationRecordedV1 = defineEvent(
  'engagement',
  'crm.engagement.relationship-evaluation.recorded',
  'v1',
  z.object({
    evaluationId: z.string(),
    customerId: customerIdSchema,
    templateVersion: z.number().int().positive(),
    /** Each indicator's score (0..100) and weight (the weights sum to 100). */
    scores: z.array(z.object({ indicator: z.string(), weight: z.number().int(), score: z.number().int().min(0).max(100) })),
    /** The weighted sum, 0..100. */
    total: z.number().min(0).max(100),
    recommendation: z.enum(['IMPROVE', 'MAINTAIN', 'END']),
    evaluatedBy: z.string(),
    evaluatedAt: z.string().datetime(),
  }),
);
