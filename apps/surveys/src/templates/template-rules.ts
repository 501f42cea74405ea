import { hasRole, isPartner, type Caller } from '@crm/auth';
import { ConflictError } from '@crm/kernel';
import type { SurveyItem } from '../survey-responses/survey-templates';
import type { TemplateVersionRecord, TemplateVersionState } from './template.model';

/** Who drafts, edits, publishes and retires questionnaires: the general manager and the marketing department. */
export function mayManageTemplates(caller: Caller): boolean {
  return !isPartner(caller) && hasRole(caller, 'general_manager', 'marketing');
}

/** Every member of staff reads the questionnaires (they are not customer data); partners see nothing in surveys. */
export function mayReadTemplates(caller: Caller): boolean {
  return !isPartner(caller);
}

const allowedSteps: Record<TemplateVersionState, readonly TemplateVersionState[]> = {
  DRAFT: ['PUBLISHED'],
  PUBLISHED: ['RETIRED'],
  RETIRED: [],
};

/** A template version state change not allowed from its current state; a CONFLICT user error. */
export class InvalidTemplateTransitionError extends ConflictError {}

export function assertTemplateStep(from: TemplateVersionState, to: TemplateVersionState): void {
  if (!allowedSteps[from].includes(to)) throw new InvalidTemplateTransitionError(`A ${from} template version cannot become ${to}`, { state: from });
}

/** The version new surveys of a template ask: the highest published one, or none when every version is a draft or retired. */
export function currentVersion<V extends Pick<TemplateVersionRecord, 'version' | 'state'>>(versions: readonly V[]): V | null {
  return versions.filter((v) => v.state === 'PUBLISHED').reduce<V | null>((best, v) => (best === null || v.version > best.version ? v : best), null);
}

/** Problems of a version's item list: at least two items, no item twice (paths under the input's `items`). */
export function itemListProblems(items: readonly { item: SurveyItem }[]): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  if (items.length < 2) problems.push({ path: ['items'], message: 'a questionnaire asks at least two items' });
  const seen = new Set<SurveyItem>();
  items.forEach(({ item }, index) => {
    if (seen.has(item)) problems.push({ path: ['items', index, 'item'], message: `${item} is asked more than once` });
    seen.add(item);
  });
  return problems;
}
