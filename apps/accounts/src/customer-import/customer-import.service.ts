import { actorOf, BadUserInputError, DomainError, ForbiddenError, parseInput, type InputProblem } from '@crm/kernel';
import { z } from 'zod';
import type { CustomerAccess } from '../access/customer-access';
import type { CustomerStore } from '../customers/customer-store';
import type { CustomerRecord } from '../customers/customer.model';
import { mayCreateCustomers, type CustomersService } from '../customers/customers.service';
import {
  canonicalColumn,
  headerProblems,
  MAX_IMPORT_ROWS,
  parseCsv,
  prepareRow,
  rowProblems,
  summarise,
  type ImportProblem,
  type ImportRow,
  type ImportSummary,
  type PreparedRow,
} from './customer-import-rules';
import type { ImportDuplicateRecord, ImportRowResultRecord } from './customer-import.model';

const importInput = z
  .object({
    csv: z.string().max(5_000_000).nullish(),
    columns: z.array(z.string().max(100)).max(100).nullish(),
    rows: z
      .array(z.object({ line: z.number().int().positive(), cells: z.array(z.string().max(10_000)).max(100) }))
      .max(MAX_IMPORT_ROWS, `at most ${MAX_IMPORT_ROWS} rows per request; send a larger file in chunks`)
      .nullish(),
    dryRun: z.boolean().nullish(),
    duplicates: z.enum(['SKIP', 'IMPORT']).nullish(),
    defaultOwnerId: z.string().trim().min(1).max(100).nullish(),
  })
  .superRefine((input, ctx) => {
    const hasCsv = typeof input.csv === 'string';
    const hasRows = Boolean(input.rows);
    if (hasCsv === hasRows) ctx.addIssue({ code: 'custom', path: hasCsv ? ['rows'] : [], message: 'give either csv or columns with rows' });
    if (hasRows && !input.columns) ctx.addIssue({ code: 'custom', path: ['columns'], message: 'rows need the header\'s columns' });
    if (hasCsv && input.columns) ctx.addIssue({ code: 'custom', path: ['columns'], message: 'columns go with rows; a csv carries its own header' });
  });

export interface ImportOutcome {
  summary: ImportSummary;
  rows: ImportRowResultRecord[];
}

/** A row on its way through the request: what it became, once decided. */
interface RowState {
  prepared: PreparedRow;
  result?: ImportRowResultRecord;
}

/**
 * Bulk import (docs/domain/accounts.md, Bulk import): every row goes through createCustomer's drafting (card rules,
 * owner rule, every plugin's part, duplicate flags) and is answered on its own; the rows that pass are written in one
 * unordered bulk insert, each with its customer.created event. A row's import key is unique in the archive, so a
 * re-run skips what an earlier run wrote.
 */
export class CustomerImportService {
  constructor(
    private readonly store: CustomerStore,
    private readonly customers: CustomersService,
  ) {}

