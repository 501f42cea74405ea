import { hasRole, type Caller } from '@crm/auth';
import { assertRecordId, readDenied } from '@crm/customer-scope';
import { createOnce, idempotencyKeyOf, paginateById, paginateSorted, pageSize, InvalidPageArgsError, type Connection as Page, type PageArgs, type SortDirection, type StoredIdempotencyKey } from '@crm/data';
import { actorOf, BadUserInputError, DomainError, ForbiddenError, NotFoundError, parseInput, type InputProblem } from '@crm/kernel';
import { subDays } from 'date-fns';
import type { CustomerAccess } from '../access/customer-access';
import { partnerListRefusal } from '../access/partner-slice';
import type { OrganisationService } from '../organisation/organisation.service';
import { cardChanges, cardOf, kindAndListTypeProblems, kindVariantProblems, pastDayProblems, refuseProblems } from './customer-card';
import type { CustomerDraft, CustomerExtensions } from './customer-extensions';
import { createCustomerInput, updateCustomerInput, verifyCustomerInput, type CreateCustomerInput, type CustomerCardChanges } from './customer-input';
import { canMoveLifecycle } from './customer-lifecycle';
import { newCustomerId, type CustomerStore, type CustomerWrite } from './customer-store';
import { CUSTOMER_READ_PROJECTION, lifecycleRank, type CustomerChangeRecord, type CustomerRecord } from './customer.model';

export interface CustomerFilter {
  kind?: string | null;
  listType?: string | null;
  lifecycle?: string | null;
  lifecycles?: string[] | null;
  region?: string | null;
  ownerId?: string | null;
  departmentId?: string | null;
  partnerId?: string | null;
  nameContains?: string | null;
  verifiedBefore?: Date | string | null;
  stale?: boolean | null;
  [axis: string]: unknown;
}

export interface CustomerSort {
  field: string;
  direction?: SortDirection | null;
}

/** Sort orders of the card itself; plugins add theirs (see CustomerExtension.sortPaths). */
const cardSortPaths: Record<string, string> = {
  CREATED_AT: 'createdAt',
  UPDATED_AT: 'updatedAt',
  NAME: 'normalized.sortName',
  LAST_VERIFIED_AT: 'lastVerifiedAt',
  REGION: 'region',
  OWNER: 'ownerId',
  DEPARTMENT: 'departmentId',
  LIFECYCLE: 'lifecycleRank',
  KIND: 'kind',
  LIST_TYPE: 'listType',
};

export interface CustomersSettings {
  /** Data not verified for this many days is stale. */
  staleAfterDays: number;
}

/** The customer archive's card rules: who may create, read and change a customer, and what each change records. */
export class CustomersService {
  constructor(
    private readonly store: CustomerStore,
    private readonly organisation: OrganisationService,
    private readonly extensions: CustomerExtensions,
    private readonly settings: CustomersSettings,
  ) {}

  async create(access: CustomerAccess, rawInput: unknown): Promise<CustomerRecord> {
    const { caller } = access;
    const input = parseInput(createCustomerInput, rawInput);
    const idempotencyKey = idempotencyKeyOf(caller.userId, input.idempotencyKey);
    return createOnce(this.store.model, idempotencyKey, (stored) => this.createNew(access, rawInput, input, stored));
  }

  private async createNew(access: CustomerAccess, rawInput: unknown, _input: CreateCustomerInput, stored: StoredIdempotencyKey): Promise<CustomerRecord> {
    const [record] = await this.drafts(access, [{ rawInput, stored }]);
    if (record instanceof DomainError) throw record;
    return this.store.insert(record, actorOf(access.caller));
  }

