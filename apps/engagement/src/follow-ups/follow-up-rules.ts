import type { followUpKinds, followUpStages } from '@crm/contracts';
import { TZDate } from '@date-fns/tz';
import { dayOf } from '../reports/report-rules';

/*
 * Follow-up plans per purchase stage (docs/domain/engagement.md, follow-ups):
 * - a PROSPECT (accounts' lifecycle PROSPECT or QUALIFYING) is contacted every `prospectDays` until converted: each
 *   completed CONTACT schedules the next;
 * - converted (the lifecycle moves on to ACTIVE), the open prospect contacts are cancelled and the NEW_BUYER
 *   follow-ups are planned: a usage check, an after-sales contact and a repeat-purchase follow-up;
 * - a completed REPEAT_PURCHASE follow-up schedules the next one as a REPEAT_BUYER every `repeatPurchaseDays`;
 * - a removed customer's open follow-ups are cancelled.
 * A follow-up is due by the end of its day in the working calendar's time zone. A logged interaction or a reported
 * visit with the customer completes the customer's earliest open follow-up when it happens no more than
 * `earlyDays` days before that follow-up's due day (or any time after it).
 */

export type FollowUpStage = (typeof followUpStages)[number];
export type FollowUpKind = (typeof followUpKinds)[number];

/** Where the customer stands for follow-ups, read from accounts' lifecycle. */
export type CustomerStage = 'PROSPECT' | 'BUYER' | 'GONE';

export interface FollowUpCadence {
  /** Days between contacts with a prospect. */
  prospectDays: number;
  /** Days after conversion of the usage check. */
  usageCheckDays: number;
  /** Days after conversion of the after-sales contact. */
  afterSalesDays: number;
  /** Days after conversion of the first repeat-purchase follow-up, and between the next ones. */
  repeatPurchaseDays: number;
  /** How many days before its due day a contact still completes a follow-up. */
  earlyDays: number;
}

export const defaultFollowUpCadence: FollowUpCadence = { prospectDays: 14, usageCheckDays: 7, afterSalesDays: 30, repeatPurchaseDays: 90, earlyDays: 7 };

export function customerStageOf(lifecycle: string): CustomerStage | null {
  switch (lifecycle) {
    case 'PROSPECT':
    case 'QUALIFYING':
      return 'PROSPECT';
    case 'ACTIVE':
    case 'DORMANT':
    case 'BAD':
      return 'BUYER';
    case 'REMOVED':
      return 'GONE';
    default:
      return null;
  }
}

/** A prospect bought: accounts moved it from prospect (or qualifying) to a buying customer. */
export function hasConverted(before: CustomerStage | null, after: CustomerStage | null): boolean {
  return before === 'PROSPECT' && after === 'BUYER';
}

/** The end (23:59:59.999 in `timeZone`) of the day `days` days after `from`'s day. */
export function endOfDayAfter(from: Date, days: number, timeZone: string): Date {
  const local = new TZDate(from.getTime(), timeZone);
  const nextMidnight = new TZDate(local.getFullYear(), local.getMonth(), local.getDate() + days + 1, timeZone);
  return new Date(nextMidnight.getTime() - 1);
}

export interface PlannedFollowUp {
  stage: FollowUpStage;
  kind: FollowUpKind;
  goal: string;
  content: string;
  dueAt: Date;
}

const plans: Record<Exclude<FollowUpKind, 'OTHER'>, { goal: string; content: string }> = {
  CONTACT: { goal: 'Bring the prospect a step closer to buying', content: 'Periodic contact: needs, budget, intended purchase time, decision makers' },
  USAGE_CHECK: { goal: 'Check the first delivery is in use and working', content: 'Ask how the product is used; note problems and hand them to service' },
  AFTER_SALES: { goal: 'After-sales contact', content: 'Offer service, training and spare parts; ask about satisfaction' },
  REPEAT_PURCHASE: { goal: 'Win the next purchase', content: 'Ask about the coming demand; present offers and new products' },
};

function planned(stage: FollowUpStage, kind: Exclude<FollowUpKind, 'OTHER'>, from: Date, days: number, timeZone: string): PlannedFollowUp {
  return { stage, kind, ...plans[kind], dueAt: endOfDayAfter(from, days, timeZone) };
}

/** The first contact with a new prospect. */
export function prospectContact(from: Date, cadence: FollowUpCadence, timeZone: string): PlannedFollowUp {
  return planned('PROSPECT', 'CONTACT', from, cadence.prospectDays, timeZone);
}

/** What a conversion plans: the usage check, the after-sales contact and the first repeat-purchase follow-up. */
export function conversionFollowUps(convertedAt: Date, cadence: FollowUpCadence, timeZone: string): PlannedFollowUp[] {
  return [
    planned('NEW_BUYER', 'USAGE_CHECK', convertedAt, cadence.usageCheckDays, timeZone),
    planned('NEW_BUYER', 'AFTER_SALES', convertedAt, cadence.afterSalesDays, timeZone),
    planned('NEW_BUYER', 'REPEAT_PURCHASE', convertedAt, cadence.repeatPurchaseDays, timeZone),
  ];
}

/** The follow-up the cadence schedules after one is completed at `completedAt`; null when none follows. */
export function nextByCadence(done: { stage: FollowUpStage; kind: FollowUpKind }, customer: CustomerStage | null, completedAt: Date, cadence: FollowUpCadence, timeZone: string): PlannedFollowUp | null {
  if (done.kind === 'CONTACT' && done.stage === 'PROSPECT' && customer === 'PROSPECT') return prospectContact(completedAt, cadence, timeZone);
  if (done.kind === 'REPEAT_PURCHASE' && customer === 'BUYER') return planned('REPEAT_BUYER', 'REPEAT_PURCHASE', completedAt, cadence.repeatPurchaseDays, timeZone);
  return null;
}

/** Whether a contact at `contactAt` completes a follow-up due at `dueAt` (not earlier than `earlyDays` before its day). */
export function completesByContact(dueAt: Date, contactAt: Date, earlyDays: number, timeZone: string): boolean {
  const earliestDay = dayOf(new Date(endOfDayAfter(dueAt, -earlyDays, timeZone).getTime()), timeZone);
  return dayOf(contactAt, timeZone) >= earliestDay;
}

export function isOverdue(followUp: { status: string; dueAt: Date }, now: Date): boolean {
  return followUp.status === 'PLANNED' && followUp.dueAt.getTime() < now.getTime();
}

/** A follow-up is planned ahead: a due time already past (beyond an hour's grace) is refused. */
export function dueAtProblem(dueAt: Date, now: Date): string | null {
  return dueAt.getTime() < now.getTime() - 3600_000 ? 'must not be in the past' : null;
}