  async import(access: CustomerAccess, rawInput: unknown): Promise<ImportOutcome> {
    const { caller } = access;
    // Permission first, before anything is read: who may not create customers may not import them.
    if (!mayCreateCustomers(caller)) throw new ForbiddenError('You may not create customers, so you may not import them');
    const input = parseInput(importInput, rawInput);
    const { columns, rows } = this.request(input);
    const dryRun = input.dryRun ?? false;
    const importDuplicates = input.duplicates === 'IMPORT';
    const states: RowState[] = rows.map((row) => ({ prepared: prepareRow(columns, row, input.defaultOwnerId) }));

    for (const state of states) if (state.prepared.problems.length > 0) state.result = rejected(state.prepared, rowProblems(state.prepared.problems, state.prepared.filled));
    await this.skipImportedBefore(access, states);
    this.skipRepeatedKeys(states);

    const open = states.filter((s) => !s.result);
    const drafts = await this.customers.drafts(
      access,
      open.map((s) => ({ rawInput: s.prepared.input })),
    );
    const lineOfDraft = new Map<string, number>();
    open.forEach((state, k) => {
      const draft = drafts[k];
      if (draft instanceof DomainError) state.result = rejected(state.prepared, problemsOf(draft, state.prepared));
      else lineOfDraft.set(String(draft._id), state.prepared.line);
    });
    const archiveCandidates = await this.archiveCandidates(access, drafts);

    const toWrite: { state: RowState; record: CustomerRecord }[] = [];
    open.forEach((state, k) => {
      const draft = drafts[k];
      if (draft instanceof DomainError) return;
      const possibleDuplicates = (draft.duplicateCandidates ?? []).map((flag): ImportDuplicateRecord => {
        const id = String(flag.customerId);
        const line = lineOfDraft.get(id);
        if (line !== undefined) return { line, customer: null, importKey: states.find((s) => s.prepared.line === line)?.prepared.importKey ?? null, matchedOn: flag.matchedOn };
        const customer = archiveCandidates.get(id) ?? null;
        return { line: null, customer, importKey: customer?.importKey ?? null, matchedOn: flag.matchedOn };
      });
      const skip = possibleDuplicates.length > 0 && !importDuplicates;
      const status = skip ? 'DUPLICATE' : dryRun ? 'VALID' : 'IMPORTED';
      const record = { ...draft, importKey: state.prepared.importKey } as CustomerRecord;
      state.result = { line: state.prepared.line, status, importKey: state.prepared.importKey, customer: null, errors: [], possibleDuplicates };
      if (status === 'IMPORTED') toWrite.push({ state, record });
    });

    if (toWrite.length > 0) {
      const { duplicates, invalid } = await this.store.insertMany(
        toWrite.map((w) => w.record),
        actorOf(caller),
      );
      toWrite.forEach(({ state, record }, i) => {
        // A unique index refused it: a concurrent run wrote the same import key first.
        if (duplicates.has(i)) state.result = { ...state.result!, status: 'ALREADY_IMPORTED', possibleDuplicates: [] };
        else if (invalid.has(i)) state.result = rejected(state.prepared, [{ column: null, field: null, code: 'BAD_USER_INPUT', message: invalid.get(i)! }]);
        else state.result!.customer = stored(record);
      });
      const raced = toWrite.filter(({ state }) => state.result!.status === 'ALREADY_IMPORTED').map(({ state }) => state);
      if (raced.length > 0) await this.attachImported(access, raced);
    }

    const results = states.map((s) => s.result!);
    return { summary: summarise(results.map((r) => r.status), dryRun), rows: results };
  }

  /** The request's canonical columns and rows, or every problem of its shape at once (nothing read or written). */
  private request(input: z.infer<typeof importInput>): { columns: string[]; rows: ImportRow[] } {
    let headers: string[];
    let rows: ImportRow[];
    let field: string;
    if (typeof input.csv === 'string') {
      const parsed = parseCsv(input.csv);
      if ('problem' in parsed) throw new BadUserInputError('input.csv', `not a CSV file: ${parsed.problem}`);
      ({ headers, rows } = parsed);
      field = 'input.csv';
      if (headers.length === 0) throw new BadUserInputError('input.csv', 'the file is empty; its first line names the columns');
      if (rows.length > MAX_IMPORT_ROWS) throw new BadUserInputError('input.csv', `has ${rows.length} rows; at most ${MAX_IMPORT_ROWS} per request, send a larger file in chunks as rows`);
    } else {
      headers = input.columns!;
      rows = input.rows!.map((r) => ({ line: r.line, cells: r.cells }));
      field = 'input.columns';
    }
    const problems: InputProblem[] = headerProblems(headers, field);
    if (rows.length === 0) problems.push({ field: typeof input.csv === 'string' ? 'input.csv' : 'input.rows', message: 'no rows to import' });
    const lines = new Set<number>();
    rows.forEach((row, i) => {
      if (lines.has(row.line)) problems.push({ field: `input.rows.${i}.line`, message: `line ${row.line} is given twice` });
      lines.add(row.line);
    });
    if (problems.length > 0) throw new BadUserInputError(problems[0].field, problems[0].message, problems);
    return { columns: headers.map((h) => canonicalColumn(h)!), rows };
  }

