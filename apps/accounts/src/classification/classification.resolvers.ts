import { mutationPayload, requireCaller, type RequestContext } from '@crm/kernel';
import type { Resolvers } from '../generated/graphql';
import type { CustomersModule } from '../customers/customers.plugin';
import type { OrganisationLoaders } from '../organisation/organisation.loaders';
import type { ConsultantRecord } from '../organisation/organisation.model';
import { staffOf } from './classification-rules';
import type { ClassificationService } from './classification.service';

export function classificationResolvers(classification: ClassificationService, { access }: CustomersModule, organisation: OrganisationLoaders): Resolvers {
  const viewer = (ctx: RequestContext) => access.forRequest(ctx, requireCaller(ctx));
  return {
    Mutation: {
      classifyCustomer: (_, { input }, ctx) => mutationPayload('customer', () => classification.classify(viewer(ctx), input)),
    },
    Customer: {
      category: (c) => c.category ?? 'POTENTIAL',
      // How loyal a customer is, is our assessment: withheld from partners.
      loyalty: (c, _, ctx) => (viewer(ctx).isPartner ? null : (c.loyalty ?? null)),
      importance: (c) => c.importance ?? 'GENERAL',
      // The staff serving a customer are internal: a partner reads only the owner.
      assignedStaff: async (c, _, ctx) => {
        if (viewer(ctx).isPartner) return [];
        const staff = await ctx.loaders.get(organisation.consultantById).loadMany(staffOf(c));
        return staff.filter((s): s is ConsultantRecord => s !== null && !(s instanceof Error));
      },
      // Credit figures are internal: partners get null, like credit's own creditProfile.
      salesTier: (c, _, ctx) => (viewer(ctx).isPartner ? null : (c.salesTier ?? null)),
      creditGrade: (c, _, ctx) => (viewer(ctx).isPartner ? null : (c.creditGrade ?? null)),
    },
  };
}