  /**
   * The records createCustomer would write for these inputs: the card's rules, the owner rule and every plugin's
   * part, or per input the error that refuses it (a bulk import reports each one on its row). Nothing is written.
   * A plugin with a batch hook reads the archive once for them all, and later inputs see earlier ones as if each
   * had been created in turn (duplicate flags).
   */
  async drafts(access: CustomerAccess, requests: readonly { rawInput: unknown; stored?: StoredIdempotencyKey }[]): Promise<(CustomerRecord | DomainError)[]> {
    const { caller } = access;
    const now = this.store.now();
    const owners = new Map<string, Promise<{ _id: string; departmentId: string }>>();
    const results: (CustomerRecord | DomainError)[] = [];
    for (const { rawInput, stored } of requests) {
      results.push(await refusalOf(() => this.cardDraft(caller, rawInput, stored ?? {}, now, owners)));
    }
    for (const extension of this.extensions.all) {
      if (!extension.onCreate && !extension.onCreateMany) continue;
      const open = results.flatMap((r, i) => (r instanceof DomainError ? [] : [i]));
      if (open.length === 0) break;
      const contexts = open.map((i) => ({ input: (requests[i].rawInput ?? {}) as Record<string, unknown>, draft: results[i] as CustomerRecord, caller, now }));
      const parts: (Partial<CustomerRecord> | DomainError)[] = extension.onCreateMany ? await extension.onCreateMany(contexts) : [];
      if (!extension.onCreateMany) for (const context of contexts) parts.push(await refusalOf(async () => (await extension.onCreate?.(context)) ?? {}));
      open.forEach((i, k) => {
        const part = parts[k];
        results[i] = part instanceof DomainError ? part : { ...(results[i] as CustomerRecord), ...part };
      });
    }
    return results.map((record) => {
      if (record instanceof DomainError) return record;
      for (const extension of this.extensions.all) {
        const problem = extension.invariant?.(record, null);
        if (problem) return problem;
      }
      return { ...record, history: [{ at: now, by: caller.userId, field: 'created', before: null, after: JSON.stringify(record.name) }] };
    });
  }

  /** The card part of a new customer: its own rules, every problem at once, then the owner the caller may assign. */
  private async cardDraft(caller: Caller, rawInput: unknown, stored: StoredIdempotencyKey, now: Date, owners: Map<string, Promise<{ _id: string; departmentId: string }>>): Promise<CustomerRecord> {
    const input = parseInput(createCustomerInput, rawInput);
    refuseProblems([...kindAndListTypeProblems(input.kind, input.listType), ...kindVariantProblems(input.kind, input), ...pastDayProblems(input, now.toISOString().slice(0, 10))]);
    const ownerId = input.ownerId ?? caller.userId;
    if (!owners.has(ownerId)) owners.set(ownerId, this.organisation.activeConsultant(ownerId));
    const owner = await owners.get(ownerId)!.catch(() => {
      throw new BadUserInputError('input.ownerId', `no active consultant ${ownerId}`);
    });
    if (!this.mayAssignOwner(caller, owner)) throw new ForbiddenError('You may only create customers for yourself or your department');
    const draft: CustomerDraft = {
      _id: newCustomerId(),
      ...cardOf(input),
      ownerId: owner._id,
      departmentId: owner.departmentId,
      lifecycle: 'PROSPECT',
      lifecycleRank: lifecycleRank('PROSPECT'),
      lastVerifiedAt: now,
      lastVerifiedBy: caller.userId,
      revision: 0,
      createdBy: caller.userId,
      createdAt: now,
      updatedAt: now,
      ...stored,
    };
    return { ...draft } as CustomerRecord;
  }

  /** `input.changes` to the card of the customer `input.id`. */
  async update(access: CustomerAccess, rawInput: unknown): Promise<CustomerRecord> {
    const { id, changes } = parseInput(updateCustomerInput, rawInput);
    return this.store.modify(await this.editableId(access, id), actorOf(access.caller), (current) => this.cardWrite(current, changes, 'input.changes'));
  }

  /** The write a change of the card makes (an update's `changes`, the corrections of a list review), problems named under `prefix`. */
  cardWrite(current: CustomerRecord, input: CustomerCardChanges, prefix: string): CustomerWrite | null {
    const problems: InputProblem[] = [];
    if (input.lifecycle && !canMoveLifecycle(current.lifecycle, input.lifecycle)) {
      problems.push({ field: `${prefix}.lifecycle`, message: `cannot move from ${current.lifecycle} to ${input.lifecycle}` });
    }
    if (input.listType) problems.push(...kindAndListTypeProblems(current.kind, input.listType, `${prefix}.listType`));
    problems.push(...kindVariantProblems(current.kind, input, prefix), ...pastDayProblems(input, this.store.now().toISOString().slice(0, 10), prefix));
    refuseProblems(problems);
    const { set, changes } = cardChanges(current, input);
    if (changes.length === 0) return null;
    return { set, changes, reportable: true };
  }

