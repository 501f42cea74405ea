import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import type { InputProblem } from '@crm/kernel';
import { normaliseEmail, normaliseName, normalisePhone, normaliseRegistrationNumber } from '../duplicates/duplicate-identity';

/** How a cell becomes a member of createCustomer's input. */
type CellKind = 'text' | 'enum' | 'number' | 'list';

interface ColumnSpec {
  /** Where the value goes in createCustomer's input (null: the import key only). */
  path: readonly (string | number)[] | null;
  kind: CellKind;
}

/** The columns an import reads, by their canonical names (docs/domain/accounts.md, Bulk import). */
export const importColumns: Record<string, ColumnSpec> = {
  externalId: { path: null, kind: 'text' },
  name: { path: ['name'], kind: 'text' },
  kind: { path: ['kind'], kind: 'enum' },
  listType: { path: ['listType'], kind: 'enum' },
  industry: { path: ['industry'], kind: 'text' },
  region: { path: ['region'], kind: 'text' },
  address: { path: ['address'], kind: 'text' },
  tradingSince: { path: ['tradingSince'], kind: 'text' },
  ownerId: { path: ['ownerId'], kind: 'text' },
  partnerIds: { path: ['partnerIds'], kind: 'list' },
  contactName: { path: ['contacts', 0, 'name'], kind: 'text' },
  contactTitle: { path: ['contacts', 0, 'title'], kind: 'text' },
  contactPhone: { path: ['contacts', 0, 'phone'], kind: 'text' },
  contactEmail: { path: ['contacts', 0, 'email'], kind: 'text' },
  registrationNumber: { path: ['organisation', 'registrationNumber'], kind: 'text' },
  enterpriseNature: { path: ['organisation', 'enterpriseNature'], kind: 'enum' },
  companySize: { path: ['organisation', 'companySize'], kind: 'enum' },
  employeeCount: { path: ['organisation', 'employeeCount'], kind: 'number' },
  establishedOn: { path: ['organisation', 'establishedOn'], kind: 'text' },
  legalRepresentative: { path: ['organisation', 'legalRepresentative'], kind: 'text' },
  gender: { path: ['individual', 'gender'], kind: 'enum' },
  birthday: { path: ['individual', 'birthday'], kind: 'text' },
  occupation: { path: ['individual', 'occupation'], kind: 'text' },
  category: { path: ['category'], kind: 'enum' },
  importance: { path: ['importance'], kind: 'enum' },
  loyalty: { path: ['loyalty'], kind: 'enum' },
  route: { path: ['route'], kind: 'text' },
  firstContactAt: { path: ['firstContactAt'], kind: 'text' },
  competitorNotes: { path: ['competitorNotes'], kind: 'text' },
  industryNotes: { path: ['industryNotes'], kind: 'text' },
};

export const requiredColumns = ['name', 'kind', 'listType'] as const;

/** Most rows one request may carry (the CLI sends a large file in chunks). */
export const MAX_IMPORT_ROWS = 1_000;

const canonicalByKey = new Map(Object.keys(importColumns).map((name) => [columnKey(name), name]));

function columnKey(header: string): string {
  return header.normalize('NFKC').toLowerCase().replace(/[\s_-]/g, '');
}

/** A header's canonical column name ("Contact phone", "contact_phone" → contactPhone), or null when it is none. */
export function canonicalColumn(header: string): string | null {
  return canonicalByKey.get(columnKey(header)) ?? null;
}

/** The header's problems, all at once: unknown columns, a column twice, a required column missing. */
export function headerProblems(headers: readonly string[], field: string): InputProblem[] {
  const problems: InputProblem[] = [];
  const seen = new Map<string, number>();
  headers.forEach((header, i) => {
    const column = canonicalColumn(header);
    if (!column) {
      problems.push({ field, message: `unknown column "${header}" (column ${i + 1}); the columns are ${Object.keys(importColumns).join(', ')}` });
      return;
    }
    if (seen.has(column)) problems.push({ field, message: `column ${column} appears twice (columns ${seen.get(column)! + 1} and ${i + 1})` });
    else seen.set(column, i);
  });
  for (const column of requiredColumns) if (!seen.has(column)) problems.push({ field, message: `the ${column} column is missing` });
  return problems;
}

/** One row as read from the file. */
export interface ImportRow {
  /** Its first line in the file. */
  line: number;
  cells: readonly string[];
}

/** A row ready for createCustomer's rules: its input, the columns it filled and its import key. */
export interface PreparedRow {
  line: number;
  input: Record<string, unknown>;
  /** Canonical names of the columns with a value in this row. */
  filled: string[];
  importKey: string;
  /** Whether the key is the externalId column (else derived from the row). */
  externalKey: boolean;
  /** Problems with the row's shape (too many or too few cells). */
  problems: InputProblem[];
}

/** createCustomer's input from a row's cells under the (canonical) columns; empty cells are no value. */
export function prepareRow(columns: readonly string[], row: ImportRow, defaultOwnerId?: string | null): PreparedRow {
  const input: Record<string, unknown> = {};
  const filled: string[] = [];
  const problems: InputProblem[] = [];
  if (row.cells.length !== columns.length) problems.push({ field: 'row', message: `has ${row.cells.length} cells, the header ${columns.length} columns` });
  columns.forEach((column, i) => {
    const raw = (row.cells[i] ?? '').trim();
    if (raw === '') return;
    filled.push(column);
    const spec = importColumns[column];
    if (spec.path) setPath(input, spec.path, cellValue(spec.kind, raw));
  });
  if (input.ownerId === undefined && defaultOwnerId) input.ownerId = defaultOwnerId;
  const externalId = columns.includes('externalId') ? (row.cells[columns.indexOf('externalId')] ?? '').trim() : '';
  return { line: row.line, input, filled, importKey: externalId ? `ext:${externalId}` : naturalKey(input), externalKey: Boolean(externalId), problems };
}

