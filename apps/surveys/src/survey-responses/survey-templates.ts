/** The five-level scale of docs/domain/surveys.md, best first. */
export const satisfactionLevels = ['SATISFIED', 'FAIRLY_SATISFIED', 'BASICALLY_SATISFIED', 'NOT_VERY_SATISFIED', 'DISSATISFIED'] as const;
export type SatisfactionLevel = (typeof satisfactionLevels)[number];

/**
 * The catalogue of questions a template version may ask (the SDL's SurveyItem). A version chooses its items, their
 * order and their wording; the catalogue keeps analysis by item comparable across versions.
 */
export const surveyItems = [
  'PRICE',
  'PERFORMANCE',
  'DESIGN',
  'APPEARANCE_PACKAGING',
  'COMPETITOR_COMPARISON',
  'AFTER_SALES_SERVICE',
  'OTHER_NEEDS',
  'APPOINTMENT_TIMELINESS',
  'STAFF_ATTITUDE',
  'STAFF_TECHNICAL_ABILITY',
  'SERVICE_MATTERS',
  'DESIGN_QUALITY',
] as const;
export type SurveyItem = (typeof surveyItems)[number];

export const surveyTemplateNames = ['AFTER_SALE', 'AFTER_SERVICE', 'VISIT'] as const;
export type SurveyTemplateName = (typeof surveyTemplateNames)[number];

/** One question of a template version: the catalogue item and how the version words it. */
export interface SurveyQuestionRecord {
  item: SurveyItem;
  question: string;
}

const q = (item: SurveyItem, question: string): SurveyQuestionRecord => ({ item, question });

/** Version 1 of each template (docs/domain/surveys.md), items in questionnaire order: seeded at start. */
export const seedTemplateVersions: Record<SurveyTemplateName, readonly SurveyQuestionRecord[]> = {
  AFTER_SALE: [
    q('PRICE', 'How satisfied are you with the price?'),
    q('PERFORMANCE', 'How satisfied are you with the product’s performance?'),
    q('DESIGN', 'How satisfied are you with the design?'),
    q('APPEARANCE_PACKAGING', 'How satisfied are you with the appearance and packaging?'),
    q('COMPETITOR_COMPARISON', 'How does the product compare with competitors’?'),
    q('AFTER_SALES_SERVICE', 'How satisfied are you with the after-sales service?'),
    q('OTHER_NEEDS', 'Anything else you need?'),
  ],
  AFTER_SERVICE: [
    q('APPOINTMENT_TIMELINESS', 'Did we keep the appointed time?'),
    q('STAFF_ATTITUDE', 'How satisfied are you with our staff’s attitude?'),
    q('STAFF_TECHNICAL_ABILITY', 'How satisfied are you with our staff’s technical ability?'),
    q('SERVICE_MATTERS', 'How satisfied are you with how the matter was handled?'),
    q('OTHER_NEEDS', 'Anything else you need?'),
  ],
  VISIT: [
    q('PRICE', 'How satisfied are you with the price?'),
    q('DESIGN_QUALITY', 'How satisfied are you with the design and quality?'),
    q('COMPETITOR_COMPARISON', 'How does the product compare with competitors’?'),
    q('AFTER_SALES_SERVICE', 'How satisfied are you with the after-sales service?'),
    q('OTHER_NEEDS', 'Anything else you need?'),
  ],
};

/** The item lists of the seeded version 1, for tests and demo data. */
export const seedItems = (template: SurveyTemplateName): SurveyItem[] => seedTemplateVersions[template].map((question) => question.item);

export interface AnswerProblem {
  /** Path under the input, e.g. ['answers', 2, 'item']. */
  path: (string | number)[];
  message: string;
}

/** Every item of the version answered exactly once, nothing else: the problems found, first one first. */
export function answerCoverageProblems(label: string, items: readonly SurveyItem[], answers: readonly { item: SurveyItem }[]): AnswerProblem[] {
  const problems: AnswerProblem[] = [];
  const answered = new Set<SurveyItem>();
  answers.forEach(({ item }, index) => {
    if (!items.includes(item)) problems.push({ path: ['answers', index, 'item'], message: `${item} is not an item of the ${label} template` });
    else if (answered.has(item)) problems.push({ path: ['answers', index, 'item'], message: `${item} is answered more than once` });
    answered.add(item);
  });
  const missing = items.filter((item) => !answered.has(item));
  if (missing.length > 0) problems.push({ path: ['answers'], message: `missing answers for ${missing.join(', ')}` });
  return problems;
}

/** Answers in the version's order, so every response of a version reads the same way. */
export function inTemplateOrder<A extends { item: SurveyItem }>(items: readonly SurveyItem[], answers: readonly A[]): A[] {
  return [...answers].sort((a, b) => items.indexOf(a.item) - items.indexOf(b.item));
}