  /** Someone confirmed the card is still right: it is no longer stale. */
  async verify(access: CustomerAccess, rawInput: unknown): Promise<CustomerRecord> {
    const { id, note } = parseInput(verifyCustomerInput, rawInput);
    const now = this.store.now();
    return this.store.modify(await this.editableId(access, id), actorOf(access.caller), (current) => ({
      set: { lastVerifiedAt: now, lastVerifiedBy: access.caller.userId },
      changes: [{ field: 'verified', before: current.lastVerifiedAt.toISOString(), after: note ? { at: now.toISOString(), note } : now.toISOString() }],
    }));
  }

  /** The id of a customer the caller may change (a merged id gives its survivor's); NOT_FOUND when out of reach. */
  async editableId(access: CustomerAccess, id: string): Promise<string> {
    const current = await this.findVisible(access, id);
    if (!current) throw new NotFoundError('Customer', id);
    if (!access.canEdit(current)) throw new ForbiddenError('You may not change this customer');
    return String(current._id);
  }

  /**
   * `customer(id)` and references from other subgraphs: the customer, or the error the read rule gives (malformed,
   * not found, or denied with the approval). `find` lets a reference batch through the request's loader.
   */
  async getReadable(access: CustomerAccess, id: string, find: (id: string) => Promise<CustomerRecord | null> = (one) => this.store.find(one)): Promise<CustomerRecord> {
    assertRecordId(id);
    const customer = await find(id);
    if (!customer) throw new NotFoundError('Customer', id);
    if (!(await access.canRead(customer))) throw readDenied(access.caller, 'Customer', id, { customerId: String(customer._id), departmentId: customer.departmentId });
    return customer;
  }

  /** The customer if it exists and the caller may see it; null otherwise (existence is not revealed). */
  async findVisible(access: CustomerAccess, id: string): Promise<CustomerRecord | null> {
    const customer = await this.store.find(id);
    return customer && (await access.canRead(customer)) ? customer : null;
  }

  async findByIds(ids: readonly string[]): Promise<(CustomerRecord | null)[]> {
    const found = await this.store.findMany(ids);
    return ids.map((id) => found.get(String(id)) ?? null);
  }

  async list(access: CustomerAccess, filter: CustomerFilter = {}, page: PageArgs, sort?: CustomerSort | null): Promise<Page<CustomerRecord>> {
    // A partner's list may not reveal what is withheld from it: refused before anything is read.
    const refusal = partnerListRefusal(access.caller, filter, sort);
    if (refusal) throw refusal;
    pageSize(page);
    const criteria = [await access.filter(), ...this.criteria(filter)];
    const query = { $and: criteria };
    if (!sort) return paginateById<CustomerRecord>(this.store.model, query, page, CUSTOMER_READ_PROJECTION);
    const path = cardSortPaths[sort.field] ?? this.extensions.sortPath(sort.field);
    if (!path) throw new BadUserInputError('sort.field', `cannot sort by ${sort.field}`);
    return paginateSorted<CustomerRecord>(this.store.model, query, { path, direction: sort.direction ?? 'ASC' }, page, CUSTOMER_READ_PROJECTION);
  }

