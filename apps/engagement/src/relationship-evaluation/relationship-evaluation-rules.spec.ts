import type { Caller } from '@crm/auth';
import { ConflictError } from '@crm/kernel';
import { DEFAULT_TEMPLATE, indicatorProblems, mayEditTemplate, publishTransition, recommendationFor, scoreProblems, thresholdProblems, weightedTotalHundredths } from './relationship-evaluation-rules';

const ind = (key: string, weight: number) => ({ key, weight });

describe('relationship evaluation rules', () => {
  it.each([
    ['weights summing to 100', [ind('a', 60), ind('b', 40)], []],
    ['one indicator of 100', [ind('a', 100)], []],
    ['weights summing to 99', [ind('a', 60), ind('b', 39)], ['input.indicators: the weights must sum to 100, not 99']],
    ['weights summing to 101', [ind('a', 60), ind('b', 41)], ['input.indicators: the weights must sum to 100, not 101']],
    ['a zero weight', [ind('a', 100), ind('b', 0)], ['input.indicators.1.weight: must be a whole number from 1 to 100']],
    ['a fractional weight', [ind('a', 50.5), ind('b', 49.5)], ['input.indicators.0.weight: must be a whole number from 1 to 100', 'input.indicators.1.weight: must be a whole number from 1 to 100']],
    ['a key used twice', [ind('a', 50), ind('a', 50)], ['input.indicators.1.key: the key "a" is used twice']],
    ['no indicator', [], ['input.indicators: needs at least one indicator']],
  ])('checks %s', (_, indicators, expected) => {
    expect(indicatorProblems(indicators).map((p) => `${p.field}: ${p.message}`)).toEqual(expected);
  });

  it('ships a default template whose weights sum to 100', () => {
    expect(indicatorProblems(DEFAULT_TEMPLATE.indicators)).toEqual([]);
    expect(thresholdProblems(DEFAULT_TEMPLATE.thresholds)).toEqual([]);
  });

  it.each([
    [{ endBelow: 40, improveBelow: 70 }, []],
    [{ endBelow: 50, improveBelow: 50 }, []],
    [{ endBelow: 0, improveBelow: 100 }, []],
    [{ endBelow: 71, improveBelow: 70 }, ['input.thresholds.endBelow']],
    [{ endBelow: -1, improveBelow: 101 }, ['input.thresholds.endBelow', 'input.thresholds.improveBelow']],
  ])('checks the thresholds %j', (thresholds, fields) => {
    expect(thresholdProblems(thresholds).map((p) => p.field)).toEqual(fields);
  });

  const thresholds = { endBelow: 40, improveBelow: 70 };
  it.each([
    [0, 'END'],
    [3999, 'END'],
    [4000, 'IMPROVE'],
    [6999, 'IMPROVE'],
    [7000, 'MAINTAIN'],
    [10000, 'MAINTAIN'],
  ] as const)('recommends for a total of %i hundredths: %s', (total, expected) => {
    expect(recommendationFor(total, thresholds)).toBe(expected);
  });

  it('weighs the scores exactly, in hundredths', () => {
    const indicators = [ind('a', 25), ind('b', 75)];
    expect(weightedTotalHundredths(indicators, [{ indicator: 'a', score: 33 }, { indicator: 'b', score: 67 }])).toBe(25 * 33 + 75 * 67);
    // 69.99 stays IMPROVE: no float rounding lifts it to 70.
    const close = [ind('a', 1), ind('b', 99)];
    const total = weightedTotalHundredths(close, [{ indicator: 'a', score: 69 }, { indicator: 'b', score: 70 }]);
    expect(total).toBe(6999);
    expect(recommendationFor(total, thresholds)).toBe('IMPROVE');
  });

  it('requires each indicator scored once with a whole score 0..100', () => {
    const indicators = [{ key: 'a' }, { key: 'b' }];
    expect(scoreProblems(indicators, [{ indicator: 'a', score: 0 }, { indicator: 'b', score: 100 }])).toEqual([]);
    expect(scoreProblems(indicators, [{ indicator: 'a', score: 101 }, { indicator: 'a', score: 5 }, { indicator: 'x', score: -1 }]).map((p) => p.field)).toEqual([
      'input.scores.0.score',
      'input.scores.1.indicator',
      'input.scores.2.indicator',
      'input.scores.2.score',
      'input.scores',
    ]);
  });

  it('publishes a draft only', () => {
    expect(publishTransition('DRAFT')).toBe('PUBLISHED');
    expect(() => publishTransition('PUBLISHED')).toThrow(ConflictError);
    expect(() => publishTransition('RETIRED')).toThrow(ConflictError);
  });

  it('lets the general manager alone keep the template', () => {
    const as = (roles: string[]) => ({ userId: 'x', roles }) as unknown as Caller;
    expect([['general_manager'], ['department_manager'], ['consultant'], ['partner']].map((roles) => mayEditTemplate(as(roles)))).toEqual([true, false, false, false]);
  });
});
