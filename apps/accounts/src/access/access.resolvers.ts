import { actorRef, loadExisting, mutationPayload, requiredActorRef, requireCaller, type RequestContext, selectsField } from '@crm/kernel';
import { refusePartners } from './partner-slice';
import type { Resolvers } from '../generated/graphql';
import type { OrganisationLoaders } from '../organisation/organisation.loaders';
import type { AccessRequestsService } from './access-requests.service';
import type { PersonalDataReadsService } from './personal-data-reads.service';

export function accessResolvers(requests: AccessRequestsService, reads: PersonalDataReadsService, organisation: OrganisationLoaders): Resolvers {
  // Access requests, grants and the audit log are internal: partners hold none and read none.
  const staff = (ctx: RequestContext, what: string) => {
    const caller = requireCaller(ctx);
    refusePartners(caller, what);
    return caller;
  };
  return {
    Query: {
      accessRequest: (_, { id }, ctx) => requests.find(staff(ctx, 'accessRequest'), id),
      myAccessRequests: (_, { status, ...page }, ctx, info) => requests.mine(staff(ctx, 'myAccessRequests'), status, { ...page, countTotal: selectsField(info, 'totalCount') }),
      accessRequestsAwaitingMyApproval: (_, page, ctx, info) =>
        requests.awaitingApproval(staff(ctx, 'accessRequestsAwaitingMyApproval'), { ...page, countTotal: selectsField(info, 'totalCount') }),
      accessGrantsInForce: (_, { granteeId, ...page }, ctx, info) =>
        requests.grantsInForce(staff(ctx, 'accessGrantsInForce'), granteeId, { ...page, countTotal: selectsField(info, 'totalCount') }),
      personalDataReads: (_, { filter, ...page }, ctx, info) => reads.list(staff(ctx, 'personalDataReads'), filter, { ...page, countTotal: selectsField(info, 'totalCount') }),
    },
    Mutation: {
      // What the caller can fix comes back as the payload's userErrors; permission stays a top-level error.
      requestCustomerAccess: (_, { input }, ctx) => mutationPayload('accessRequest', () => requests.request(requireCaller(ctx), input)),
      approveAccessRequest: (_, { input }, ctx) => mutationPayload('accessRequest', () => requests.approve(requireCaller(ctx), input)),
      rejectAccessRequest: (_, { input }, ctx) => mutationPayload('accessRequest', () => requests.reject(requireCaller(ctx), input)),
      revokeAccessGrant: (_, { input }, ctx) => mutationPayload('accessRequest', () => requests.revoke(requireCaller(ctx), input)),
    },
    AccessRequest: {
      id: (r) => String(r._id),
      requestedBy: (r) => requiredActorRef(r.requesterId),
      decidedBy: (r) => actorRef(r.decidedBy),
      revokedBy: (r) => actorRef(r.revokedBy),
      // Read from the clock on every resolution: a grant shows EXPIRED from the instant it lapses.
      status: (r) => requests.statusOf(r),
      requesterDepartment: (r, _, ctx) => (r.requesterDepartmentId ? ctx.loaders.get(organisation.departmentById).load(r.requesterDepartmentId) : null),
      approverDepartment: (r, _, ctx) => (r.approverDepartmentId ? ctx.loaders.get(organisation.departmentById).load(r.approverDepartmentId) : null),
    },
    AccessScope: {
      consultant: (s, _, ctx) => (s.consultantId ? ctx.loaders.get(organisation.consultantById).load(s.consultantId) : null),
      department: (s, _, ctx) => loadExisting(ctx.loaders.get(organisation.departmentById), s.departmentId, 'Department'),
    },
    PersonalDataRead: {
      id: (r) => String(r._id),
      readBy: (r) => requiredActorRef(r.readerId),
    },
  };
}
