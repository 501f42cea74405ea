import { createService } from '@crm/kernel';
import { viewerPlugin } from './viewer/viewer.plugin';
import { surveyResponsesPlugin } from './survey-responses/survey-responses.plugin';
import { customerScopePlugin } from '@crm/customer-scope';

/** surveys: customer satisfaction (docs/domain/surveys.md). */
export const surveysService = createService({ name: 'surveys', plugins: [customerScopePlugin('surveys'), surveyResponsesPlugin, viewerPlugin] });
