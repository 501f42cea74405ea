import { ConflictError } from '@crm/kernel';
import type { WorkingCalendar } from '@crm/working-calendar';
import type { MinutesRecord, MinutesStatus } from './minutes.model';

/*
 * Meeting minutes (会议纪要, docs/domain/engagement.md):
 *
 *   DRAFT ─submit─► SUBMITTED ─approve─► APPROVED ─confirm─► CONFIRMED
 *     ▲                 │
 *     └──send back──────┘ (with the manager's remark)
 *
 * Due within 2 working days of the meeting on the shared WorkingCalendar: the end of the second working day after
 * the meeting's day (weekends, holidays and make-up workdays counted as the calendar says). Minutes not submitted
 * by then are overdue.
 */

export const MINUTES_DUE_WORKING_DAYS = 2;

/** When minutes of a meeting at `meetingAt` are due. */
export function minutesDueAt(calendar: WorkingCalendar, meetingAt: Date): Date {
  return calendar.addWorkingDays(meetingAt, MINUTES_DUE_WORKING_DAYS);
}

/** Overdue: still a draft (never submitted, or sent back) after the due time. */
export function isOverdue(minutes: Pick<MinutesRecord, 'status' | 'dueAt'>, now: Date): boolean {
  return minutes.status === 'DRAFT' && now.getTime() > minutes.dueAt.getTime();
}

/** Submitted after the due time. */
export function submittedLate(minutes: Pick<MinutesRecord, 'submittedAt' | 'dueAt'>): boolean {
  return minutes.submittedAt !== null && minutes.submittedAt.getTime() > minutes.dueAt.getTime();
}

export type MinutesCommand = 'SAVE_DRAFT' | 'SUBMIT' | 'APPROVE' | 'SEND_BACK' | 'CONFIRM';

const transitions: Record<MinutesCommand, { from: MinutesStatus; to: MinutesStatus }> = {
  SAVE_DRAFT: { from: 'DRAFT', to: 'DRAFT' },
  SUBMIT: { from: 'DRAFT', to: 'SUBMITTED' },
  APPROVE: { from: 'SUBMITTED', to: 'APPROVED' },
  SEND_BACK: { from: 'SUBMITTED', to: 'DRAFT' },
  CONFIRM: { from: 'APPROVED', to: 'CONFIRMED' },
};

const described: Record<MinutesCommand, string> = {
  SAVE_DRAFT: 'edited',
  SUBMIT: 'submitted',
  APPROVE: 'approved',
  SEND_BACK: 'sent back',
  CONFIRM: 'confirmed by the customer',
};

/** A command the minutes' state does not allow: a CONFLICT user error. */
export class InvalidMinutesTransitionError extends ConflictError {
  constructor(command: MinutesCommand, status: MinutesStatus) {
    super(`${status.toLowerCase()} minutes cannot be ${described[command]}`, { status });
  }
}

export function minutesTransition(status: MinutesStatus, command: MinutesCommand): MinutesStatus {
  const { from, to } = transitions[command];
  if (status !== from) throw new InvalidMinutesTransitionError(command, status);
  return to;
}

/**
 * The aggregation condition for minutes overdue at `now`: submitted after their due time, or still unsubmitted past it
 * (a submission at the due time exactly is on time).
 */
export function minutesOverdueCondition(now: Date): Record<string, unknown> {
  return { $gt: [{ $ifNull: ['$submittedAt', now] }, '$dueAt'] };
}
