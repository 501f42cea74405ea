import { isPartner } from '@crm/auth';
import { requireCaller, viewerResolvers } from '@crm/kernel';
import { awaitingApprovalFilter, mayRequestAccess } from '../access/access-request-rules';
import { personalDataAuditScope } from '../access/personal-data-reads.service';
import { mayCreateCustomers } from '../customers/customers.service';
import { definePlugin } from '../define-plugin';
import { organisationToken } from '../organisation/organisation.plugin';
import { mayMaintainOrganisation } from '../organisation/organisation.service';

/** `viewer`: who the caller is, and what accounts lets them do, from the same rules the mutations apply. */
export const viewerPlugin = definePlugin({
  name: 'viewer',
  uses: [organisationToken],
  sdl: ['viewer.graphql'],
  register({ use }) {
    const { loaders } = use(organisationToken);
    const { Viewer: abilities } = viewerResolvers({
      canCreateCustomers: mayCreateCustomers,
      canRequestCustomerAccess: mayRequestAccess,
      canDecideAccessRequests: (caller) => awaitingApprovalFilter(caller) !== null,
      canMaintainOrganisation: mayMaintainOrganisation,
      canReadPersonalDataAudit: (caller) => personalDataAuditScope(caller) !== null,
    });
    return {
      resolvers: {
        Query: {
          viewer: (_, __, ctx) => requireCaller(ctx),
        },
        Viewer: {
          ...abilities,
          name: (caller) => caller.name ?? null,
          roles: (caller) => caller.roles,
          departmentId: (caller) => caller.departmentId ?? null,
          department: (caller, _, ctx) => (caller.departmentId ? ctx.loaders.get(loaders.departmentById).load(caller.departmentId) : null),
          partnerId: (caller) => caller.partnerId ?? null,
          isPartner: (caller) => isPartner(caller),
        },
      },
    };
  },
});
