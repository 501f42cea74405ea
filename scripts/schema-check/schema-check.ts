/**
 * Check a subgraph before it ships, as a schema registry would (the logic is in subgraph-check.ts):
 *   npm run schema:check -- accounts [credit ...]   the working tree's SDL of these, the others' from the base
 *   npm run schema:check -- --all                   every subgraph
 *   npm run schema:check -- --affected              the subgraphs whose schema/<service>/ differs from the base
 * --base <ref>       the state compared against (default origin/main when the clone has it, else HEAD)
 * --base-dir <dir>   a schema/ directory instead of a ref; --schema-dir <dir> the candidate's (default the working tree)
 * Exit 1 when a checked subgraph does not compose or a collected operation (schema/operations) stops validating;
 * 2 on a usage error.
 */
import path from 'node:path';
import { checkSubgraphs, changedSubgraphs, defaultBaseRef, directoryTree, gitTree, renderReport, type SchemaTree } from './subgraph-check';

export interface SchemaCheckCliOptions {
  /** The repository (default: this checkout). */
  root?: string;
  urls?: Record<string, string>;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

const USAGE = 'usage: npm run schema:check -- <service>... | --all | --affected [--base <ref> | --base-dir <dir>] [--schema-dir <dir>]';

function valueOf(argv: string[], flag: string): string | undefined {
  const at = argv.indexOf(flag);
  return at >= 0 ? argv[at + 1] : undefined;
}

/** The CLI, as a function returning the exit code (specs call it directly). */
export async function runSchemaCheckCli(argv: string[], options: SchemaCheckCliOptions = {}): Promise<number> {
  const { root = path.resolve(__dirname, '../..'), urls, out = (l) => process.stdout.write(`${l}\n`), err = (l) => process.stderr.write(`${l}\n`) } = options;
  const valued = new Set(['--base', '--base-dir', '--schema-dir']);
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (valued.has(argv[i])) {
      if (argv[i + 1] === undefined || argv[i + 1].startsWith('--')) {
        err(`${argv[i]} needs a value\n${USAGE}`);
        return 2;
      }
      i++;
    } else if (argv[i] === '--all' || argv[i] === '--affected') continue;
    else if (argv[i].startsWith('--')) {
      err(`unknown option ${argv[i]}\n${USAGE}`);
      return 2;
    } else positional.push(argv[i]);
  }

  const baseDir = valueOf(argv, '--base-dir');
  let base: SchemaTree;
  try {
    base = baseDir ? directoryTree(path.resolve(baseDir), baseDir) : gitTree(root, valueOf(argv, '--base') ?? defaultBaseRef(root));
    base.subgraphs(); // an unknown ref fails here, with git's message
  } catch (error) {
    err(`cannot read the base: ${(error as Error).message.trim()}`);
    return 2;
  }
  const schemaDir = valueOf(argv, '--schema-dir');
  const candidate = directoryTree(schemaDir ? path.resolve(schemaDir) : path.join(root, 'schema'), schemaDir ?? 'the working tree');

  const known = [...new Set([...base.subgraphs().keys(), ...candidate.subgraphs().keys()])].sort();
  let services: string[];
  if (argv.includes('--all')) services = known;
  else if (argv.includes('--affected')) services = changedSubgraphs(base, candidate);
  else services = positional;
  if (services.length === 0 && !argv.includes('--affected')) {
    err(USAGE);
    return 2;
  }
  const unknown = services.filter((service) => !known.includes(service));
  if (unknown.length > 0) {
    err(`no subgraph ${unknown.join(', ')} in schema/ (have: ${known.join(', ')})`);
    return 2;
  }
  if (services.length === 0) {
    out(`schema check: no subgraph's SDL differs from ${base.label}; nothing to check`);
    return 0;
  }

  const checks = await checkSubgraphs(base, candidate, services, { urls });
  for (const line of renderReport(checks, base, candidate)) out(line);
  const failed = checks.filter((check) => !check.ok).map((check) => check.service);
  if (failed.length > 0) {
    err(`schema check failed for ${failed.join(', ')}`);
    return 1;
  }
  return 0;
}

if (require.main === module) void runSchemaCheckCli(process.argv.slice(2)).then((code) => (process.exitCode = code));
