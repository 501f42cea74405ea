import { isPartner } from '@crm/auth';
import { requireCaller, viewerReference } from '@crm/kernel';
import { awaitingApprovalFilter, mayRequestAccess } from '../access/access-request-rules';
import { personalDataAuditScope } from '../access/personal-data-reads.service';
import { mayCreateCustomers } from '../customers/customers.service';
import { definePlugin } from '../define-plugin';
import { organisationToken } from '../organisation/organisation.plugin';
import { mayMaintainOrganisation } from '../organisation/organisation.service';
import type { ViewerOf } from './viewer.model';

/** `viewer`: who the caller is, and what accounts lets them do, from the same rules the mutations apply. */
export const viewerPlugin = definePlugin({
  name: 'viewer',
  uses: [organisationToken],
  sdl: ['viewer.graphql'],
  register({ use }) {
    const { loaders } = use(organisationToken);
    const department = (viewer: ViewerOf) => viewer.departmentId ?? null;
    return {
      resolvers: {
        Query: {
          viewer: (_, __, ctx) => requireCaller(ctx),
        },
        Viewer: {
          __resolveReference: (ref, ctx) => viewerReference(ref, ctx),
          id: (caller) => caller.userId,
          name: (caller) => caller.name ?? null,
          roles: (caller) => caller.roles,
          departmentId: department,
          department: (caller, _, ctx) => (caller.departmentId ? ctx.loaders.get(loaders.departmentById).load(caller.departmentId) : null),
          partnerId: (caller) => caller.partnerId ?? null,
          isPartner: (caller) => isPartner(caller),
          canCreateCustomers: (caller) => mayCreateCustomers(caller),
          canRequestCustomerAccess: (caller) => mayRequestAccess(caller),
          canDecideAccessRequests: (caller) => awaitingApprovalFilter(caller) !== null,
          canMaintainOrganisation: (caller) => mayMaintainOrganisation(caller),
          canReadPersonalDataAudit: (caller) => personalDataAuditScope(caller) !== null,
        },
      },
    };
  },
});
