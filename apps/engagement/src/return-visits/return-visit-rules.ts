import { TZDate } from '@date-fns/tz';
import { addDays, addMonths } from 'date-fns';

/*
 * The return-visit schedule (回访, docs/domain/engagement.md): after a delivery, a return visit every month during
 * the first year and every quarter afterwards, for `years` years. Only the visits due within a rolling horizon
 * exist at any time (never an unbounded list); the watch extends each schedule as time passes. Months are counted
 * in the working calendar's time zone; a return visit is due by the end of its day and missed `graceDays` after.
 */

export interface ReturnVisitPolicy {
  /** How many years after the delivery return visits are planned. */
  years: number;
  /** How far ahead of now return visits are generated, in months. */
  horizonMonths: number;
  /** Days after the due day before an undone return visit counts as missed. */
  graceDays: number;
}

export const defaultReturnVisitPolicy: ReturnVisitPolicy = { years: 3, horizonMonths: 6, graceDays: 7 };

/** Months after the delivery of the `sequence`-th return visit (1-based): 1..12, then 15, 18, … */
export function monthsAfterDelivery(sequence: number): number {
  if (!Number.isInteger(sequence) || sequence < 1) throw new RangeError(`sequence must be a positive integer, got ${sequence}`);
  return sequence <= 12 ? sequence : 12 + (sequence - 12) * 3;
}

/** The last sequence of a schedule running `years` years. */
export function lastSequence(years: number): number {
  return years <= 1 ? years * 12 : 12 + (years - 1) * 4;
}

/** The end (23:59:59.999 in `timeZone`) of the day `months` months after the delivery's day. */
export function dueAtFor(deliveredAt: Date, sequence: number, timeZone: string): Date {
  const day = addMonths(new TZDate(deliveredAt.getTime(), timeZone), monthsAfterDelivery(sequence));
  const nextMidnight = addDays(new TZDate(day.getFullYear(), day.getMonth(), day.getDate(), timeZone), 1);
  return new Date(new TZDate(nextMidnight.getFullYear(), nextMidnight.getMonth(), nextMidnight.getDate(), timeZone).getTime() - 1);
}

/** The return visits of a schedule that fall due within the horizon at `now`, after those already generated. */
export function dueWithinHorizon(deliveredAt: Date, generatedThrough: number, now: Date, policy: ReturnVisitPolicy, timeZone: string): { sequence: number; dueAt: Date }[] {
  const horizonEnd = addMonths(new TZDate(now.getTime(), timeZone), policy.horizonMonths);
  const found: { sequence: number; dueAt: Date }[] = [];
  for (let sequence = generatedThrough + 1; sequence <= lastSequence(policy.years); sequence += 1) {
    const dueAt = dueAtFor(deliveredAt, sequence, timeZone);
    if (dueAt.getTime() > horizonEnd.getTime()) break;
    found.push({ sequence, dueAt });
  }
  return found;
}

/** When an undone return visit counts as missed. */
export function missedAfter(dueAt: Date, policy: Pick<ReturnVisitPolicy, 'graceDays'>): Date {
  return new Date(dueAt.getTime() + policy.graceDays * 24 * 3600_000);
}

export function isMissed(visit: { status: string; dueAt: Date }, now: Date, policy: Pick<ReturnVisitPolicy, 'graceDays'>): boolean {
  return visit.status === 'DUE' && now.getTime() > missedAfter(visit.dueAt, policy).getTime();
}
