// The client side of a bulk customer import: a CSV file read once, its rows sent through the gateway's
// importCustomers in chunks (each under the gateway's body limit and the mutation's 1 000 rows), the answers
// gathered into one report. Used by `npm run import` and the import benchmark.
import { parseCsv, type ImportRow } from '../../apps/accounts/src/customer-import/customer-import-rules';

/** The gateway's default body limit is 100 KiB (MAX_BODY_BYTES); a chunk stays under it with room for the query. */
export const DEFAULT_MAX_CHUNK_BYTES = 90_000;
/** The mutation's own limit (customer-import-rules MAX_IMPORT_ROWS); a chunk is smaller when its rows are long. */
export const DEFAULT_MAX_CHUNK_ROWS = 1_000;

export const IMPORT_CUSTOMERS = `mutation ImportCustomersChunk($input: ImportCustomersInput!) {
  importCustomers(input: $input) {
    summary { rows imported valid alreadyImported duplicates rejected dryRun }
    rows {
      line
      status
      importKey
      customer { id }
      errors { column field code message }
      possibleDuplicates { line importKey customer { id name } matchedOn }
    }
    userErrors { field code message }
  }
}`;

export type RowStatus = 'IMPORTED' | 'VALID' | 'ALREADY_IMPORTED' | 'DUPLICATE' | 'REJECTED';

export interface RowReport {
  line: number;
  status: RowStatus;
  importKey: string | null;
  customer: { id: string } | null;
  errors: { column: string | null; field: string[] | null; code: string; message: string }[];
  possibleDuplicates: { line: number | null; importKey: string | null; customer: { id: string; name: string } | null; matchedOn: string[] }[];
}

export interface ImportTotals {
  rows: number;
  imported: number;
  valid: number;
  alreadyImported: number;
  duplicates: number;
  rejected: number;
}

export interface ImportReport {
  totals: ImportTotals;
  /** Every row's answer, in file order. */
  rows: RowReport[];
  /** Problems with the request as a whole (the header, a row too long for one request): nothing was imported after them. */
  requestErrors: string[];
  dryRun: boolean;
  chunks: number;
  elapsedMs: number;
}

export interface ImportOptions {
  gatewayUrl: string;
  token: string;
  dryRun?: boolean;
  duplicates?: 'SKIP' | 'IMPORT';
  defaultOwnerId?: string;
  maxChunkBytes?: number;
  maxChunkRows?: number;
  /**
   * Chunks in flight at once (default 1). More is faster, but the rows of chunks in flight together are not checked
   * against each other for duplicates (each sees only what the archive held when it was read); import keys still hold.
   */
  concurrency?: number;
  /** Called after each chunk's answer, with the rows answered so far and the total. */
  onProgress?: (done: number, total: number, totals: ImportTotals) => void;
}

/** A file that cannot be read as an import before anything is sent. */
export class ImportFileError extends Error {}

/** The header and rows of a CSV text, or ImportFileError (not CSV, empty). */
export function readImportFile(text: string): { columns: string[]; rows: ImportRow[] } {
  const parsed = parseCsv(text);
  if ('problem' in parsed) throw new ImportFileError(`not a CSV file: ${parsed.problem}`);
  if (parsed.headers.length === 0) throw new ImportFileError('the file is empty; its first line names the columns');
  return { columns: parsed.headers, rows: parsed.rows };
}

/** Rows in chunks of at most `maxRows`, each chunk's JSON at most `maxBytes` (a longer single row goes alone). */
export function chunkRows(rows: readonly ImportRow[], maxRows: number, maxBytes: number): ImportRow[][] {
  const chunks: ImportRow[][] = [];
  let current: ImportRow[] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = Buffer.byteLength(JSON.stringify({ line: row.line, cells: row.cells })) + 1;
    if (current.length > 0 && (current.length >= maxRows || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(row);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Import a CSV text through the gateway, chunk by chunk; answers the report of every row. */
export async function importCustomersCsv(text: string, options: ImportOptions): Promise<ImportReport> {
  const started = performance.now();
  const { columns, rows } = readImportFile(text);
  const overhead = Buffer.byteLength(JSON.stringify({ query: IMPORT_CUSTOMERS, variables: { input: { columns, dryRun: true, duplicates: 'IMPORT', defaultOwnerId: options.defaultOwnerId ?? '' } } }));
  const chunks = chunkRows(rows, options.maxChunkRows ?? DEFAULT_MAX_CHUNK_ROWS, (options.maxChunkBytes ?? DEFAULT_MAX_CHUNK_BYTES) - overhead);
  const totals: ImportTotals = { rows: 0, imported: 0, valid: 0, alreadyImported: 0, duplicates: 0, rejected: 0 };
  const answers: RowReport[][] = new Array(chunks.length);
  const requestErrors: string[] = [];
  let next = 0;
  let done = 0;
  options.onProgress?.(0, rows.length, totals);

  const worker = async () => {
    while (next < chunks.length && requestErrors.length === 0) {
      const index = next++;
      const chunk = chunks[index];
      const payload = await sendChunk(options, columns, chunk);
      if (payload.userErrors.length > 0) {
        requestErrors.push(...payload.userErrors.map((e) => `${e.field ? `${e.field.join('.')}: ` : ''}${e.message} (rows on lines ${chunk[0].line}–${chunk.at(-1)!.line})`));
        return;
      }
      answers[index] = payload.rows;
      const summary = payload.summary!;
      totals.rows += summary.rows;
      totals.imported += summary.imported;
      totals.valid += summary.valid;
      totals.alreadyImported += summary.alreadyImported;
      totals.duplicates += summary.duplicates;
      totals.rejected += summary.rejected;
      done += chunk.length;
      options.onProgress?.(done, rows.length, totals);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 1, chunks.length)) }, worker));
  return { totals, rows: answers.flatMap((a) => a ?? []), requestErrors, dryRun: options.dryRun ?? false, chunks: chunks.length, elapsedMs: performance.now() - started };
}

