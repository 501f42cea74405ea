import type { Caller } from '@crm/auth';
import type { DomainError } from '@crm/kernel';
import type { CustomerCoreRecord, CustomerRecord } from './customer.model';
import type { CustomerWrite } from './customer-store';

/** What a new customer looks like before the other plugins add their parts: the core fields, theirs optional. */
export type CustomerDraft = Omit<CustomerCoreRecord, 'pendingEvents' | 'history'> & Partial<CustomerRecord>;

export interface CreationContext {
  /** The raw `input` of createCustomer: each plugin validates its own members (field names `input.<member>`). */
  input: Record<string, unknown>;
  draft: Readonly<CustomerDraft>;
  caller: Caller;
  now: Date;
}

export interface ListContext {
  now: Date;
}

/**
 * How a plugin takes part in the customer aggregate without the customers plugin knowing it: its fields on a
 * new customer, rules every write must keep, extra fields a write derives, what a reportable change sets off,
 * and its axes in the customer list (filters and sort orders).
 */
export interface CustomerExtension {
  name: string;
  /** Fields this plugin adds to a new customer. */
  onCreate?(context: CreationContext): Partial<CustomerRecord> | Promise<Partial<CustomerRecord>>;
  /**
   * The same for several new customers at once (a bulk import), used instead of onCreate when given: one part or
   * the refusal per context, in order; each context's draft must see the earlier ones as already created.
   */
  onCreateMany?(contexts: readonly CreationContext[]): Promise<(Partial<CustomerRecord> | DomainError)[]>;
  /** Checked on the customer as a write leaves it (top-level fields); an error refuses the write. */
  invariant?(next: CustomerRecord, current: CustomerRecord | null): DomainError | null;
  /** More `$set` entries derived from those of a write and the customer it changes (sort ranks, normalised copies). */
  derive?(set: Record<string, unknown>, current: CustomerRecord): Record<string, unknown>;
  /** A change someone made to the customer's data (card, classification): extra `$set` entries, if any. */
  onReportableChange?(current: CustomerRecord, write: CustomerWrite, now: Date): Record<string, unknown> | null;
  /** Mongo criteria for this plugin's members of `CustomerFilter`. */
  filter?(filter: Record<string, unknown>, context: ListContext): Record<string, unknown>[];
  /** `CustomerSortField` values this plugin adds, with the document path each sorts by. */
  sortPaths?: Record<string, string>;
}

/** The registry the customers plugin provides; plugins add to it when they register. */
export class CustomerExtensions {
  private readonly extensions: CustomerExtension[] = [];

  register(extension: CustomerExtension): void {
    this.extensions.push(extension);
  }

  get all(): readonly CustomerExtension[] {
    return this.extensions;
  }

  sortPath(field: string): string | undefined {
    for (const extension of this.extensions) {
      const path = extension.sortPaths?.[field];
      if (path) return path;
    }
    return undefined;
  }
}