  /** Rows whose import key is already in the archive: ALREADY_IMPORTED, with the customer when the caller may read it. */
  private async skipImportedBefore(access: CustomerAccess, states: RowState[]): Promise<void> {
    const open = states.filter((s) => !s.result);
    if (open.length === 0) return;
    const byKey = await this.customersByImportKey(open);
    for (const state of open) {
      const customer = byKey.get(state.prepared.importKey);
      if (!customer) continue;
      const visible = !customer.mergedInto && (await access.canRead(customer)) ? customer : null;
      state.result = { line: state.prepared.line, status: 'ALREADY_IMPORTED', importKey: state.prepared.importKey, customer: visible, errors: [], possibleDuplicates: [] };
    }
  }

  /** A later row with the import key of an earlier one is the same row again: a DUPLICATE of it, never written twice. */
  private skipRepeatedKeys(states: RowState[]): void {
    const firstLine = new Map<string, number>();
    for (const state of states) {
      if (state.result) continue;
      const { importKey, line } = state.prepared;
      const earlier = firstLine.get(importKey);
      if (earlier === undefined) firstLine.set(importKey, line);
      else state.result = { line, status: 'DUPLICATE', importKey, customer: null, errors: [], possibleDuplicates: [{ line: earlier, customer: null, importKey, matchedOn: [] }] };
    }
  }

  /** The archive's customers the drafts were flagged against, those the caller may read (the others stay anonymous). */
  private async archiveCandidates(access: CustomerAccess, drafts: readonly (CustomerRecord | DomainError)[]): Promise<Map<string, CustomerRecord>> {
    const ids = drafts.flatMap((d) => (d instanceof DomainError ? [] : (d.duplicateCandidates ?? []).map((c) => String(c.customerId))));
    const found = await this.store.findMany([...new Set(ids)]);
    const visible = new Map<string, CustomerRecord>();
    for (const [id, customer] of found) if (await access.canRead(customer)) visible.set(id, customer);
    return visible;
  }

  private async attachImported(access: CustomerAccess, states: RowState[]): Promise<void> {
    const byKey = await this.customersByImportKey(states);
    for (const state of states) {
      const customer = byKey.get(state.prepared.importKey);
      state.result!.customer = customer && (await access.canRead(customer)) ? customer : null;
    }
  }

  /** The archive's customers carrying the rows' import keys, by key: one read for a whole chunk. */
  private async customersByImportKey(states: readonly RowState[]): Promise<Map<string, CustomerRecord>> {
    const keys = [...new Set(states.map((s) => s.prepared.importKey))];
    const found = await this.store.model.find({ importKey: { $in: keys } }, { history: 0 }).lean<CustomerRecord[]>();
    return new Map(found.map((c) => [c.importKey!, c]));
  }
}

function rejected(prepared: PreparedRow, errors: ImportProblem[]): ImportRowResultRecord {
  return { line: prepared.line, status: 'REJECTED', importKey: prepared.importKey, customer: null, errors, possibleDuplicates: [] };
}

/** What refused a row's draft, as the row's problems: bad input per field, the owner rule as FORBIDDEN. */
function problemsOf(error: DomainError, prepared: PreparedRow): ImportProblem[] {
  if (error.code === 'BAD_USER_INPUT') {
    const problems = (error.details.problems as InputProblem[] | undefined) ?? [{ field: error.details.field as string, message: error.message }];
    return rowProblems(problems, prepared.filled);
  }
  if (error.code === 'FORBIDDEN') return [{ column: prepared.filled.includes('ownerId') ? 'ownerId' : null, field: ['input', 'ownerId'], code: 'FORBIDDEN', message: error.message }];
  return [{ column: null, field: null, code: 'BAD_USER_INPUT', message: error.message }];
}

/** The record as the store answers a new customer: without its history and outbox. */
function stored(record: CustomerRecord): CustomerRecord {
  const { history: _history, pendingEvents: _pending, ...rest } = record;
  return rest as CustomerRecord;
}
