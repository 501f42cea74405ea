import { addDays } from '../money/calendar-day';
import { activePaymentPromise, badCustomerRules, endsRelationship, evaluateBadCustomer, laterDay, measuresFor, measureTable, ONE_YEAR_DAYS, type BadCustomerSubject, type RecordedFact } from './bad-customer-rules';

const AS_OF = '2025-06-30';
const subject = (overrides: Partial<BadCustomerSubject> = {}): BadCustomerSubject => ({ customerId: 'c1', asOf: AS_OF, facts: [], oldestOpenDueOn: null, lastBusinessOn: AS_OF, ...overrides });
const fact = (kind: RecordedFact['kind'], occurredOn: string, extra: Partial<RecordedFact> = {}): RecordedFact => ({ id: `${kind}-${occurredOn}`, kind, evidence: 'court ruling 2025-17', occurredOn, promisedOn: null, ...extra });
const rulesMet = (s: Partial<BadCustomerSubject>) => evaluateBadCustomer(subject(s)).map((f) => f.rule);
const daysBefore = (days: number) => addDays(AS_OF, -days);

describe('bad-customer rules: the table', () => {
  it('holds the five bad-customer criteria, each with a code and a description', () => {
    expect(badCustomerRules.map((r) => r.code)).toEqual(['BANKRUPT_INSOLVENT_OR_HEAVY_LOSSES', 'OVERDUE_OVER_ONE_YEAR_NO_PAYMENT_PROMISE', 'NO_BUSINESS_OVER_ONE_YEAR', 'SERIOUS_IMAGE_DAMAGE', 'FRAUD_OR_SERIOUS_BREACH_OF_LAW']);
    for (const rule of badCustomerRules) expect(rule.description.length).toBeGreaterThan(20);
    expect(ONE_YEAR_DAYS).toBe(365);
  });

  it('flags no one with recent business, nothing overdue and no facts', () => {
    expect(evaluateBadCustomer(subject())).toEqual([]);
  });

  it('lists every criterion met, in the table order', () => {
    expect(rulesMet({ facts: [fact('FRAUD', '2025-01-01'), fact('BANKRUPTCY', '2025-02-01')], oldestOpenDueOn: daysBefore(400), lastBusinessOn: daysBefore(400) })).toEqual([
      'BANKRUPT_INSOLVENT_OR_HEAVY_LOSSES',
      'OVERDUE_OVER_ONE_YEAR_NO_PAYMENT_PROMISE',
      'NO_BUSINESS_OVER_ONE_YEAR',
      'FRAUD_OR_SERIOUS_BREACH_OF_LAW',
    ]);
  });
});

describe('bad-customer rules: overdue more than one year with no payment promise', () => {
  it.each([
    [364, false],
    [365, false],
    [366, true],
  ])('an invoice %i days overdue flags: %s', (days, flagged) => {
    expect(rulesMet({ oldestOpenDueOn: daysBefore(days) }).includes('OVERDUE_OVER_ONE_YEAR_NO_PAYMENT_PROMISE')).toBe(flagged);
  });

  it('says which invoice and how long', () => {
    expect(evaluateBadCustomer(subject({ oldestOpenDueOn: daysBefore(366) }))).toEqual([{ rule: 'OVERDUE_OVER_ONE_YEAR_NO_PAYMENT_PROMISE', reason: `an invoice due ${daysBefore(366)} is 366 days overdue (more than a year) with no payment promise`, factIds: [] }]);
  });

  it('spares a customer whose payment promise still stands, on its last day too; a broken promise no longer counts', () => {
    const overdue = { oldestOpenDueOn: daysBefore(366) };
    expect(rulesMet({ ...overdue, facts: [fact('PAYMENT_PROMISE', '2025-06-01', { promisedOn: '2025-07-15' })] })).toEqual([]);
    expect(rulesMet({ ...overdue, facts: [fact('PAYMENT_PROMISE', '2025-06-01', { promisedOn: AS_OF })] })).toEqual([]);
    expect(rulesMet({ ...overdue, facts: [fact('PAYMENT_PROMISE', '2025-06-01', { promisedOn: daysBefore(1) })] })).toEqual(['OVERDUE_OVER_ONE_YEAR_NO_PAYMENT_PROMISE']);
    // A promise dated after the day evaluated was not made yet.
    expect(rulesMet({ ...overdue, facts: [fact('PAYMENT_PROMISE', '2025-07-01', { promisedOn: '2025-08-01' })] })).toEqual(['OVERDUE_OVER_ONE_YEAR_NO_PAYMENT_PROMISE']);
  });

  it('does not read a promise into other facts', () => {
    expect(activePaymentPromise(subject({ facts: [fact('FRAUD', '2025-01-01')] }))).toBeNull();
  });

  it('ignores a customer with nothing open', () => {
    expect(rulesMet({ oldestOpenDueOn: null })).toEqual([]);
  });
});