interface ChunkPayload {
  summary: (ImportTotals & { dryRun: boolean }) | null;
  rows: RowReport[];
  userErrors: { field: string[] | null; code: string; message: string }[];
}

/** The gateway refused or failed a request (not a row): the import stops. */
export class ImportRequestError extends Error {}

const RETRIES = 5;

async function sendChunk(options: ImportOptions, columns: string[], rows: ImportRow[]): Promise<ChunkPayload> {
  const input = { columns, rows: rows.map((r) => ({ line: r.line, cells: r.cells })), dryRun: options.dryRun ?? false, duplicates: options.duplicates ?? 'SKIP', defaultOwnerId: options.defaultOwnerId ?? null };
  const body = JSON.stringify({ query: IMPORT_CUSTOMERS, variables: { input } });
  for (let attempt = 1; ; attempt += 1) {
    let response: Response;
    try {
      response = await fetch(options.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` }, body });
    } catch (error) {
      throw new ImportRequestError(`cannot reach the gateway at ${options.gatewayUrl} (${(error as Error).cause ?? (error as Error).message}); is the platform running (npm start)?`);
    }
    // Paced by the gateway's rate limit: wait as long as it says, then send the same chunk again (rows already
    // written by it come back ALREADY_IMPORTED, so a retry never writes twice).
    if ((response.status === 429 || response.status === 503) && attempt < RETRIES) {
      const wait = Number(response.headers.get('retry-after') ?? '1');
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, Number.isFinite(wait) ? wait : 1) * 1000));
      continue;
    }
    const answer = (await response.json().catch(() => null)) as { data?: { importCustomers?: ChunkPayload | null }; errors?: { message: string; extensions?: { code?: string } }[] } | null;
    // The gateway gave up waiting for accounts (a slow chunk): send it again. What the first attempt wrote comes
    // back ALREADY_IMPORTED, so a retry never writes a row twice.
    if (answer?.errors?.length && answer.errors.every((e) => e.extensions?.code === 'UNAVAILABLE') && attempt < RETRIES) {
      await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
      continue;
    }
    if (answer?.errors?.length) throw new ImportRequestError(answer.errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; '));
    const payload = answer?.data?.importCustomers;
    if (!payload) throw new ImportRequestError(`the gateway answered HTTP ${response.status} without an import result`);
    return payload;
  }
}

/** The lines a person reads after an import: the counts, then each rejected row and each duplicate, by line. */
export function describeReport(report: ImportReport, maxRows = 200): string[] {
  const { totals } = report;
  const lines: string[] = [];
  const written = report.dryRun ? `${totals.valid} valid (dry run: nothing written)` : `${totals.imported} imported`;
  lines.push(`${totals.rows} rows: ${written}, ${totals.alreadyImported} already imported, ${totals.duplicates} duplicates skipped, ${totals.rejected} rejected`);
  for (const error of report.requestErrors) lines.push(`request refused: ${error}`);
  const noteworthy = report.rows.filter((r) => r.status === 'REJECTED' || r.possibleDuplicates.length > 0);
  for (const row of noteworthy.slice(0, maxRows)) {
    for (const error of row.errors) lines.push(`line ${row.line}${error.column ? `, ${error.column}` : ''}: ${error.message}${error.code === 'FORBIDDEN' ? ' (forbidden)' : ''}`);
    if (row.possibleDuplicates.length > 0) {
      const what = row.status === 'DUPLICATE' ? 'skipped, may duplicate' : 'imported, flagged as a possible duplicate of';
      const of = row.possibleDuplicates.map((d) => (d.line !== null ? `line ${d.line}` : d.customer ? `${d.customer.name} (${d.customer.id})` : 'a customer out of your reach') + (d.matchedOn.length ? ` [${d.matchedOn.join(', ')}]` : ' [same import key]'));
      lines.push(`line ${row.line}: ${what} ${of.join('; ')}`);
    }
  }
  if (noteworthy.length > maxRows) lines.push(`… and ${noteworthy.length - maxRows} more rows with errors or duplicates`);
  return lines;
}
