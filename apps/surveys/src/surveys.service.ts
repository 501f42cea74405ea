import { createService } from '@crm/kernel';
import { customerScopePlugin } from '@crm/customer-scope';
import { workingCalendarPlugin } from '@crm/working-calendar';
import { attributionPlugin } from './attribution/attribution.plugin';
import { analysisPlugin } from './analysis/analysis.plugin';
import { dispatchPlugin } from './dispatch/dispatch.plugin';
import { improvementPlugin } from './improvement/improvement.plugin';
import { followUpPlugin } from './follow-up/follow-up.plugin';
import { ticketCopiesPlugin } from './follow-up/ticket-copies.plugin';
import { surveyResponsesPlugin } from './survey-responses/survey-responses.plugin';
import { templatesPlugin } from './templates/templates.plugin';
import { viewerPlugin } from './viewer/viewer.plugin';

/** surveys: customer satisfaction (docs/domain/surveys.md). */
export const surveysService = createService({
  name: 'surveys',
  plugins: [workingCalendarPlugin('surveys'), customerScopePlugin('surveys'), attributionPlugin, templatesPlugin, ticketCopiesPlugin, dispatchPlugin, surveyResponsesPlugin, followUpPlugin, analysisPlugin, improvementPlugin, viewerPlugin],
});
