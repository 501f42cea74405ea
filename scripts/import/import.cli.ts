/**
 * `npm run import -- customers <file.csv>`: import customers from a CSV file through the gateway (importCustomers,
 * in chunks), with a progress bar, a summary and each rejected row by line and column. Exit code 0 when no row was
 * rejected, 1 when some were, 2 when the import could not run (usage, file, token, gateway, refused header).
 *
 *   --token <jwt>          else CRM_TOKEN, else a development general-manager token (JWT_SECRET or the dev secret)
 *   --gateway <url>        else GATEWAY_URL, else http://127.0.0.1:4000/graphql (what `npm start` prints)
 *   --dry-run              check every row, write nothing
 *   --duplicates import    import possible duplicates flagged (default: skip them)
 *   --default-owner <id>   owner of rows with an empty ownerId (default: the caller)
 *   --concurrency <n>      chunks in flight (default 1; more is faster but does not check rows of chunks in
 *                          flight together against each other for duplicates)
 */
import { DEV_JWT_SECRET, signDevToken } from '@crm/auth';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { describeReport, ImportFileError, ImportRequestError, importCustomersCsv, type ImportTotals } from './customer-import-client';

export const IMPORT_USAGE = `usage: npm run import -- customers <file.csv> [--token <jwt>] [--gateway <url>] [--dry-run]
                          [--duplicates skip|import] [--default-owner <consultant id>] [--concurrency <n>]`;

export const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:4000/graphql';

class UsageError extends Error {}

interface Output {
  out: (line: string) => void;
  /** Progress goes to stderr: redrawn in place on a terminal, a line per tenth otherwise. */
  progress: NodeJS.WriteStream | { isTTY?: boolean; write: (text: string) => unknown };
}

export async function runImport(argv: string[], env: NodeJS.ProcessEnv = process.env, io: Output = { out: (line) => console.log(line), progress: process.stderr }): Promise<number> {
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: {
        token: { type: 'string' },
        gateway: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        duplicates: { type: 'string', default: 'skip' },
        'default-owner': { type: 'string' },
        concurrency: { type: 'string', default: '1' },
      },
      allowPositionals: true,
      strict: true,
    }));
    if (positionals[0] !== 'customers' || positionals.length !== 2) throw new UsageError(positionals.length === 0 ? 'what to import and the file are missing' : `expected "customers <file.csv>", got "${positionals.join(' ')}"`);
    if (!['skip', 'import'].includes(values.duplicates!.toLowerCase())) throw new UsageError(`--duplicates is skip or import, not "${values.duplicates}"`);
    if (!/^[1-9]\d*$/.test(values.concurrency!)) throw new UsageError(`--concurrency is a positive whole number, not "${values.concurrency}"`);
  } catch (error) {
    io.out(`${(error as Error).message}\n${IMPORT_USAGE}`);
    return 2;
  }

  const file = positionals[1];
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    io.out(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return 2;
  }
  const token = values.token ?? env.CRM_TOKEN ?? (await devToken(env));
  const gatewayUrl = values.gateway ?? env.GATEWAY_URL ?? DEFAULT_GATEWAY_URL;
  const bar = progressBar(io.progress);
  try {
    const report = await importCustomersCsv(text, {
      gatewayUrl,
      token,
      dryRun: values['dry-run'],
      duplicates: values.duplicates!.toUpperCase() as 'SKIP' | 'IMPORT',
      defaultOwnerId: values['default-owner'],
      concurrency: Number(values.concurrency),
      onProgress: bar.update,
    });
    bar.end();
    for (const line of describeReport(report)) io.out(line);
    io.out(`${report.chunks} requests in ${(report.elapsedMs / 1000).toFixed(1)} s, ${Math.round(report.totals.rows / (report.elapsedMs / 1000)).toLocaleString('en')} rows/s`);
    if (report.requestErrors.length > 0) return 2;
    return report.totals.rejected > 0 ? 1 : 0;
  } catch (error) {
    bar.end();
    if (error instanceof ImportFileError || error instanceof ImportRequestError) {
      io.out(`${file}: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

/** A general manager's development token, as `npm run dev-token` mints it (only for a local platform). */
function devToken(env: NodeJS.ProcessEnv): Promise<string> {
  return signDevToken(
    { sub: 'import-cli', name: 'Customer import (dev token)', roles: ['general_manager'] },
    { secret: env.JWT_SECRET || DEV_JWT_SECRET, issuer: env.JWT_ISSUER || undefined, audience: env.JWT_AUDIENCE || undefined, expiresIn: '1h' },
  );
}

/** `[#######-------------]  35%  3 500 / 10 000 rows  (3 400 imported, 12 rejected)`, redrawn on a terminal. */
function progressBar(stream: Output['progress']) {
  const width = 30;
  let lastTenth = -1;
  let drawn = false;
  return {
    update(done: number, total: number, totals: ImportTotals) {
      const share = total === 0 ? 1 : done / total;
      const filled = Math.round(share * width);
      const written = totals.imported + totals.valid;
      const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%  ${done.toLocaleString('en')} / ${total.toLocaleString('en')} rows  (${written.toLocaleString('en')} ${totals.valid > 0 ? 'valid' : 'imported'}, ${totals.rejected.toLocaleString('en')} rejected)`;
      if (stream.isTTY) {
        stream.write(`\r${line}`);
        drawn = true;
        return;
      }
      const tenth = Math.floor(share * 10);
      if (tenth !== lastTenth) {
        lastTenth = tenth;
        stream.write(`${line}\n`);
      }
    },
    end() {
      if (drawn && stream.isTTY) stream.write('\n');
      drawn = false;
    },
  };
}

if (require.main === module) {
  runImport(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 2;
    },
  );
}
