import { followUpFirstResponder, followUpKey, followUpMatter, followUpReceivedAt, followUpSeverity, MATTER_MAX_LENGTH, needsFollowUpTicket, type SurveyResponseRecorded } from './survey-follow-up-rules';

const followUp = { sourceTicketId: 'T-1', assigneeId: 'agent-he', dueAt: '2025-03-03T09:00:00.000Z' };
const response = (overrides: Partial<SurveyResponseRecorded> = {}): SurveyResponseRecorded => ({
  responseId: 'R-1',
  customerId: '0123456789abcdef01234567',
  template: 'AFTER_SERVICE',
  consultantId: 'agent-he',
  score: 3.4,
  dissatisfiedItems: ['STAFF_ATTITUDE', 'OTHER_NEEDS'],
  respondedAt: '2025-03-01T09:00:00.000Z',
  templateVersion: 2,
  answers: [
    { item: 'APPOINTMENT_TIMELINESS', question: 'Was the appointment on time?', level: 'SATISFIED', comment: null },
    { item: 'STAFF_ATTITUDE', question: 'How was the staff’s attitude?', level: 'DISSATISFIED', comment: 'Nobody called back' },
    { item: 'OTHER_NEEDS', question: 'Anything else you need?', level: 'NOT_VERY_SATISFIED', comment: null },
  ],
  followUp,
  ...overrides,
});

describe('survey follow-up rules', () => {
  it.each([
    ['dissatisfied items and a follow-up asked for', true, response()],
    ['no dissatisfied item', false, response({ dissatisfiedItems: [] })],
    ['no follow-up asked for (null)', false, response({ followUp: null })],
    ['no follow-up asked for (an event from before the field)', false, response({ followUp: undefined })],
  ])('%s: opens a ticket %s', (_, expected, recorded) => {
    expect(needsFollowUpTicket(recorded)).toBe(expected);
  });

  it.each([
    ['a dissatisfied answer', 'MEDIUM', response()],
    ['not very satisfied answers only', 'LOW', response({ answers: response().answers!.map((a) => ({ ...a, level: a.level === 'DISSATISFIED' ? 'NOT_VERY_SATISFIED' : a.level })) })],
    ['no answers on the event (an event from before the field)', 'LOW', response({ answers: undefined })],
  ])('sets the severity for %s to %s', (_, expected, recorded) => {
    expect(followUpSeverity(recorded)).toBe(expected);
  });

  it.each([
    ['the source ticket’s first responder', 'agent-he', response()],
    ['nobody named: the usual assignment (null)', null, response({ followUp: { ...followUp, assigneeId: null } })],
  ])('gives the ticket to %s: %s', (_, expected, recorded) => {
    expect(followUpFirstResponder(recorded)).toBe(expected);
  });

  it('keys the ticket by the response, so each response opens one ticket', () => {
    expect(followUpKey('R-1')).toBe('survey:R-1');
    expect(followUpKey('R-1')).not.toBe(followUpKey('R-2'));
  });

  it('names the survey and lists only the dissatisfied answers with their question and comment', () => {
    expect(followUpMatter(response()).split('\n')).toEqual([
      'Survey follow-up: AFTER_SERVICE v2 questionnaire, response R-1, sent after ticket T-1 (score 3.4 of 5).',
      'Answers to follow up:',
      '- How was the staff’s attitude? [STAFF_ATTITUDE]: dissatisfied — "Nobody called back"',
      '- Anything else you need? [OTHER_NEEDS]: not very satisfied',
    ]);
  });

  it('lists the dissatisfied items of an event without answers, and leaves out a source ticket and version it does not have', () => {
    expect(followUpMatter(response({ answers: undefined, templateVersion: undefined, followUp: { ...followUp, sourceTicketId: null } })).split('\n')).toEqual([
      'Survey follow-up: AFTER_SERVICE questionnaire, response R-1 (score 3.4 of 5).',
      'Answers to follow up:',
      '- STAFF_ATTITUDE: not very satisfied or dissatisfied',
      '- OTHER_NEEDS: not very satisfied or dissatisfied',
    ]);
  });

  it('keeps the matter within what a ticket holds', () => {
    const long = response({ answers: [{ item: 'OTHER_NEEDS', question: 'Anything else?', level: 'DISSATISFIED', comment: 'x'.repeat(5000) }] });
    const matter = followUpMatter(long);
    expect(matter).toHaveLength(MATTER_MAX_LENGTH);
    expect(matter.endsWith('…')).toBe(true);
  });

  const now = new Date('2025-03-10T09:00:00.000Z');
  it.each([
    ['when surveys recorded the response', '2025-03-10T08:00:00.000Z', '2025-03-10T08:00:00.000Z'],
    ['exactly the backdating limit ago', '2025-02-08T09:00:00.000Z', '2025-02-08T09:00:00.000Z'],
    ['no further back than the limit', '2025-01-01T00:00:00.000Z', '2025-02-08T09:00:00.000Z'],
    ['never in the future (a producer’s clock ahead)', '2025-03-10T10:00:00.000Z', '2025-03-10T09:00:00.000Z'],
  ])('counts the matter as received %s', (_, recordedAt, expected) => {
    expect(followUpReceivedAt(new Date(recordedAt), now).toISOString()).toBe(expected);
  });
});
