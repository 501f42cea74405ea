import { definePlugin } from '../define-plugin';
import { customersToken } from '../customers/customers.plugin';
import { organisationToken } from '../organisation/organisation.plugin';
import { handoverResolvers } from './handover.resolvers';
import { HandoverService } from './handover.service';

/** Ownership and handover (docs/domain/accounts.md): every customer of a leaving consultant goes to a named replacement. */
export const handoverPlugin = definePlugin({
  name: 'handover',
  uses: [customersToken, organisationToken],
  sdl: ['handover.graphql'],
  register({ use, logger }) {
    const { store } = use(customersToken);
    const { organisation } = use(organisationToken);
    return { resolvers: handoverResolvers(new HandoverService(store, organisation, logger)) };
  },
});