function cellValue(kind: CellKind, raw: string): unknown {
  switch (kind) {
    case 'enum':
      return raw.toUpperCase().replace(/[\s-]+/g, '_');
    case 'number':
      // A number when it reads as one; otherwise the text, which createCustomer's rules refuse with their message.
      return /^[+-]?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
    case 'list':
      return raw
        .split(/[;|]/)
        .map((item) => item.trim())
        .filter(Boolean);
    default:
      return raw;
  }
}

function setPath(target: Record<string, unknown>, path: readonly (string | number)[], value: unknown): void {
  let node: Record<string | number, unknown> = target;
  path.slice(0, -1).forEach((key, i) => {
    node[key] ??= typeof path[i + 1] === 'number' ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  });
  node[path[path.length - 1]] = value;
}

/**
 * The key of a row without an externalId: its kind, normalised name and the first of registration number, phone
 * or e-mail, digested — the same row in a later run gets the same key, whatever its case or spacing.
 */
export function naturalKey(input: Record<string, unknown>): string {
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const contact = ((input.contacts as Record<string, unknown>[] | undefined) ?? [])[0] ?? {};
  const registration = text((input.organisation as Record<string, unknown> | undefined)?.registrationNumber);
  const phone = text(contact.phone);
  const email = text(contact.email);
  const identifier = registration ? `reg:${normaliseRegistrationNumber(registration)}` : phone ? `tel:${normalisePhone(phone) ?? phone}` : email ? `mail:${normaliseEmail(email)}` : '';
  const digest = createHash('sha256').update([text(input.kind).toUpperCase(), normaliseName(text(input.name)), identifier].join('\u0000')).digest('hex');
  return `row:${digest.slice(0, 32)}`;
}

/**
 * The column a createCustomer problem is about (`input.contacts.0.phone` → contactPhone). A problem about a whole
 * group (`input.organisation`) names the first column of the group the row filled; null when none fits.
 */
export function columnOfField(field: string | undefined, filled: readonly string[]): string | null {
  if (!field) return null;
  // `input` itself (the whole row) matches no column below.
  const key = field.startsWith('input.') ? field.slice('input.'.length) : field;
  let fallback: string | null = null;
  for (const [column, spec] of Object.entries(importColumns)) {
    if (!spec.path) continue;
    const specKey = spec.path.join('.');
    if (specKey === key) return column;
    // `partnerIds.1` is the partnerIds column; `organisation` (the group) is its first filled column.
    if (key.startsWith(`${specKey}.`)) return column;
    if (!fallback && specKey.startsWith(`${key}.`) && filled.includes(column)) fallback = column;
  }
  return fallback;
}

export type ImportProblemCode = 'BAD_USER_INPUT' | 'FORBIDDEN';

export interface ImportProblem {
  column: string | null;
  field: string[] | null;
  code: ImportProblemCode;
  message: string;
}

/** A row's problems as the report shows them, each with its column. */
export function rowProblems(problems: readonly InputProblem[], filled: readonly string[], code: ImportProblemCode = 'BAD_USER_INPUT'): ImportProblem[] {
  return problems.map((p) => ({
    // `row` (the row's shape) is no column.
    column: columnOfField(p.field, filled),
    field: p.field && p.field !== 'row' ? p.field.split('.') : null,
    code,
    message: p.message,
  }));
}

export type ImportRowStatus = 'IMPORTED' | 'VALID' | 'ALREADY_IMPORTED' | 'DUPLICATE' | 'REJECTED';

export interface ImportSummary {
  rows: number;
  imported: number;
  valid: number;
  alreadyImported: number;
  duplicates: number;
  rejected: number;
  dryRun: boolean;
}

/** The counts of a request's rows by what became of them. */
export function summarise(statuses: readonly ImportRowStatus[], dryRun: boolean): ImportSummary {
  const count = (status: ImportRowStatus) => statuses.filter((s) => s === status).length;
  return { rows: statuses.length, imported: count('IMPORTED'), valid: count('VALID'), alreadyImported: count('ALREADY_IMPORTED'), duplicates: count('DUPLICATE'), rejected: count('REJECTED'), dryRun };
}

/** A CSV text as header and rows, each row with its first line; a malformed file is one problem naming the line. */
export function parseCsv(text: string): { headers: string[]; rows: ImportRow[] } | { problem: string } {
  let records: { record: string[]; info: { lines: number; empty_lines: number } }[];
  try {
    // One line ending throughout: csv-parse takes the first it meets as the delimiter, and a file edited on two
    // systems mixes them (a stray \r would end up in a cell and the line numbers would drift).
    records = parse(text.replace(/\r\n?/g, '\n'), { bom: true, info: true, relax_column_count: true, skip_empty_lines: true }) as unknown as typeof records;
  } catch (error) {
    return { problem: (error as Error).message };
  }
  if (records.length === 0) return { headers: [], rows: [] };
  const lined = startLines(records.map((r) => r.info));
  return { headers: records[0].record, rows: records.slice(1).map((r, i) => ({ line: lined[i + 1], cells: r.record })) };
}

/**
 * The first line of each record, from csv-parse's `info` (the line a record ends on, and the empty lines skipped so
 * far): a record starts on the line after the previous one ended, past the empty lines skipped in between.
 */
export function startLines(infos: readonly { lines: number; empty_lines: number }[]): number[] {
  let previousEnd = 0;
  let previousEmpty = 0;
  return infos.map((info) => {
    const start = previousEnd + 1 + (info.empty_lines - previousEmpty);
    previousEnd = info.lines;
    previousEmpty = info.empty_lines;
    return start;
  });
}
