import { definePlugin } from '../define-plugin';
import { customersToken } from '../customers/customers.plugin';
import { duplicatesSchemaPart } from './duplicates.model';
import { duplicatesResolvers } from './duplicates.resolvers';
import { DuplicatesService } from './duplicates.service';

/** The same customer must not be created twice: flag possible duplicates at creation, merge them on request. */
export const duplicatesPlugin = definePlugin({
  name: 'duplicates',
  uses: [customersToken],
  sdl: ['duplicates.graphql'],
  register({ use }) {
    const module = use(customersToken);
    const duplicates = new DuplicatesService(module.store, module.customers);
    module.schema.extend(duplicatesSchemaPart);
    module.extensions.register(duplicates.extension());
    return { resolvers: duplicatesResolvers(duplicates, module) };
  },
});