describe('bad-customer rules: no business for more than one year', () => {
  it.each([
    [364, false],
    [365, false],
    [366, true],
  ])('the last business %i days ago flags: %s', (days, flagged) => {
    expect(rulesMet({ lastBusinessOn: daysBefore(days) })).toEqual(flagged ? ['NO_BUSINESS_OVER_ONE_YEAR'] : []);
  });

  it('does not judge a customer that never bought', () => {
    expect(rulesMet({ lastBusinessOn: null })).toEqual([]);
  });

  it('takes the later of the last order and the last invoice as the last business', () => {
    expect(laterDay('2024-01-01', '2024-03-01')).toBe('2024-03-01');
    expect(laterDay(null, '2024-03-01')).toBe('2024-03-01');
    expect(laterDay('2024-01-01', null)).toBe('2024-01-01');
    expect(laterDay(null, null)).toBeNull();
  });
});

describe('bad-customer rules: recorded facts', () => {
  it.each([
    ['BANKRUPTCY', 'BANKRUPT_INSOLVENT_OR_HEAVY_LOSSES'],
    ['INSOLVENCY', 'BANKRUPT_INSOLVENT_OR_HEAVY_LOSSES'],
    ['HEAVY_LOSSES', 'BANKRUPT_INSOLVENT_OR_HEAVY_LOSSES'],
    ['IMAGE_DAMAGE', 'SERIOUS_IMAGE_DAMAGE'],
    ['FRAUD', 'FRAUD_OR_SERIOUS_BREACH_OF_LAW'],
    ['BREACH_OF_LAW', 'FRAUD_OR_SERIOUS_BREACH_OF_LAW'],
  ] as const)('a %s fact meets %s, 364, 365 and 366 days on alike (facts do not expire)', (kind, rule) => {
    for (const days of [0, 364, 365, 366]) expect(rulesMet({ facts: [fact(kind, daysBefore(days))] })).toEqual([rule]);
  });

  it('does not count a fact dated after the day evaluated', () => {
    expect(rulesMet({ facts: [fact('FRAUD', addDays(AS_OF, 1))] })).toEqual([]);
  });

  it('gives the evidence and the facts it rests on', () => {
    const found = evaluateBadCustomer(subject({ facts: [fact('INSOLVENCY', '2025-05-02', { id: 'f1', evidence: 'insolvency filing 88/2025' }), fact('HEAVY_LOSSES', '2025-05-03', { id: 'f2', evidence: 'annual report' })] }));
    expect(found).toEqual([{ rule: 'BANKRUPT_INSOLVENT_OR_HEAVY_LOSSES', reason: 'insolvency recorded on 2025-05-02: insolvency filing 88/2025; heavy losses recorded on 2025-05-03: annual report', factIds: ['f1', 'f2'] }]);
  });

  it('never flags on a payment promise alone', () => {
    expect(rulesMet({ facts: [fact('PAYMENT_PROMISE', '2025-06-01', { promisedOn: '2025-07-01' })] })).toEqual([]);
  });
});

describe('bad-customer measures', () => {
  it('applies every general measure and the special ones chosen, each owned by its department', () => {
    expect(measuresFor([])).toEqual(['COLLECT_RECEIVABLES', 'CANCEL_OPEN_ORDERS', 'STOP_SHIPMENTS', 'REMOVE_FROM_ARCHIVE']);
    expect(measuresFor(['FREEZE_ACCOUNT', 'LEGAL_ACTION'])).toEqual(['COLLECT_RECEIVABLES', 'CANCEL_OPEN_ORDERS', 'STOP_SHIPMENTS', 'REMOVE_FROM_ARCHIVE', 'LEGAL_ACTION', 'FREEZE_ACCOUNT']);
    expect(measureTable.LEGAL_ACTION).toMatchObject({ kind: 'SPECIAL', department: 'ADMINISTRATION' });
    expect(measureTable.COLLECT_RECEIVABLES).toMatchObject({ kind: 'GENERAL', department: 'BUSINESS_DEPARTMENT' });
    expect(measureTable.FREEZE_ACCOUNT).toMatchObject({ kind: 'SPECIAL', department: 'FINANCE' });
  });
});

describe('the closed event: whether a case ended the relationship', () => {
  it.each([
    [['COLLECT_RECEIVABLES', 'CANCEL_OPEN_ORDERS', 'STOP_SHIPMENTS', 'REMOVE_FROM_ARCHIVE'], true],
    [['COLLECT_RECEIVABLES', 'DECLARE_RELATIONSHIP_ENDED'], true],
    [['COLLECT_RECEIVABLES', 'LEGAL_ACTION', 'FREEZE_ACCOUNT'], false],
    [[], false],
  ] as const)('%j: %s', (applied, expected) => {
    expect(endsRelationship(applied)).toBe(expected);
  });

  it('ends it for every case credit opens today (REMOVE_FROM_ARCHIVE is a general measure)', () => {
    expect(endsRelationship(measuresFor([]))).toBe(true);
  });
});
