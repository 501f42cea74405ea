import { answerCoverageProblems, inTemplateOrder, satisfactionLevels, seedItems, seedTemplateVersions, surveyItems, surveyTemplateNames, type SurveyItem } from './survey-templates';

const answersFor = (items: readonly SurveyItem[]) => items.map((item) => ({ item }));
const VISIT = seedItems('VISIT');

describe('survey templates', () => {
  it('seeds the item lists of docs/domain/surveys.md as version 1', () => {
    expect(seedItems('AFTER_SALE')).toEqual(['PRICE', 'PERFORMANCE', 'DESIGN', 'APPEARANCE_PACKAGING', 'COMPETITOR_COMPARISON', 'AFTER_SALES_SERVICE', 'OTHER_NEEDS']);
    expect(seedItems('AFTER_SERVICE')).toEqual(['APPOINTMENT_TIMELINESS', 'STAFF_ATTITUDE', 'STAFF_TECHNICAL_ABILITY', 'SERVICE_MATTERS', 'OTHER_NEEDS']);
    expect(VISIT).toEqual(['PRICE', 'DESIGN_QUALITY', 'COMPETITOR_COMPARISON', 'AFTER_SALES_SERVICE', 'OTHER_NEEDS']);
    for (const name of surveyTemplateNames) expect(seedTemplateVersions[name].every((q) => q.question.length > 0)).toBe(true);
  });

  it('accepts every item answered exactly once, in any order', () => {
    expect(answerCoverageProblems('VISIT', VISIT, answersFor([...VISIT].reverse()))).toEqual([]);
  });

  it('names a missing item on the answers list', () => {
    expect(answerCoverageProblems('VISIT', VISIT, answersFor(['PRICE', 'DESIGN_QUALITY', 'COMPETITOR_COMPARISON']))).toEqual([
      { path: ['answers'], message: 'missing answers for AFTER_SALES_SERVICE, OTHER_NEEDS' },
    ]);
  });

  it('names a repeated item at the answer that repeats it', () => {
    expect(answerCoverageProblems('VISIT', VISIT, answersFor([...VISIT, 'PRICE']))).toEqual([{ path: ['answers', 5, 'item'], message: 'PRICE is answered more than once' }]);
  });

  it('names an item that belongs to another template (or another version)', () => {
    expect(answerCoverageProblems('VISIT v1', VISIT, answersFor(['STAFF_ATTITUDE', ...VISIT]))[0]).toEqual({ path: ['answers', 0, 'item'], message: 'STAFF_ATTITUDE is not an item of the VISIT v1 template' });
  });

  it('puts answers in the version’s order', () => {
    expect(inTemplateOrder(seedItems('AFTER_SERVICE'), answersFor(['OTHER_NEEDS', 'APPOINTMENT_TIMELINESS', 'SERVICE_MATTERS'])).map((a) => a.item)).toEqual([
      'APPOINTMENT_TIMELINESS',
      'SERVICE_MATTERS',
      'OTHER_NEEDS',
    ]);
  });
});

describe('survey scale and items', () => {
  it('rates on five levels, best first', () => {
    expect(satisfactionLevels).toEqual(['SATISFIED', 'FAIRLY_SATISFIED', 'BASICALLY_SATISFIED', 'NOT_VERY_SATISFIED', 'DISSATISFIED']);
  });

  it('offers three templates, and every catalogue item appears in one of the seeded versions', () => {
    expect(surveyTemplateNames).toEqual(['AFTER_SALE', 'AFTER_SERVICE', 'VISIT']);
    const used = new Set(surveyTemplateNames.flatMap(seedItems));
    expect([...surveyItems].sort()).toEqual([...used].sort());
    expect(surveyItems).toHaveLength(12);
  });

  it('names each foreign item as foreign, even when it comes twice, and still lists what is missing', () => {
    expect(answerCoverageProblems('VISIT', VISIT, answersFor(['STAFF_ATTITUDE', 'STAFF_ATTITUDE']))).toEqual([
      { path: ['answers', 0, 'item'], message: 'STAFF_ATTITUDE is not an item of the VISIT template' },
      { path: ['answers', 1, 'item'], message: 'STAFF_ATTITUDE is not an item of the VISIT template' },
      { path: ['answers'], message: 'missing answers for PRICE, DESIGN_QUALITY, COMPETITOR_COMPARISON, AFTER_SALES_SERVICE, OTHER_NEEDS' },
    ]);
  });

  it('keeps the answers it orders and the list it was given', () => {
    const given = [{ item: 'OTHER_NEEDS' as const, level: 1 }, { item: 'PRICE' as const, level: 2 }];
    expect(inTemplateOrder(VISIT, given)).toEqual([{ item: 'PRICE', level: 2 }, { item: 'OTHER_NEEDS', level: 1 }]);
    expect(given.map((a) => a.item)).toEqual(['OTHER_NEEDS', 'PRICE']);
  });
});
