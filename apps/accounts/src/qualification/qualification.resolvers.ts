import { loadExisting, requireCaller, type RequestContext } from '@crm/kernel';
import type { CustomersModule } from '../customers/customers.plugin';
import type { Resolvers } from '../generated/graphql';
import type { OrganisationLoaders } from '../organisation/organisation.loaders';
import { initialQualification } from './qualification-workflow';
import type { QualificationService } from './qualification.service';

export function qualificationResolvers(qualification: QualificationService, { access }: CustomersModule, organisation: OrganisationLoaders): Resolvers {
  const viewer = (ctx: RequestContext) => access.forRequest(ctx, requireCaller(ctx));
  return {
    Mutation: {
      recordGeneralSurvey: (_, { customerId, input }, ctx) => qualification.recordSurvey(viewer(ctx), customerId, input),
      recordInvestigationFinding: (_, { customerId, input }, ctx) => qualification.recordFinding(viewer(ctx), customerId, input),
      submitQualificationApplication: (_, { customerId, input }, ctx) => qualification.submitApplication(viewer(ctx), customerId, input),
      decideQualification: (_, { customerId, input }, ctx) => qualification.decide(viewer(ctx), customerId, input),
      recordQualificationContracts: (_, { customerId, input }, ctx) => qualification.recordContracts(viewer(ctx), customerId, input),
      registerCustomerPortal: (_, { customerId, input }, ctx) => qualification.registerPortal(viewer(ctx), customerId, input),
      archiveQualifiedCustomer: (_, { customerId }, ctx) => qualification.archive(viewer(ctx), customerId),
    },
    Customer: {
      qualification: (c, _, ctx) => (c.kind !== 'ORGANISATION' || viewer(ctx).isPartner ? null : (c.qualification ?? initialQualification())),
    },
    QualificationDecision: {
      department: (d, _, ctx) => loadExisting(ctx.loaders.get(organisation.departmentById), d.departmentId, 'Department'),
    },
  };
}
