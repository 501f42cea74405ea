import { actorRef, loadExisting, mutationPayload, requireCaller, type Clock, type RequestContext, selectsField } from '@crm/kernel';
import type { AccessService } from '../access/access.plugin';
import type { CustomerAccess } from '../access/customer-access';
import { partnerOrganisationProfile } from '../access/partner-slice';
import type { Resolvers } from '../generated/graphql';
import type { OrganisationLoaders } from '../organisation/organisation.loaders';
import { changeActor } from './change-actor';
import { ageOf } from './customer-card';
import type { CustomerChangeRecord, CustomerRecord } from './customer.model';
import type { CustomersLoaders } from './customers.loaders';
import type { CustomersService } from './customers.service';

/** History fields that carry personal data: reading them is audited like reading the field itself. */
const personalHistoryFields = ['contacts', 'individual.birthday', 'individual.gender', 'individual.age'];

interface Dependencies {
  customers: CustomersService;
  loaders: CustomersLoaders;
  organisation: OrganisationLoaders;
  access: AccessService;
  clock: Clock;
}

export function customersResolvers({ customers, loaders, organisation, access, clock }: Dependencies): Resolvers {
  const viewer = (ctx: RequestContext) => access.forRequest(ctx, requireCaller(ctx));
  /** Internal assessments are for internal use: partners get null. */
  const internal = <T>(ctx: RequestContext, value: T) => (viewer(ctx).isPartner ? null : (value ?? null));
  const historyFor = async (c: CustomerRecord, ctx: RequestContext): Promise<CustomerChangeRecord[]> => {
    const me = viewer(ctx);
    if (me.isPartner) return [];
    const history = await ctx.loaders.get(loaders.historyByCustomerId).load(String(c._id));
    auditPersonalHistory(me, c, history);
    return history;
  };
  return {
    Query: {
      customer: (_, { id }, ctx) => customers.getReadable(viewer(ctx), id),
      customers: (_, { filter, sort, first, after, last, before }, ctx, info) =>
        customers.list(viewer(ctx), filter ?? {}, { first, after, last, before, countTotal: selectsField(info, 'totalCount') }, sort),
    },
    Mutation: {
      // What the caller can fix comes back as the payload's userErrors; permission stays a top-level error.
      createCustomer: (_, { input }, ctx) => mutationPayload('customer', () => customers.create(viewer(ctx), input)),
      updateCustomer: (_, { input }, ctx) => mutationPayload('customer', () => customers.update(viewer(ctx), input)),
      verifyCustomer: (_, { input }, ctx) => mutationPayload('customer', () => customers.verify(viewer(ctx), input)),
    },
    Customer: {
      // Other subgraphs reach customers through here: the read rule of `customer(id)`, its error at the field's path.
      __resolveReference: (ref, ctx) => customers.getReadable(viewer(ctx), String(ref.id), (id) => ctx.loaders.get(loaders.customerById).load(id)),
      id: (c) => String(c._id),
      contacts: (c, _, ctx) => viewer(ctx).contactsOf(c),
      // A partner reads only who the company is (docs/adr/0015-partner-slice.md); the other members are null.
      organisation: (c, _, ctx) => (c.kind !== 'ORGANISATION' ? null : viewer(ctx).isPartner ? partnerOrganisationProfile(c.organisation ?? {}) : (c.organisation ?? {})),
      individual: (c) => (c.kind === 'INDIVIDUAL' ? { customer: c, profile: c.individual ?? {} } : null),
      needs: (c, _, ctx) => internal(ctx, c.needs ?? { focusPoints: [] }),
      characteristics: (c, _, ctx) => internal(ctx, c.characteristics ?? {}),
      managementStatus: (c, _, ctx) => internal(ctx, c.managementStatus ?? {}),
      tradingStatus: (c, _, ctx) => internal(ctx, c.tradingStatus ?? {}),
      competitorNotes: (c, _, ctx) => internal(ctx, c.competitorNotes),
      industryNotes: (c, _, ctx) => internal(ctx, c.industryNotes),
      owner: (c, _, ctx) => loadExisting(ctx.loaders.get(organisation.consultantById), c.ownerId, 'Consultant'),
      department: (c, _, ctx) => loadExisting(ctx.loaders.get(organisation.departmentById), c.departmentId, 'Department'),
      lastVerifiedAt: (c) => c.lastVerifiedAt ?? c.createdAt,
      lastVerifiedBy: (c, _, ctx) => internal(ctx, actorRef(c.lastVerifiedBy)),
      stale: (c) => customers.isStale({ lastVerifiedAt: c.lastVerifiedAt ?? c.createdAt }),
      // The history names who changed what: internal readers only, with the same audit as the fields themselves.
      history: (c, _, ctx) => historyFor(c, ctx),
      changes: async (c, { first, after, field }, ctx) => customers.changes(c, await historyFor(c, ctx), { first, after, field }),
    },
    // Personal data: withheld from partners, and each read audited (only the fields a query asks for).
    IndividualProfile: {
      occupation: ({ profile }) => profile.occupation ?? null,
      gender: ({ customer, profile }, _, ctx) => viewer(ctx).personalField(customer, 'individual.gender', profile.gender),
      birthday: ({ customer, profile }, _, ctx) => viewer(ctx).personalField(customer, 'individual.birthday', profile.birthday),
      age: ({ customer, profile }, _, ctx) => viewer(ctx).personalField(customer, 'individual.age', ageOf(profile, clock.now())),
    },
    CustomerChange: {
      actor: (change) => changeActor(change.by),
      mergedFromCustomerId: (change) => (change.mergedFrom ? String(change.mergedFrom) : null),
    },
  };
}

function auditPersonalHistory(access: CustomerAccess, customer: CustomerRecord, history: CustomerChangeRecord[]): void {
  for (const field of personalHistoryFields) {
    if (history.some((entry) => entry.field === field)) access.personalField(customer, `history.${field}`, true);
  }
}
