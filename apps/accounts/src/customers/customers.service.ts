import { hasRole, type Caller } from '@crm/auth';
import { customerCreatedV1, customerUpdatedV1 } from '@crm/contracts';
import { paginateById, type Connection as Page, type PageArgs } from '@crm/data';
import { createEvent } from '@crm/events';
import { actorOf, BadUserInputError, ConflictError, ForbiddenError, NotFoundError, parseInput, type Clock } from '@crm/kernel';
import { isValidObjectId, Types, type Model } from 'mongoose';
import type { OrganisationService } from '../organisation/organisation.service';
import type { CustomerAccess } from '../access/customer-access';
import { createCustomerInput, updateCustomerInput, type UpdateCustomerInput } from './customer-input';
import { canMoveLifecycle } from './customer-lifecycle';
import type { CustomerChangeRecord, CustomerRecord, Lifecycle } from './customer.model';

export interface CustomerFilter {
  kind?: string | null;
  lifecycle?: string | null;
  region?: string | null;
  ownerId?: string | null;
  departmentId?: string | null;
  nameContains?: string | null;
}

const trackedFields = ['name', 'listType', 'industry', 'region', 'address', 'contacts', 'lifecycle'] as const;

/** The customer archive's rules: who may create, read and change a customer, and what each change records. */
export class CustomersService {
  constructor(
    private readonly customers: Model<CustomerRecord>,
    private readonly organisation: OrganisationService,
    private readonly clock: Clock,
    private readonly publishPendingEvents: () => void,
  ) {}

  async create(access: CustomerAccess, rawInput: unknown): Promise<CustomerRecord> {
    const { caller } = access;
    const input = parseInput(createCustomerInput, rawInput);
    const ownerId = input.ownerId ?? caller.userId;
    const owner = await this.organisation.activeConsultant(ownerId).catch(() => {
      throw new BadUserInputError('input.ownerId', `no active consultant ${ownerId}`);
    });
    if (!this.mayAssignOwner(caller, owner)) throw new ForbiddenError('You may only create customers for yourself or your department');
    const now = this.clock.now();
    const _id = new Types.ObjectId();
    const record = {
      _id,
      name: input.name,
      kind: input.kind,
      listType: input.listType,
      industry: input.industry ?? null,
      region: input.region ?? null,
      address: input.address ?? null,
      contacts: input.contacts,
      ownerId: owner._id,
      departmentId: owner.departmentId,
      lifecycle: 'PROSPECT' as Lifecycle,
      partnerIds: input.partnerIds,
      history: [{ at: now, by: caller.userId, field: 'created', before: null, after: JSON.stringify(input.name) }],
      revision: 0,
    };
    const event = createEvent(customerCreatedV1, { subject: String(_id), actor: actorOf(caller), time: now, data: { customer: snapshot(record) } });
    const created = await this.customers.create({ ...record, pendingEvents: [event] });
    this.publishPendingEvents();
    return created.toObject();
  }

  async update(access: CustomerAccess, id: string, rawInput: unknown): Promise<CustomerRecord> {
    const { caller } = access;
    const input = parseInput(updateCustomerInput, rawInput);
    const current = await this.findVisible(access, id);
    if (!current) throw new NotFoundError('Customer', id);
    if (!access.canEdit(current)) throw new ForbiddenError('You may not change this customer');
    if (input.lifecycle && !canMoveLifecycle(current.lifecycle, input.lifecycle)) {
      throw new BadUserInputError('input.lifecycle', `cannot move from ${current.lifecycle} to ${input.lifecycle}`);
    }
    const now = this.clock.now();
    const changes = diff(current, input, caller.userId, now);
    if (changes.length === 0) return current;
    const set = Object.fromEntries(changes.map((c) => [c.field, input[c.field as keyof UpdateCustomerInput] ?? null]));
    const next = { ...current, ...set } as CustomerRecord;
    const event = createEvent(customerUpdatedV1, {
      subject: id,
      actor: actorOf(caller),
      time: now,
      data: { customer: snapshot(next), changes: changes.map(({ field, before, after }) => ({ field, before: parseJson(before), after: parseJson(after) })) },
    });
    // One single-document write: the change, its history and its event commit together or not at all.
    const updated = await this.customers
      .findOneAndUpdate(
        { _id: current._id, revision: current.revision },
        { $set: { ...set, updatedAt: now }, $inc: { revision: 1 }, $push: { history: { $each: changes }, pendingEvents: event } },
        { returnDocument: 'after', timestamps: false },
      )
      .lean<CustomerRecord>();
    if (!updated) throw new ConflictError('The customer was changed by someone else; reload and try again');
    this.publishPendingEvents();
    return updated;
  }

  /** The customer if it exists and the caller may see it; null otherwise (existence is not revealed). */
  async findVisible(access: CustomerAccess, id: string): Promise<CustomerRecord | null> {
    if (!isValidObjectId(id)) return null;
    const customer = await this.customers.findById(id).lean<CustomerRecord>();
    return customer && (await access.canRead(customer)) ? customer : null;
  }

  findByIds(ids: readonly string[]): Promise<CustomerRecord[]> {
    const valid = ids.filter((id) => isValidObjectId(id));
    return this.customers.find({ _id: { $in: valid } }).lean<CustomerRecord[]>();
  }

  async list(access: CustomerAccess, filter: CustomerFilter = {}, page: PageArgs): Promise<Page<CustomerRecord>> {
    const criteria: Record<string, unknown>[] = [await access.filter()];
    if (filter.kind) criteria.push({ kind: filter.kind });
    if (filter.lifecycle) criteria.push({ lifecycle: filter.lifecycle });
    if (filter.region) criteria.push({ region: filter.region });
    if (filter.ownerId) criteria.push({ ownerId: filter.ownerId });
    if (filter.departmentId) criteria.push({ departmentId: filter.departmentId });
    if (filter.nameContains) criteria.push({ name: { $regex: escapeRegex(filter.nameContains), $options: 'i' } });
    return paginateById<CustomerRecord>(this.customers, { $and: criteria }, page);
  }

  private mayAssignOwner(caller: Caller, owner: { _id: string; departmentId: string }): boolean {
    if (hasRole(caller, 'general_manager', 'marketing')) return true;
    if (hasRole(caller, 'department_manager') && caller.departmentId === owner.departmentId) return true;
    return hasRole(caller, 'consultant') && owner._id === caller.userId;
  }
}

function diff(current: CustomerRecord, input: UpdateCustomerInput, by: string, at: Date): CustomerChangeRecord[] {
  const changes: CustomerChangeRecord[] = [];
  for (const field of trackedFields) {
    if (!(field in input) || input[field] === undefined) continue;
    const before = JSON.stringify(current[field] ?? null);
    const after = JSON.stringify(input[field] ?? null);
    if (before !== after) changes.push({ at, by, field, before, after });
  }
  return changes;
}

function snapshot(customer: Pick<CustomerRecord, '_id' | 'name' | 'kind' | 'lifecycle' | 'ownerId' | 'departmentId' | 'region'>) {
  return {
    id: String(customer._id),
    name: customer.name,
    kind: customer.kind,
    lifecycle: customer.lifecycle,
    ownerConsultantId: customer.ownerId,
    departmentId: customer.departmentId,
    region: customer.region ?? null,
  };
}

function parseJson(value: string | null): unknown {
  return value === null ? null : JSON.parse(value);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
