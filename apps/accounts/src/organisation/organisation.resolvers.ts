import { loadExisting, mutationPayload, requireCaller } from '@crm/kernel';
import type { Resolvers } from '../generated/graphql';
import type { OrganisationLoaders } from './organisation.loaders';
import type { OrganisationService } from './organisation.service';

export function organisationResolvers(organisation: OrganisationService, loaders: OrganisationLoaders): Resolvers {
  return {
    Query: {
      consultant: (_, { id }, ctx) => (requireCaller(ctx), ctx.loaders.get(loaders.consultantById).load(id)),
      departments: (_, __, ctx) => (requireCaller(ctx), organisation.departments()),
    },
    Mutation: {
      upsertDepartment: (_, { input }, ctx) => mutationPayload('department', () => organisation.upsertDepartment(requireCaller(ctx), input)),
      upsertConsultant: (_, { input }, ctx) => mutationPayload('consultant', () => organisation.upsertConsultant(requireCaller(ctx), input)),
    },
    // accounts owns the directory: an actor's staff member is the consultant itself, batched with every other
    // consultant of the request (this overrides the kernel's reference stub); null for the system or an unknown id.
    Actor: {
      staffMember: (actor, _, ctx) => (actor.kind === 'STAFF_MEMBER' && actor.id ? ctx.loaders.get(loaders.consultantById).load(actor.id) : null),
    },
    Consultant: {
      __resolveReference: (ref, ctx) => (requireCaller(ctx), ctx.loaders.get(loaders.consultantById).load(ref.id!)),
      id: (c) => c._id,
      department: (c, _, ctx) => loadExisting(ctx.loaders.get(loaders.departmentById), c.departmentId, 'Department'),
    },
    Department: {
      __resolveReference: (ref, ctx) => (requireCaller(ctx), ctx.loaders.get(loaders.departmentById).load(ref.id!)),
      id: (d) => d._id,
      consultants: (d, _, ctx) => ctx.loaders.get(loaders.consultantsByDepartment).load(d._id),
    },
  };
}
