import { createService } from '@crm/kernel';
import { customerScopePlugin } from './customer-scope/customer-scope.plugin';
import { surveyResponsesPlugin } from './survey-responses/survey-responses.plugin';

/** surveys: customer satisfaction (DOMAIN.md §4). */
export const surveysService = createService({ name: 'surveys', plugins: [customerScopePlugin, surveyResponsesPlugin] });
