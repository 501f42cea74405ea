import { isPartner, type Caller } from '@crm/auth';
import { ForbiddenError, loadExisting, mutationPayload, requireCaller, type RequestContext } from '@crm/kernel';
import { refusePartners } from '../access/partner-slice';
import type { Resolvers } from '../generated/graphql';
import type { ConsultantRecord } from './organisation.model';
import type { OrganisationLoaders } from './organisation.loaders';
import type { OrganisationService } from './organisation.service';

export function organisationResolvers(organisation: OrganisationService, loaders: OrganisationLoaders): Resolvers {
  /** The consultant ids a partner may read: the owners of its linked customers (one query per request). */
  const partnerReach = (ctx: RequestContext, caller: Caller) => ctx.loaders.get(loaders.consultantsOfPartner).load(caller.partnerId ?? '');
  /** A consultant as the caller may read it: staff the whole directory, a partner only the owners of its linked customers. */
  const readableConsultant = async (ctx: RequestContext, id: string): Promise<ConsultantRecord | null> => {
    const caller = requireCaller(ctx);
    // Refused whether or not the consultant exists, so that a partner cannot probe the directory.
    if (isPartner(caller) && !(await partnerReach(ctx, caller)).has(id)) throw new ForbiddenError('Partners read only the consultants who own their linked customers', { id });
    return ctx.loaders.get(loaders.consultantById).load(id);
  };
  return {
    Query: {
      consultant: (_, { id }, ctx) => readableConsultant(ctx, id),
      departments: (_, __, ctx) => (refusePartners(requireCaller(ctx), 'The staff directory'), organisation.departments()),
    },
    Mutation: {
      upsertDepartment: (_, { input }, ctx) => mutationPayload('department', () => organisation.upsertDepartment(requireCaller(ctx), input)),
      upsertConsultant: (_, { input }, ctx) => mutationPayload('consultant', () => organisation.upsertConsultant(requireCaller(ctx), input)),
    },
    // accounts owns the directory: an actor's staff member is the consultant itself, batched with every other
    // consultant of the request (this overrides the kernel's reference stub); null for the system or an unknown id.
    Actor: {
      // A partner reads who acted only when it is the owner of one of its linked customers.
      staffMember: async (actor, _, ctx) => {
        if (actor.kind !== 'STAFF_MEMBER' || !actor.id) return null;
        const caller = requireCaller(ctx);
        if (isPartner(caller) && !(await partnerReach(ctx, caller)).has(actor.id)) return null;
        return ctx.loaders.get(loaders.consultantById).load(actor.id);
      },
    },
    Consultant: {
      // A reference another subgraph hands out (an actor, an order's consultant): for a partner, null beyond its reach.
      __resolveReference: (ref, ctx) => readableConsultant(ctx, ref.id!).catch((error: unknown) => (error instanceof ForbiddenError ? null : Promise.reject(error))),
      id: (c) => c._id,
      department: (c, _, ctx) => loadExisting(ctx.loaders.get(loaders.departmentById), c.departmentId, 'Department'),
    },
    Department: {
      __resolveReference: (ref, ctx) => (requireCaller(ctx), ctx.loaders.get(loaders.departmentById).load(ref.id!)),
      id: (d) => d._id,
      consultants: async (d, _, ctx) => {
        const caller = requireCaller(ctx);
        const staff = await ctx.loaders.get(loaders.consultantsByDepartment).load(d._id);
        if (!isPartner(caller)) return staff;
        const reach = await partnerReach(ctx, caller);
        return staff.filter((c) => reach.has(c._id));
      },
    },
  };
}
