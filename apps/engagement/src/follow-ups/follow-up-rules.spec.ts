import { completesByContact, conversionFollowUps, customerStageOf, defaultFollowUpCadence, endOfDayAfter, hasConverted, isOverdue, nextByCadence, prospectContact, type CustomerStage, type FollowUpKind, type FollowUpStage } from './follow-up-rules';

const TZ = 'Asia/Shanghai';
const cadence = defaultFollowUpCadence;
const at = (iso: string) => new Date(iso);

describe('follow-up cadence per purchase stage', () => {
  it.each([
    ['PROSPECT', 'PROSPECT'],
    ['QUALIFYING', 'PROSPECT'],
    ['ACTIVE', 'BUYER'],
    ['DORMANT', 'BUYER'],
    ['BAD', 'BUYER'],
    ['REMOVED', 'GONE'],
    ['SOMETHING_NEW', null],
  ])("accounts' lifecycle %s is the follow-up stage %s", (lifecycle, stage) => {
    expect(customerStageOf(lifecycle)).toBe(stage);
  });

  it.each([
    [null, 'BUYER', false, 'a customer first announced as buying did not convert here'],
    ['PROSPECT', 'BUYER', true, 'a prospect that buys converts'],
    ['PROSPECT', 'PROSPECT', false, 'a prospect that qualifies is still a prospect'],
    ['BUYER', 'BUYER', false, 'a buyer stays a buyer'],
    ['PROSPECT', 'GONE', false, 'a removed prospect did not convert'],
  ] as [CustomerStage | null, CustomerStage, boolean, string][])('%s → %s converts: %s (%s)', (before, after, converts) => {
    expect(hasConverted(before, after)).toBe(converts);
  });

  it.each([
    ['the same day', '2025-01-15T02:00:00Z', 0, '2025-01-15T15:59:59.999Z'],
    ['fourteen days on', '2025-01-15T02:00:00Z', 14, '2025-01-29T15:59:59.999Z'],
    ['from late evening, local, counts from the local day', '2025-01-15T15:30:00Z', 1, '2025-01-16T15:59:59.999Z'],
    ['from just after local midnight (still the day before in UTC)', '2025-01-15T16:30:00Z', 1, '2025-01-17T15:59:59.999Z'],
    ['across a month end', '2025-01-31T02:00:00Z', 1, '2025-02-01T15:59:59.999Z'],
    ['across a year end', '2024-12-31T02:00:00Z', 7, '2025-01-07T15:59:59.999Z'],
  ])('a follow-up is due by the end of the local day: %s', (_, from, days, due) => {
    expect(endOfDayAfter(at(from), days, TZ).toISOString()).toBe(due);
  });

  it('plans the first contact with a prospect after the prospect cadence', () => {
    expect(prospectContact(at('2025-01-15T02:00:00Z'), cadence, TZ)).toMatchObject({ stage: 'PROSPECT', kind: 'CONTACT', dueAt: at('2025-01-29T15:59:59.999Z') });
  });

  it('plans a usage check, an after-sales contact and a repeat-purchase follow-up on conversion', () => {
    expect(conversionFollowUps(at('2025-01-15T02:00:00Z'), cadence, TZ).map((f) => [f.stage, f.kind, f.dueAt.toISOString()])).toEqual([
      ['NEW_BUYER', 'USAGE_CHECK', '2025-01-22T15:59:59.999Z'],
      ['NEW_BUYER', 'AFTER_SALES', '2025-02-14T15:59:59.999Z'],
      ['NEW_BUYER', 'REPEAT_PURCHASE', '2025-04-15T15:59:59.999Z'],
    ]);
  });

  it.each([
    ['a prospect contact, still a prospect: the next contact in 14 days', 'PROSPECT', 'CONTACT', 'PROSPECT', ['PROSPECT', 'CONTACT', '2025-01-29T15:59:59.999Z']],
    ['a prospect contact, converted meanwhile: none (the buyer follow-ups take over)', 'PROSPECT', 'CONTACT', 'BUYER', null],
    ['a usage check: once only', 'NEW_BUYER', 'USAGE_CHECK', 'BUYER', null],
    ['an after-sales contact: once only', 'NEW_BUYER', 'AFTER_SALES', 'BUYER', null],
    ['a new buyer repeat-purchase follow-up: the next as a repeat buyer in 90 days', 'NEW_BUYER', 'REPEAT_PURCHASE', 'BUYER', ['REPEAT_BUYER', 'REPEAT_PURCHASE', '2025-04-15T15:59:59.999Z']],
    ['a repeat buyer follow-up: again in 90 days', 'REPEAT_BUYER', 'REPEAT_PURCHASE', 'BUYER', ['REPEAT_BUYER', 'REPEAT_PURCHASE', '2025-04-15T15:59:59.999Z']],
    ['a repeat-purchase follow-up of a removed customer: none', 'REPEAT_BUYER', 'REPEAT_PURCHASE', 'GONE', null],
    ['a follow-up planned by hand: none', 'PROSPECT', 'OTHER', 'PROSPECT', null],
    ['a follow-up of a customer engagement does not know: none', 'PROSPECT', 'CONTACT', null, null],
  ] as [string, FollowUpStage, FollowUpKind, CustomerStage | null, [string, string, string] | null][])('completing %s', (_, stage, kind, customer, expected) => {
    const next = nextByCadence({ stage, kind }, customer, at('2025-01-15T02:00:00Z'), cadence, TZ);
    expect(next && [next.stage, next.kind, next.dueAt.toISOString()]).toEqual(expected);
  });

  it.each([
    ['on the due day', '2025-01-29T08:00:00Z', true],
    ['after the due day (late)', '2025-02-10T08:00:00Z', true],
    ['seven days before, local', '2025-01-21T16:00:00Z', true],
    ['the evening before that, local', '2025-01-21T15:59:00Z', false],
    ['weeks before', '2025-01-10T08:00:00Z', false],
  ])('a contact %s completes a follow-up due on 29 January', (_, contact, completes) => {
    expect(completesByContact(at('2025-01-29T15:59:59.999Z'), at(contact), 7, TZ)).toBe(completes);
  });

  it.each([
    ['planned and past due', 'PLANNED', '2025-01-15T01:59:59Z', true],
    ['planned and due later', 'PLANNED', '2025-01-15T02:00:01Z', false],
    ['completed', 'COMPLETED', '2025-01-01T00:00:00Z', false],
    ['cancelled', 'CANCELLED', '2025-01-01T00:00:00Z', false],
  ])('a follow-up %s is overdue: %s', (_, status, dueAt, overdue) => {
    expect(isOverdue({ status, dueAt: at(dueAt) }, at('2025-01-15T02:00:00Z'))).toBe(overdue);
  });
});
