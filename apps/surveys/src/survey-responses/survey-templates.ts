/** The five-level scale of docs/domain/surveys.md, best first. */
export const satisfactionLevels = ['SATISFIED', 'FAIRLY_SATISFIED', 'BASICALLY_SATISFIED', 'NOT_VERY_SATISFIED', 'DISSATISFIED'] as const;
export type SatisfactionLevel = (typeof satisfactionLevels)[number];

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

export interface SurveyTemplate {
  /** Bumped whenever the item list changes (new products and markets change the questions). */
  version: number;
  items: readonly SurveyItem[];
}

/** The templates of docs/domain/surveys.md, items in questionnaire order. */
export const surveyTemplates: Record<SurveyTemplateName, SurveyTemplate> = {
  AFTER_SALE: {
    version: 1,
    items: ['PRICE', 'PERFORMANCE', 'DESIGN', 'APPEARANCE_PACKAGING', 'COMPETITOR_COMPARISON', 'AFTER_SALES_SERVICE', 'OTHER_NEEDS'],
  },
  AFTER_SERVICE: {
    version: 1,
    items: ['APPOINTMENT_TIMELINESS', 'STAFF_ATTITUDE', 'STAFF_TECHNICAL_ABILITY', 'SERVICE_MATTERS', 'OTHER_NEEDS'],
  },
  VISIT: {
    version: 1,
    items: ['PRICE', 'DESIGN_QUALITY', 'COMPETITOR_COMPARISON', 'AFTER_SALES_SERVICE', 'OTHER_NEEDS'],
  },
};

export interface AnswerProblem {
  /** Path under the input, e.g. ['answers', 2, 'item']. */
  path: (string | number)[];
  message: string;
}

/** Every item of the template answered exactly once, nothing else: the problems found, first one first. */
export function answerCoverageProblems(template: SurveyTemplateName, answers: readonly { item: SurveyItem }[]): AnswerProblem[] {
  const { items } = surveyTemplates[template];
  const problems: AnswerProblem[] = [];
  const answered = new Set<SurveyItem>();
  answers.forEach(({ item }, index) => {
    if (!items.includes(item)) problems.push({ path: ['answers', index, 'item'], message: `${item} is not an item of the ${template} template` });
    else if (answered.has(item)) problems.push({ path: ['answers', index, 'item'], message: `${item} is answered more than once` });
    answered.add(item);
  });
  const missing = items.filter((item) => !answered.has(item));
  if (missing.length > 0) problems.push({ path: ['answers'], message: `missing answers for ${missing.join(', ')}` });
  return problems;
}

/** Answers in the template's order, so every response of a template reads the same way. */
export function inTemplateOrder<A extends { item: SurveyItem }>(template: SurveyTemplateName, answers: readonly A[]): A[] {
  const { items } = surveyTemplates[template];
  return [...answers].sort((a, b) => items.indexOf(a.item) - items.indexOf(b.item));
}
