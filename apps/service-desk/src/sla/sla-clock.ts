import type { WorkingCalendar } from '@crm/working-calendar';

/*
 * SLA clocks, computed from a ticket's own history (never from counters kept on the side), so they can be
 * recomputed at any time: when a policy or the holiday calendar changes, or to answer "where was it at t".
 *
 * - FIRST_RESPONSE starts when the customer's matter was received and stops at the first answer to the
 *   customer (investigation started, progress communicated, plan agreed, resolved). Transfers and
 *   escalations are internal and do not count.
 * - RESOLUTION starts when the matter was received, stops when it is resolved, pauses while the desk waits
 *   for the customer, and restarts with a fresh budget when the customer reopens it (second handling).
 *   A transfer does not reset it: the customer must not pay for our internal hand-overs.
 */

export type SlaClockKind = 'FIRST_RESPONSE' | 'RESOLUTION';
export type SlaClockStatus = 'RUNNING' | 'PAUSED' | 'NEAR_BREACH' | 'BREACHED' | 'MET' | 'MET_LATE';

/** The history kinds the clocks read; other kinds (transfers, escalations, notes) are ignored. */
export type ClockEventKind =
  | 'OPENED'
  | 'INVESTIGATION_STARTED'
  | 'CUSTOMER_CONTACTED'
  | 'PLAN_AGREED'
  | 'RESOLVED'
  | 'REOPENED'
  | 'WAITING_FOR_CUSTOMER'
  | 'CUSTOMER_RESPONDED';

export interface ClockHistoryEntry {
  kind: string;
  at: Date;
}

const answersTheCustomer = new Set<string>(['INVESTIGATION_STARTED', 'CUSTOMER_CONTACTED', 'PLAN_AGREED', 'RESOLVED']);

/** How time is counted: working time in a calendar, or every millisecond (around the clock). */
export interface TimeMeasure {
  addMillis(from: Date, ms: number): Date;
  millisBetween(from: Date, to: Date): number;
}

export function workingTime(calendar: WorkingCalendar): TimeMeasure {
  return { addMillis: (from, ms) => calendar.addWorkingMillis(from, ms), millisBetween: (from, to) => calendar.workingMillisBetween(from, to) };
}

export const aroundTheClock: TimeMeasure = {
  addMillis: (from, ms) => new Date(from.getTime() + ms),
  millisBetween: (from, to) => to.getTime() - from.getTime(),
};

export interface ClockTargets {
  firstResponseMinutes: number;
  resolutionMinutes: number;
  /** A clock at or above this share of its target (and not yet breached) is near breach. */
  nearBreachPercent: number;
}

export interface SlaClockState {
  kind: SlaClockKind;
  status: SlaClockStatus;
  /** 1 for the first handling; the resolution clock's round grows with each reopen. */
  round: number;
  targetMs: number;
  startedAt: Date;
  /** When the target is (or was) reached; null while paused before reaching it (it moves on resume). */
  dueAt: Date | null;
  /** When the clock stopped (first answer / resolution); null while it runs. */
  stoppedAt: Date | null;
  elapsedMs: number;
  /** Budget left, never negative; see overdueMs. */
  remainingMs: number;
  overdueMs: number;
}

interface Segment {
  from: Date;
  /** Null: still running at `now`. */
  to: Date | null;
}

/** Where both clocks stand at `now`, from the ticket's history (oldest first). */
export function computeSlaClocks(history: readonly ClockHistoryEntry[], targets: ClockTargets, measure: TimeMeasure, now: Date): { firstResponse: SlaClockState; resolution: SlaClockState } {
  const entries = [...history].filter((entry) => entry.at.getTime() <= now.getTime()).sort((a, b) => a.at.getTime() - b.at.getTime());
  const opened = entries.find((entry) => entry.kind === 'OPENED');
  if (!opened) throw new Error('a ticket history starts with OPENED');
  return {
    firstResponse: firstResponseClock(entries, opened.at, targets, measure, now),
    resolution: resolutionClock(entries, opened.at, targets, measure, now),
  };
}

