import { definePlugin } from '../define-plugin';
import { workingCalendarToken } from '@crm/working-calendar';
import { z } from 'zod';
import { customersToken } from '../customers/customers.plugin';
import { organisationToken } from '../organisation/organisation.plugin';
import { filingSchemaPart } from './filing.model';
import { filingResolvers } from './filing.resolvers';
import { FilingService } from './filing.service';

export const filingConfig = z.object({
  ACCOUNTS_FILING_CHECK_MS: z.coerce.number().int().min(100).max(86_400_000).default(60_000).describe('How often overdue filings are looked for (each raises its event once).'),
});

/** The filing deadline (备案, docs/domain/accounts.md): deadlines in working days, overdue events, the expense check. */
export const filingPlugin = definePlugin({
  name: 'filing',
  uses: [customersToken, organisationToken, workingCalendarToken],
  sdl: ['filing.graphql'],
  config: filingConfig,
  register({ use, config, clock, logger }) {
    const calendar = use(workingCalendarToken);
    const module = use(customersToken);
    const { loaders: organisationLoaders } = use(organisationToken);
    const filing = new FilingService(module.store, module.customers, calendar, clock, logger);
    module.schema.extend(filingSchemaPart);
    module.extensions.register(filing.extension());
    return {
      resolvers: filingResolvers(filing, module, organisationLoaders, clock),
      jobs: [
        {
          name: 'raise-overdue-filings',
          intervalMs: config.ACCOUNTS_FILING_CHECK_MS,
          run: async () => {
            const raised = await filing.raiseOverdue();
            if (raised > 0) logger.info({ raised }, 'overdue filings raised');
          },
        },
      ],
    };
  },
});
