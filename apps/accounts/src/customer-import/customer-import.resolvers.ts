import { requireCaller, userErrorsOf, type RequestContext } from '@crm/kernel';
import type { CustomersModule } from '../customers/customers.plugin';
import type { Resolvers } from '../generated/graphql';
import type { CustomerImportService } from './customer-import.service';

export function customerImportResolvers(imports: CustomerImportService, { access }: CustomersModule): Resolvers {
  const viewer = (ctx: RequestContext) => access.forRequest(ctx, requireCaller(ctx));
  return {
    Mutation: {
      // A request the caller can fix (its shape, its header) is answered with userErrors and no rows; a rejected
      // row is not a user error of the request: it is reported on its row. Permission stays a top-level error.
      importCustomers: async (_, { input }, ctx) => {
        try {
          return { ...(await imports.import(viewer(ctx), input)), userErrors: [] };
        } catch (error) {
          const userErrors = userErrorsOf(error);
          if (!userErrors) throw error;
          return { summary: null, rows: [], userErrors };
        }
      },
    },
    Customer: {
      importKey: (c, _, ctx) => (viewer(ctx).isPartner ? null : (c.importKey ?? null)),
    },
  };
}
