import { actorRef, loadExisting, mutationPayload, requireCaller, type Clock, type RequestContext, selectsField } from '@crm/kernel';
import { refusePartners } from '../access/partner-slice';
import type { CustomersModule } from '../customers/customers.plugin';
import type { Resolvers } from '../generated/graphql';
import type { OrganisationLoaders } from '../organisation/organisation.loaders';
import { filingOf, filingStatus, isOverdue } from './filing-rules';
import type { FilingService } from './filing.service';

export function filingResolvers(filing: FilingService, { access, customers }: CustomersModule, organisation: OrganisationLoaders, clock: Clock): Resolvers {
  const viewer = (ctx: RequestContext) => access.forRequest(ctx, requireCaller(ctx));
  return {
    Query: {
      overdueFilings: (_, { departmentId, first, after, last, before }, ctx, info) =>
        (refusePartners(requireCaller(ctx), 'overdueFilings'),
        customers.list(viewer(ctx), { filingOverdue: true, departmentId: departmentId ?? null }, { first, after, last, before, countTotal: selectsField(info, 'totalCount') }, { field: 'FILING_DUE_AT', direction: 'ASC' })),
      expenseAllowed: (_, { customerId, kind }, ctx) => (refusePartners(requireCaller(ctx), 'expenseAllowed'), filing.expenseCheck(viewer(ctx), customerId, kind)),
    },
    Mutation: {
      fileCustomer: (_, { input }, ctx) => mutationPayload('customer', () => filing.file(viewer(ctx), input)),
      reportCustomerChanges: (_, { input }, ctx) => mutationPayload('customer', () => filing.reportChanges(viewer(ctx), input)),
    },
    Customer: {
      filing: (c, _, ctx) => (viewer(ctx).isPartner ? null : { ...filingOf(c), id: `${String(c._id)}:filing` }),
    },
    CustomerFiling: {
      status: (f) => filingStatus(f, clock.now()),
      overdue: (f) => isOverdue(f, clock.now()),
      firstContactDepartment: (f, _, ctx) => loadExisting(ctx.loaders.get(organisation.departmentById), f.firstContactDepartmentId, 'Department'),
      filedBy: (f) => actorRef(f.filedBy),
      lastReportedBy: (f) => actorRef(f.lastReportedBy),
      filedLate: (f) => Boolean(f.filedAt && f.filedAt.getTime() > f.dueAt.getTime()),
    },
  };
}
