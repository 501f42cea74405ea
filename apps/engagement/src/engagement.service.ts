import { createService } from '@crm/kernel';
import { customerScopePlugin } from './customer-scope/customer-scope.plugin';
import { interactionsPlugin } from './interactions/interactions.plugin';

/** engagement: contact with customers, visits, follow-up and care (DOMAIN.md §2). */
export const engagementService = createService({ name: 'engagement', plugins: [customerScopePlugin, interactionsPlugin] });