  /** Mongo criteria for a CustomerFilter: the card's members here, the other axes from their plugins. */
  criteria(filter: CustomerFilter): Record<string, unknown>[] {
    const now = this.store.now();
    // Merged duplicates live on only as redirects.
    const criteria: Record<string, unknown>[] = [{ mergedInto: null }];
    if (filter.kind) criteria.push({ kind: filter.kind });
    if (filter.listType) criteria.push({ listType: filter.listType });
    if (filter.lifecycle) criteria.push({ lifecycle: filter.lifecycle });
    if (filter.lifecycles?.length) criteria.push({ lifecycle: { $in: filter.lifecycles } });
    if (filter.region) criteria.push({ region: filter.region });
    if (filter.ownerId) criteria.push({ ownerId: filter.ownerId });
    if (filter.departmentId) criteria.push({ departmentId: filter.departmentId });
    if (filter.partnerId) criteria.push({ partnerIds: filter.partnerId });
    if (filter.nameContains) criteria.push({ name: { $regex: escapeRegex(filter.nameContains), $options: 'i' } });
    if (filter.verifiedBefore) {
      const before = new Date(filter.verifiedBefore);
      if (Number.isNaN(before.getTime())) throw new BadUserInputError('filter.verifiedBefore', 'must be an ISO-8601 date-time');
      criteria.push({ lastVerifiedAt: { $lt: before } });
    }
    if (typeof filter.stale === 'boolean') {
      const threshold = this.staleThreshold(now);
      criteria.push(filter.stale ? { lastVerifiedAt: { $lt: threshold } } : { lastVerifiedAt: { $gte: threshold } });
    }
    for (const extension of this.extensions.all) criteria.push(...(extension.filter?.(filter, { now }) ?? []));
    return criteria;
  }

  isStale(customer: Pick<CustomerRecord, 'lastVerifiedAt'>): boolean {
    return customer.lastVerifiedAt.getTime() < this.staleThreshold(this.store.now()).getTime();
  }

  /** A page of a customer's history, newest first; the cursor is the entry's position (history only grows). */
  async changes(customer: CustomerRecord, history: CustomerChangeRecord[], args: PageArgs & { field?: string | null }): Promise<Page<CustomerChangeRecord>> {
    const first = pageSize(args);
    let start = history.length - 1;
    if (args.after) {
      const position = decodeHistoryCursor(String(customer._id), args.after);
      start = position - 1;
    }
    const matching = (entry: CustomerChangeRecord) => !args.field || entry.field === args.field || entry.field.startsWith(`${args.field}.`);
    const edges: { cursor: string; node: CustomerChangeRecord }[] = [];
    let position = Math.min(start, history.length - 1);
    for (; position >= 0 && edges.length < first; position -= 1) {
      if (matching(history[position])) edges.push({ cursor: encodeHistoryCursor(String(customer._id), position), node: history[position] });
    }
    let hasNextPage = false;
    for (let rest = position; rest >= 0; rest -= 1) {
      if (matching(history[rest])) {
        hasNextPage = true;
        break;
      }
    }
    const hasPreviousPage = history.slice(start + 1).some(matching);
    const pageInfo = { hasNextPage, hasPreviousPage, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null };
    return { edges, pageInfo, totalCount: history.filter(matching).length };
  }

  private staleThreshold(now: Date): Date {
    return subDays(now, this.settings.staleAfterDays);
  }

  private mayAssignOwner(caller: Caller, owner: { _id: string; departmentId: string }): boolean {
    if (hasRole(caller, 'general_manager', 'marketing')) return true;
    if (hasRole(caller, 'department_manager') && caller.departmentId === owner.departmentId) return true;
    return hasRole(caller, 'consultant') && owner._id === caller.userId;
  }
}

/** Who creates customers at all: the general manager and marketing for anyone, a department manager for the department, a consultant for themselves. */
export function mayCreateCustomers(caller: Caller): boolean {
  return hasRole(caller, 'general_manager', 'marketing', 'department_manager', 'consultant');
}

function encodeHistoryCursor(customerId: string, position: number): string {
  return Buffer.from(`h:${customerId}:${position}`).toString('base64url');
}

function decodeHistoryCursor(customerId: string, cursor: string): number {
  const match = /^h:([0-9a-f]{24}):(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || match[1] !== customerId) throw new InvalidPageArgsError('after', 'not a cursor from this history');
  return Number(match[2]);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What `run` gives, or the DomainError that refused it (other errors are thrown). */
async function refusalOf<T>(run: () => Promise<T>): Promise<T | DomainError> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
}
