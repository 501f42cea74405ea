import { createService } from '@crm/kernel';
import { workingCalendarPlugin } from '@crm/working-calendar';
import { creditProfilesPlugin } from './credit-profiles/credit-profiles.plugin';
import { customerScopePlugin } from '@crm/customer-scope';

/** credit: credit profiles, receivables and bad customers (DOMAIN.md §5). */
export const creditService = createService({ name: 'credit', plugins: [workingCalendarPlugin('credit'), customerScopePlugin('credit'), creditProfilesPlugin] });
