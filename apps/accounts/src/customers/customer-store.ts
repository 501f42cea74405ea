import { customerCreatedV1, customerUpdatedV1 } from '@crm/contracts';
import { createEvent, StaleRevisionError, updateVersioned, type CloudEvent, type EventActor } from '@crm/events';
import { isDuplicateKeyError } from '@crm/data';
import { ConflictError, NotFoundError, type Clock } from '@crm/kernel';
import { Error as mongooseError, isValidObjectId, Types, type Model, type UpdateQuery } from 'mongoose';
import type { CustomerExtensions } from './customer-extensions';
import type { CustomerSchema } from './customer-schema';
import { sameSnapshot, snapshot } from './customer-snapshot';
import { CUSTOMER_READ_PROJECTION, lifecycleRank, type CustomerChangeRecord, type CustomerRecord, type Lifecycle } from './customer.model';

/** One change for the history: values are kept as JSON. */
export interface ChangeEntry {
  field: string;
  before: unknown;
  after: unknown;
}

/**
 * One single-document write to a customer: the state change, its history entries and its events commit
 * together or not at all (ADR 0002). Invariants see the top-level members of `set`.
 */
export interface CustomerWrite {
  set?: Record<string, unknown>;
  unset?: string[];
  /** Values appended to arrays (each value is an array of items). */
  push?: Record<string, unknown[]>;
  pull?: Record<string, unknown>;
  /** Entries for the history (who and when are added here). */
  changes: ChangeEntry[];
  /** History entries kept as they are (a merged customer's history). */
  rawHistory?: CustomerChangeRecord[];
  events?: CloudEvent[];
  /** More conditions the document must still meet; when it does not, the write is decided again. */
  guard?: Record<string, unknown>;
  /** Someone changed the customer's data (card, classification): the filing plugin opens a change report. */
  reportable?: boolean;
  /** Publish customer.updated when the shared snapshot changes (default true). */
  announce?: boolean;
}

const MAX_ATTEMPTS = 5;

/** Reads and writes of the customer aggregate; every plugin writes customers through here. */
export class CustomerStore {
  constructor(
    private readonly schema: CustomerSchema,
    private readonly extensions: CustomerExtensions,
    private readonly clock: Clock,
  ) {}

  get model(): Model<CustomerRecord> {
    return this.schema.model;
  }

  now(): Date {
    return this.clock.now();
  }

  /** The stored record, following merges (a merged duplicate's id reads as its survivor); null when none. */
  async find(id: string | Types.ObjectId): Promise<CustomerRecord | null> {
    if (!isValidObjectId(id)) return null;
    let customer = await this.model.findById(id, CUSTOMER_READ_PROJECTION).lean<CustomerRecord>();
    // Merges may chain (a survivor merged later); a few hops cover it, a cycle cannot hang us.
    for (let hop = 0; customer?.mergedInto && hop < 5; hop += 1) {
      customer = await this.model.findById(customer.mergedInto, CUSTOMER_READ_PROJECTION).lean<CustomerRecord>();
    }
    return customer?.mergedInto ? null : customer;
  }

  /** Records for a batch of ids in one query (plus one for any merged ids among them). */
  async findMany(ids: readonly string[]): Promise<Map<string, CustomerRecord>> {
    const valid = [...new Set(ids.filter((id) => isValidObjectId(id)))];
    const rows = await this.model.find({ _id: { $in: valid } }, CUSTOMER_READ_PROJECTION).lean<CustomerRecord[]>();
    const byId = new Map(rows.map((row) => [String(row._id), row]));
    const redirected = rows.filter((row) => row.mergedInto);
    if (redirected.length > 0) {
      for (const row of redirected) {
        const survivor = await this.find(row._id);
        if (survivor) byId.set(String(row._id), survivor);
        else byId.delete(String(row._id));
      }
    }
    return byId;
  }

  /** History of many customers in one query. */
  async historyOf(ids: readonly string[]): Promise<Map<string, CustomerChangeRecord[]>> {
    const valid = [...new Set(ids.filter((id) => isValidObjectId(id)))];
    const rows = await this.model.find({ _id: { $in: valid } }, { history: 1 }).lean<Pick<CustomerRecord, '_id' | 'history'>[]>();
    return new Map(rows.map((row) => [String(row._id), row.history ?? []]));
  }

  async insert(record: CustomerRecord, actor: EventActor, events: CloudEvent[] = []): Promise<CustomerRecord> {
    await this.model.create(this.newDocument(record, actor, events));
    const { history: _history, pendingEvents: _pending, ...stored } = record;
    return stored as CustomerRecord;
  }

