import type { Caller } from '@crm/auth';
import { fixedClock } from '@crm/kernel';
import { CLOCK_SKEW_MS, dissatisfiedItems, mayRecordSurveyResponses, respondedAtProblem, scoreOf } from './survey-response-rules';

const caller = (...roles: Caller['roles']): Caller => ({ userId: 'u', roles, token: 't' });

describe('survey response rules', () => {
  it('scores SATISFIED as 5 down to DISSATISFIED as 1 and averages the answers', () => {
    expect(scoreOf([{ level: 'SATISFIED' }])).toBe(5);
    expect(scoreOf([{ level: 'DISSATISFIED' }])).toBe(1);
    expect(scoreOf([{ level: 'SATISFIED' }, { level: 'FAIRLY_SATISFIED' }, { level: 'BASICALLY_SATISFIED' }, { level: 'NOT_VERY_SATISFIED' }])).toBe(3.5);
  });

  it('lists the items answered NOT_VERY_SATISFIED or DISSATISFIED', () => {
    expect(
      dissatisfiedItems([
        { item: 'PRICE', level: 'BASICALLY_SATISFIED' },
        { item: 'DESIGN_QUALITY', level: 'NOT_VERY_SATISFIED' },
        { item: 'OTHER_NEEDS', level: 'DISSATISFIED' },
      ]),
    ).toEqual(['DESIGN_QUALITY', 'OTHER_NEEDS']);
    expect(dissatisfiedItems([{ item: 'PRICE', level: 'BASICALLY_SATISFIED' }])).toEqual([]);
  });

  it('lets service staff, marketing and managers record responses, never consultants or partners', () => {
    for (const role of ['service_agent', 'technical_staff', 'marketing', 'coordinator', 'department_manager', 'general_manager', 'internal_app'] as const) {
      expect(mayRecordSurveyResponses(caller(role))).toBe(true);
    }
    expect(mayRecordSurveyResponses(caller('consultant'))).toBe(false);
    expect(mayRecordSurveyResponses(caller('finance'))).toBe(false);
    expect(mayRecordSurveyResponses(caller('partner'))).toBe(false);
    expect(mayRecordSurveyResponses({ ...caller('service_agent'), partnerId: 'P-1' })).toBe(false);
  });

  it('refuses answers dated in the future beyond clock skew', () => {
    const now = fixedClock('2025-06-01T12:00:00Z').now();
    expect(respondedAtProblem(new Date('2025-05-31T12:00:00Z'), now)).toBeNull();
    expect(respondedAtProblem(new Date(now.getTime() + CLOCK_SKEW_MS), now)).toBeNull();
    expect(respondedAtProblem(new Date(now.getTime() + CLOCK_SKEW_MS + 1), now)).toBe('cannot be in the future');
  });
});

describe('survey response rules at their edges', () => {
  it('gives each level its own points', () => {
    expect((['SATISFIED', 'FAIRLY_SATISFIED', 'BASICALLY_SATISFIED', 'NOT_VERY_SATISFIED', 'DISSATISFIED'] as const).map((level) => scoreOf([{ level }]))).toEqual([5, 4, 3, 2, 1]);
  });

  it('refuses to score a response without answers', () => {
    expect(() => scoreOf([])).toThrow('a survey response has at least one answer');
  });

  it('allows five minutes of clock skew, not a millisecond more', () => {
    const now = new Date('2025-06-01T12:00:00Z');
    expect(CLOCK_SKEW_MS).toBe(300_000);
    expect(respondedAtProblem(new Date('2025-06-01T12:05:00Z'), now)).toBeNull();
    expect(respondedAtProblem(new Date('2025-06-01T12:05:00.001Z'), now)).toBe('cannot be in the future');
  });

  it('lets a consultant who is also a manager record responses', () => {
    expect(mayRecordSurveyResponses(caller('consultant', 'department_manager'))).toBe(true);
  });
});
