import { createService } from '@crm/kernel';
import { viewerPlugin } from './viewer/viewer.plugin';
import { workingCalendarPlugin } from '@crm/working-calendar';
import { creditProfilesPlugin } from './credit-profiles/credit-profiles.plugin';
import { customerScopePlugin } from '@crm/customer-scope';

/** credit: credit profiles, receivables and bad customers (docs/domain/credit.md). */
export const creditService = createService({ name: 'credit', plugins: [workingCalendarPlugin('credit'), customerScopePlugin('credit'), creditProfilesPlugin, viewerPlugin] });
