import { createService } from '@crm/kernel';
import { customerScopePlugin } from './customer-scope/customer-scope.plugin';
import { creditProfilesPlugin } from './credit-profiles/credit-profiles.plugin';

/** credit: credit profiles, receivables and bad customers (DOMAIN.md §5). */
export const creditService = createService({ name: 'credit', plugins: [customerScopePlugin, creditProfilesPlugin] });