function firstResponseClock(entries: readonly ClockHistoryEntry[], openedAt: Date, targets: ClockTargets, measure: TimeMeasure, now: Date): SlaClockState {
  const answer = entries.find((entry) => answersTheCustomer.has(entry.kind) && entry.at.getTime() >= openedAt.getTime());
  return clockState('FIRST_RESPONSE', 1, [{ from: openedAt, to: answer?.at ?? null }], answer?.at ?? null, minutesToMs(targets.firstResponseMinutes), targets.nearBreachPercent, measure, now);
}

function resolutionClock(entries: readonly ClockHistoryEntry[], openedAt: Date, targets: ClockTargets, measure: TimeMeasure, now: Date): SlaClockState {
  // Only the current handling round counts: a reopen starts a fresh budget.
  const reopens = entries.filter((entry) => entry.kind === 'REOPENED');
  const round = reopens.length + 1;
  const startedAt = reopens.length > 0 ? reopens[reopens.length - 1].at : openedAt;
  const segments: Segment[] = [];
  let runningSince: Date | null = startedAt;
  let stoppedAt: Date | null = null;
  for (const entry of entries) {
    if (entry.at.getTime() < startedAt.getTime() || entry === reopens[reopens.length - 1]) continue;
    if (entry.kind === 'WAITING_FOR_CUSTOMER' && runningSince) {
      segments.push({ from: runningSince, to: entry.at });
      runningSince = null;
    } else if (entry.kind === 'CUSTOMER_RESPONDED' && !runningSince && !stoppedAt) {
      runningSince = entry.at;
    } else if (entry.kind === 'RESOLVED' && !stoppedAt) {
      if (runningSince) segments.push({ from: runningSince, to: entry.at });
      runningSince = null;
      stoppedAt = entry.at;
    }
  }
  if (runningSince) segments.push({ from: runningSince, to: null });
  return clockState('RESOLUTION', round, segments, stoppedAt, minutesToMs(targets.resolutionMinutes), targets.nearBreachPercent, measure, now, startedAt);
}

function clockState(
  kind: SlaClockKind,
  round: number,
  segments: Segment[],
  stoppedAt: Date | null,
  targetMs: number,
  nearBreachPercent: number,
  measure: TimeMeasure,
  now: Date,
  startedAt: Date = segments[0].from,
): SlaClockState {
  let elapsedMs = 0;
  let dueAt: Date | null = null;
  let lastLength = 0;
  for (const segment of segments) {
    const end = segment.to ?? now;
    lastLength = Math.max(0, measure.millisBetween(segment.from, end));
    if (dueAt === null && elapsedMs + lastLength >= targetMs) dueAt = measure.addMillis(segment.from, targetMs - elapsedMs);
    elapsedMs += lastLength;
  }
  const last = segments[segments.length - 1];
  const running = last !== undefined && last.to === null;
  // Not yet due: project the due time from where the last (running or stopping) segment started; a paused
  // clock has no due time until it resumes.
  if (dueAt === null && last && (running || stoppedAt)) dueAt = measure.addMillis(last.from, targetMs - (elapsedMs - lastLength));
  const deadline = dueAt?.getTime() ?? Number.POSITIVE_INFINITY;
  const status: SlaClockStatus = stoppedAt
    ? stoppedAt.getTime() > deadline
      ? 'MET_LATE'
      : 'MET'
    : now.getTime() > deadline && elapsedMs >= targetMs
      ? 'BREACHED'
      : !running
        ? 'PAUSED'
        : elapsedMs >= (targetMs * nearBreachPercent) / 100
          ? 'NEAR_BREACH'
          : 'RUNNING';
  return {
    kind,
    status,
    round,
    targetMs,
    startedAt,
    dueAt,
    stoppedAt,
    elapsedMs,
    remainingMs: Math.max(0, targetMs - elapsedMs),
    overdueMs: Math.max(0, elapsedMs - targetMs),
  };
}

export function minutesToMs(minutes: number): number {
  return minutes * 60_000;
}

export function isBreached(clock: SlaClockState): boolean {
  return clock.status === 'BREACHED' || clock.status === 'MET_LATE';
}
