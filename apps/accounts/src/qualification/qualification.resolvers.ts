import { actorRef, loadExisting, mutationPayload, requiredActorRef, requireCaller, type RequestContext } from '@crm/kernel';
import type { CustomersModule } from '../customers/customers.plugin';
import type { Resolvers } from '../generated/graphql';
import type { OrganisationLoaders } from '../organisation/organisation.loaders';
import { initialQualification } from './qualification-workflow';
import type { QualificationService } from './qualification.service';

export function qualificationResolvers(qualification: QualificationService, { access }: CustomersModule, organisation: OrganisationLoaders): Resolvers {
  const viewer = (ctx: RequestContext) => access.forRequest(ctx, requireCaller(ctx));
  return {
    Mutation: {
      recordGeneralSurvey: (_, { input }, ctx) => mutationPayload('customer', () => qualification.recordSurvey(viewer(ctx), input)),
      recordInvestigationFinding: (_, { input }, ctx) => mutationPayload('customer', () => qualification.recordFinding(viewer(ctx), input)),
      submitQualificationApplication: (_, { input }, ctx) => mutationPayload('customer', () => qualification.submitApplication(viewer(ctx), input)),
      decideQualification: (_, { input }, ctx) => mutationPayload('customer', () => qualification.decide(viewer(ctx), input)),
      recordQualificationContracts: (_, { input }, ctx) => mutationPayload('customer', () => qualification.recordContracts(viewer(ctx), input)),
      registerCustomerPortal: (_, { input }, ctx) => mutationPayload('customer', () => qualification.registerPortal(viewer(ctx), input)),
      archiveQualifiedCustomer: (_, { input }, ctx) => mutationPayload('customer', () => qualification.archive(viewer(ctx), input)),
    },
    Customer: {
      qualification: (c, _, ctx) =>
        c.kind !== 'ORGANISATION' || viewer(ctx).isPartner ? null : { ...(c.qualification ?? initialQualification()), id: `${String(c._id)}:qualification` },
    },
    Qualification: {
      archivedBy: (q) => actorRef(q.archivedBy),
    },
    QualificationStep: {
      actor: (step) => requiredActorRef(step.by),
    },
    GeneralSurvey: {
      recordedBy: (survey) => requiredActorRef(survey.recordedBy),
    },
    InvestigationFinding: {
      recordedBy: (finding) => requiredActorRef(finding.recordedBy),
    },
    QualificationApplication: {
      submittedBy: (application) => requiredActorRef(application.submittedBy),
    },
    QualificationDecision: {
      decidedBy: (decision) => requiredActorRef(decision.decidedBy),
      department: (d, _, ctx) => loadExisting(ctx.loaders.get(organisation.departmentById), d.departmentId, 'Department'),
    },
    QualificationContracts: {
      recordedBy: (contracts) => requiredActorRef(contracts.recordedBy),
    },
    PortalRegistration: {
      registeredBy: (registration) => requiredActorRef(registration.registeredBy),
    },
  };
}
