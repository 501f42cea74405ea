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

/** The five kinds of urgent report (走访应急报告) a staff member sends their manager at once. */
export const urgentReportKinds = ['COMPETITOR_NEW_PRODUCT', 'COMPETITOR_SALES_POLICY_CHANGE', 'COMPETITOR_SALES_OR_SERVICE_MOVE', 'SERIOUS_PRODUCT_PROBLEM', 'OTHER'] as const;

/** An urgent report was filed: it is in the inbox of the filer's department manager (and the general manager's) now. */
export const urgentReportFiledV1 = defineEvent(
  'engagement',
  'crm.engagement.urgent-report.filed',
  'v1',
  z.object({
    reportId: z.string(),
    kind: z.enum(urgentReportKinds),
    /** The department whose manager receives it (the filer's, or the customer's when the filer has none). */
    departmentId: z.string(),
    /** The customer it is about; null when it is about no one customer (a competitor's launch). */
    customerId: customerIdSchema.nullable(),
    title: z.string(),
    details: z.string(),
    /** The product concerned (ours or the competitor's); null when none. */
    product: z.string().nullable(),
    /** The competitor concerned; null when none. */
    competitor: z.string().nullable(),
    filedBy: z.string(),
    filedAt: z.string().datetime(),
  }),
);

/** Purchase stages a follow-up plan belongs to: a prospect, a customer who has just bought, a repeat buyer. */
export const followUpStages = ['PROSPECT', 'NEW_BUYER', 'REPEAT_BUYER'] as const;
/** What a follow-up is for. */
export const followUpKinds = ['CONTACT', 'USAGE_CHECK', 'AFTER_SALES', 'REPEAT_PURCHASE', 'OTHER'] as const;

const followUp = z.object({
  followUpId: z.string(),
  customerId: customerIdSchema,
  /** The staff member it is due from. */
  staffId: z.string(),
  stage: z.enum(followUpStages),
  kind: z.enum(followUpKinds),
  dueAt: z.string().datetime(),
});

/** A follow-up was planned: by hand, by the cadence after the previous one, or when a prospect converted. */
export const followUpPlannedV1 = defineEvent(
  'engagement',
  'crm.engagement.follow-up.planned',
  'v1',
  followUp.extend({
    goal: z.string(),
    origin: z.enum(['PLAN', 'PROSPECT_START', 'CADENCE', 'CONVERSION']),
    /** The follow-up whose completion scheduled this one; null for the others. */
    previousFollowUpId: z.string().nullable(),
  }),
);

/** A follow-up was done: a logged interaction or a reported visit recorded it, or staff completed it explicitly. */
export const followUpCompletedV1 = defineEvent(
  'engagement',
  'crm.engagement.follow-up.completed',
  'v1',
  followUp.extend({
    by: z.enum(['EXPLICIT', 'INTERACTION', 'VISIT']),
    /** The interaction's or the visit's id; null when completed explicitly. */
    recordId: z.string().nullable(),
    completedBy: z.string(),
    completedAt: z.string().datetime(),
    /** The follow-up the cadence scheduled next; null when none follows. */
    nextFollowUpId: z.string().nullable(),
  }),
);

/** A follow-up passed its due time undone; raised once per follow-up. */
export const followUpOverdueV1 = defineEvent('engagement', 'crm.engagement.follow-up.overdue', 'v1', followUp);

/** An open follow-up was dropped: the prospect converted (buyer follow-ups replace it) or the customer was removed. */
export const followUpCancelledV1 = defineEvent('engagement', 'crm.engagement.follow-up.cancelled', 'v1', followUp.extend({ reason: z.enum(['CONVERTED', 'CUSTOMER_REMOVED']) }));

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
