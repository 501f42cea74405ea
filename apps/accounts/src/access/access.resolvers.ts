import { loadExisting, requireCaller } from '@crm/kernel';
import type { Resolvers } from '../generated/graphql';
import type { OrganisationLoaders } from '../organisation/organisation.loaders';
import type { AccessRequestsService } from './access-requests.service';
import type { PersonalDataReadsService } from './personal-data-reads.service';

export function accessResolvers(requests: AccessRequestsService, reads: PersonalDataReadsService, organisation: OrganisationLoaders): Resolvers {
  return {
    Query: {
      accessRequest: (_, { id }, ctx) => requests.find(requireCaller(ctx), id),
      myAccessRequests: (_, { status, ...page }, ctx) => requests.mine(requireCaller(ctx), status, page),
      accessRequestsAwaitingMyApproval: (_, page, ctx) => requests.awaitingApproval(requireCaller(ctx), page),
      accessGrantsInForce: (_, { granteeId, ...page }, ctx) => requests.grantsInForce(requireCaller(ctx), granteeId, page),
      personalDataReads: (_, { filter, ...page }, ctx) => reads.list(requireCaller(ctx), filter, page),
    },
    Mutation: {
      requestCustomerAccess: (_, { input }, ctx) => requests.request(requireCaller(ctx), input),
      approveAccessRequest: (_, { id, expiresAt }, ctx) => requests.approve(requireCaller(ctx), id, expiresAt),
      rejectAccessRequest: (_, { id, reason }, ctx) => requests.reject(requireCaller(ctx), id, reason),
      revokeAccessGrant: (_, { id, reason }, ctx) => requests.revoke(requireCaller(ctx), id, reason),
    },
    AccessRequest: {
      id: (r) => String(r._id),
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
    },
  };
}
