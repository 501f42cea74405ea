import type { creditProfileChangedV1, EventData, salesTierComputedV1 } from '@crm/contracts';
import type { CloudEvent, EventActor } from '@crm/events';
import { actorOf, BadUserInputError, parseInput, type Logger } from '@crm/kernel';
import type { CustomerAccess } from '../access/customer-access';
import type { CustomerExtension } from '../customers/customer-extensions';
import type { ChangeEntry, CustomerStore } from '../customers/customer-store';
import type { CustomerRecord } from '../customers/customer.model';
import type { CustomersService } from '../customers/customers.service';
import type { OrganisationService } from '../organisation/organisation.service';
import { classificationOnCreateInput, classifyCustomerInput } from './classification-input';
import { creditGradeRank, isNewerCreditGrade, isNewerSalesTier, keyCustomerStaffing, staffOf } from './classification-rules';
import type { CreditGrade } from './classification.model';

const classifiedMembers = ['category', 'importance', 'loyalty', 'route', 'routeOrder', 'assignedStaffIds'] as const;

/** Category, importance, loyalty, route and staff, set by people; sales tier and credit grade, received from credit. */
export class ClassificationService {
  constructor(
    private readonly store: CustomerStore,
    private readonly customers: CustomersService,
    private readonly organisation: OrganisationService,
    private readonly logger: Logger,
  ) {}

  /** This plugin's part of the customer aggregate. */
  extension(): CustomerExtension {
    return {
      name: 'classification',
      onCreate: async ({ input, draft }) => {
        const parsed = parseInput(classificationOnCreateInput, input);
        const staff = await this.activeStaff(parsed.assignedStaffIds ?? [], 'input.assignedStaffIds');
        return {
          category: parsed.category ?? 'POTENTIAL',
          importance: parsed.importance ?? 'GENERAL',
          loyalty: parsed.loyalty ?? null,
          route: parsed.route ?? null,
          routeOrder: parsed.routeOrder ?? null,
          assignedStaffIds: staffOf({ ownerId: draft.ownerId, assignedStaffIds: staff }),
          salesTier: null,
          creditGrade: null,
        };
      },
      invariant: (next, current) => keyCustomerStaffing(next, current),
      derive: (set) => ('creditGrade' in set ? { creditGradeRank: set.creditGrade ? creditGradeRank(set.creditGrade as CreditGrade) : null } : {}),
      filter: (filter) => {
        const criteria: Record<string, unknown>[] = [];
        if (filter.category) criteria.push({ category: filter.category });
        if (filter.importance) criteria.push({ importance: filter.importance });
        if (filter.loyalty) criteria.push({ loyalty: filter.loyalty });
        if (filter.salesTier) criteria.push({ 'salesTier.tier': filter.salesTier });
        if (filter.creditGrade) criteria.push({ creditGrade: filter.creditGrade });
        if (filter.route) criteria.push({ route: filter.route });
        if (filter.assignedStaffId) criteria.push({ $or: [{ assignedStaffIds: filter.assignedStaffId }, { ownerId: filter.assignedStaffId }] });
        return criteria;
      },
      sortPaths: {
        CATEGORY: 'category',
        IMPORTANCE: 'importance',
        LOYALTY: 'loyalty',
        SALES_TIER: 'salesTier.tier',
        CREDIT_GRADE: 'creditGradeRank',
        ROUTE_ORDER: 'routeOrder',
      },
    };
  }

  async classify(access: CustomerAccess, rawInput: unknown): Promise<CustomerRecord> {
    const input = parseInput(classifyCustomerInput, rawInput);
    const { id } = input;
    if (input.assignedStaffIds) await this.activeStaff(input.assignedStaffIds, 'input.assignedStaffIds');
    return this.store.modify(await this.customers.editableId(access, id), actorOf(access.caller), (current) => {
      const set: Record<string, unknown> = {};
      const changes: ChangeEntry[] = [];
      for (const member of classifiedMembers) {
        if (input[member] === undefined) continue;
        const before = member === 'assignedStaffIds' ? staffOf(current) : (current[member] ?? null);
        const after = member === 'assignedStaffIds' ? staffOf({ ownerId: current.ownerId, assignedStaffIds: input.assignedStaffIds ?? [] }) : (input[member] ?? null);
        if (JSON.stringify(before) === JSON.stringify(after)) continue;
        set[member] = after;
        changes.push({ field: member, before, after });
      }
      return changes.length > 0 ? { set, changes, reportable: true } : null;
    });
  }

  /** crm.credit.profile.changed: show credit's grade; a late or repeated event never rolls it back. */
  async applyCreditGrade(event: CloudEvent<EventData<typeof creditProfileChangedV1>>): Promise<void> {
    const { customerId, grade, revision } = event.data;
    await this.applyToCustomer(customerId, event, (current) => {
      if (!isNewerCreditGrade(current, revision)) return null;
      return { set: { creditGrade: grade, creditGradeRevision: revision }, changes: [{ field: 'creditGrade', before: current.creditGrade ?? null, after: grade }] };
    });
  }

  /** crm.credit.sales-tier.computed: show the tier of the latest period credit computed. */
  async applySalesTier(event: CloudEvent<EventData<typeof salesTierComputedV1>>): Promise<void> {
    const { customerId, tier, periodStart, periodEnd, basis } = event.data;
    const asOf = new Date(event.time);
    await this.applyToCustomer(customerId, event, (current) => {
      if (!isNewerSalesTier(current.salesTier, { periodEnd, asOf })) return null;
      const salesTier = { tier, periodStart, periodEnd, basis, asOf, receivedAt: this.store.now() };
      return { set: { salesTier }, changes: [{ field: 'salesTier', before: current.salesTier?.tier ?? null, after: { tier, periodStart, periodEnd, basis } }] };
    });
  }

  private async applyToCustomer(customerId: string, event: CloudEvent, decide: Parameters<CustomerStore['modify']>[2]): Promise<void> {
    // A merged customer's events belong to its survivor.
    const customer = await this.store.find(customerId);
    if (!customer) {
      this.logger.warn({ customerId, eventId: event.id, type: event.type }, 'credit event about a customer accounts does not know; ignored');
      return;
    }
    await this.store.modify(customer._id, actorOfEvent(event), decide);
  }

  private async activeStaff(ids: string[], field: string): Promise<string[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    const found = await this.organisation.consultantsByIds(unique);
    for (const id of unique) {
      const consultant = found.find((c) => c._id === id);
      if (!consultant?.active) throw new BadUserInputError(field, `no active consultant ${id}`);
    }
    return unique;
  }
}

export function actorOfEvent(event: CloudEvent): EventActor {
  return { userId: event.actorid || `service:${event.source}`, roles: event.actorroles ? event.actorroles.split(' ') : [] };
}