  /**
   * New customers in one unordered bulk insert, each document with its own customer.created event (its outbox), so
   * a customer and its event are written together or not at all. Each document is cast and validated here first: an
   * unordered insertMany would leave out one that fails validation without saying so. Answers the positions of the
   * records a unique index refused (the same import key or idempotency key is already there) and of those the schema
   * refused, with why; every other record was written.
   */
  async insertMany(records: readonly CustomerRecord[], actor: EventActor): Promise<{ duplicates: Set<number>; invalid: Map<number, string> }> {
    const invalid = new Map<number, string>();
    const documents: Record<string, unknown>[] = [];
    const positions: number[] = [];
    for (const [i, record] of records.entries()) {
      const document = new this.model(this.newDocument(record, actor, []));
      try {
        await document.validate();
      } catch (error) {
        if (!(error instanceof mongooseError.ValidationError)) throw error;
        invalid.set(i, Object.values(error.errors).map((e) => e.message).join('; ') || error.message);
        continue;
      }
      documents.push(document.toObject({ depopulate: true }));
      positions.push(i);
    }
    if (documents.length === 0) return { duplicates: new Set(), invalid };
    try {
      // Lean: cast, defaults and validation were done above, once.
      await this.model.insertMany(documents, { ordered: false, lean: true });
      return { duplicates: new Set(), invalid };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const writeErrors = (error as { writeErrors: { index?: number; err?: { index?: number } }[] }).writeErrors;
      return { duplicates: new Set(writeErrors.map((e) => positions[e.index ?? e.err?.index ?? -1] ?? -1)), invalid };
    }
  }

  /** The document a new customer is written as: checked against every plugin's invariants, its created event in its outbox. */
  private newDocument(record: CustomerRecord, actor: EventActor, events: CloudEvent[]): CustomerRecord {
    for (const extension of this.extensions.all) {
      const problem = extension.invariant?.(record, null);
      if (problem) throw problem;
    }
    const created = createEvent(customerCreatedV1, { subject: String(record._id), actor, time: record.createdAt, data: { customer: snapshot(record) } });
    return { ...record, pendingEvents: [created, ...events] };
  }

  /**
   * Read the customer, let `decide` say what to write (null: nothing), and write it conditionally on the
   * revision read; when someone else wrote meanwhile, decide again on the fresh state.
   */
  async modify(id: string | Types.ObjectId, actor: EventActor, decide: (current: CustomerRecord) => CustomerWrite | null | Promise<CustomerWrite | null>): Promise<CustomerRecord> {
    for (let attempt = 1; ; attempt += 1) {
      const current = isValidObjectId(id) ? await this.model.findById(id, CUSTOMER_READ_PROJECTION).lean<CustomerRecord>() : null;
      if (!current) throw new NotFoundError('Customer', String(id));
      const write = await decide(current);
      if (!write) return current;
      try {
        return await this.commit(current, actor, write);
      } catch (error) {
        if (!(error instanceof StaleRevisionError)) throw error;
        if (attempt >= MAX_ATTEMPTS) throw new ConflictError('The customer is being changed by someone else; try again');
      }
    }
  }

  private async commit(current: CustomerRecord, actor: EventActor, write: CustomerWrite): Promise<CustomerRecord> {
    const now = this.clock.now();
    const set: Record<string, unknown> = { ...write.set };
    if (write.reportable) {
      for (const extension of this.extensions.all) Object.assign(set, extension.onReportableChange?.(current, write, now) ?? {});
    }
    if (typeof set.lifecycle === 'string') set.lifecycleRank = lifecycleRank(set.lifecycle as Lifecycle);
    for (const extension of this.extensions.all) Object.assign(set, extension.derive?.(set, current) ?? {});
    const next = { ...current, ...topLevel(set) } as CustomerRecord;
    for (const extension of this.extensions.all) {
      const problem = extension.invariant?.(next, current);
      if (problem) throw problem;
    }

    const history: CustomerChangeRecord[] = [
      ...write.changes.map((c) => ({ at: now, by: actor.userId, field: c.field, before: encode(c.before), after: encode(c.after) })),
      ...(write.rawHistory ?? []),
    ];
    const events = [...(write.events ?? [])];
    const before = snapshot(current);
    const after = snapshot(next);
    if (write.announce !== false && !sameSnapshot(before, after)) {
      const changes = write.changes.length > 0 ? write.changes : snapshotChanges(before, after);
      events.unshift(createEvent(customerUpdatedV1, { subject: String(current._id), actor, time: now, data: { customer: after, changes } }));
    }

    const update: Record<string, unknown> = { $set: { ...set, updatedAt: now } };
    const push: Record<string, unknown> = {};
    for (const [path, items] of Object.entries(write.push ?? {})) push[path] = { $each: items };
    if (history.length > 0) push.history = { $each: history };
    if (Object.keys(push).length > 0) update.$push = push;
    if (write.unset?.length) update.$unset = Object.fromEntries(write.unset.map((path) => [path, '']));
    if (write.pull && Object.keys(write.pull).length > 0) update.$pull = write.pull;

    return updateVersioned(this.model, current, update as UpdateQuery<CustomerRecord>, events, { guard: write.guard, projection: CUSTOMER_READ_PROJECTION });
  }
}

export function encode(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

export function decode(value: string | null | undefined): unknown {
  return value === null || value === undefined ? null : JSON.parse(value);
}

function topLevel(set: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(set).filter(([path]) => !path.includes('.')));
}

function snapshotChanges(before: Record<string, unknown>, after: Record<string, unknown>): ChangeEntry[] {
  return Object.keys(after)
    .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
    .map((field) => ({ field, before: before[field] ?? null, after: after[field] ?? null }));
}

export function newCustomerId(): Types.ObjectId {
  return new Types.ObjectId();
}
