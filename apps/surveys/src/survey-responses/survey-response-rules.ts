import { hasRole, isPartner, type Caller } from '@crm/auth';
import type { SatisfactionLevel, SurveyItem } from './survey-templates';

const points: Record<SatisfactionLevel, number> = {
  SATISFIED: 5,
  FAIRLY_SATISFIED: 4,
  BASICALLY_SATISFIED: 3,
  NOT_VERY_SATISFIED: 2,
  DISSATISFIED: 1,
};

/** The two lowest levels: the customer needs a response or comfort promptly. */
const needsResponse: readonly SatisfactionLevel[] = ['NOT_VERY_SATISFIED', 'DISSATISFIED'];

/** Mean of the answers on the 5..1 scale. */
export function scoreOf(answers: readonly { level: SatisfactionLevel }[]): number {
  if (answers.length === 0) throw new Error('a survey response has at least one answer');
  return answers.reduce((sum, answer) => sum + points[answer.level], 0) / answers.length;
}

export function dissatisfiedItems(answers: readonly { item: SurveyItem; level: SatisfactionLevel }[]): SurveyItem[] {
  return answers.filter((answer) => needsResponse.includes(answer.level)).map((answer) => answer.item);
}

/**
 * Who records survey answers: service staff, the marketing department, managers and internal apps.
 * Not consultants: satisfaction is their KPI, so they never record their own score. Not partners.
 */
export function mayRecordSurveyResponses(caller: Caller): boolean {
  if (isPartner(caller)) return false;
  return hasRole(caller, 'service_agent', 'technical_staff', 'marketing', 'coordinator', 'department_manager', 'general_manager', 'internal_app');
}

/** A device clock a little ahead of ours is not a future answer. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

export function respondedAtProblem(respondedAt: Date, now: Date): string | null {
  return respondedAt.getTime() > now.getTime() + CLOCK_SKEW_MS ? 'cannot be in the future' : null;
}
