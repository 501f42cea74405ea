// The subgraph check on temporary copies of schema/ (the repository's files are never edited): the base is a copy as
// committed, the candidate a copy with one subgraph changed; the collected operations are the checked-in ones.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kind, parse, print, visit, type DocumentNode } from 'graphql';
import { runSchemaCheckCli } from './schema-check';
import { checkSubgraphs, directoryTree, type SubgraphCheck } from './subgraph-check';

const REPO_SCHEMA = path.resolve(__dirname, '../../schema');

let work: string;
beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), 'schema-check-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** A copy of the repository's schema/ under the test's folder. */
function copyOfSchema(name: string): string {
  const dir = path.join(work, name);
  cpSync(REPO_SCHEMA, dir, { recursive: true });
  return dir;
}

/** Rewrite one SDL file of a copy through its syntax tree. */
function editSdl(schemaDir: string, file: string, edit: (document: DocumentNode) => DocumentNode): void {
  const target = path.join(schemaDir, file);
  writeFileSync(target, print(edit(parse(readFileSync(target, 'utf8')))));
}

function withoutField(typeName: string, fieldName: string) {
  return (document: DocumentNode) =>
    visit(document, {
      ObjectTypeDefinition(node) {
        if (node.name.value !== typeName) return undefined;
        return { ...node, fields: node.fields?.filter((field) => field.name.value !== fieldName) };
      },
    });
}

/** The SDL of a described, nullable String field, added to an object type of the file. */
function withField(typeName: string, fieldName: string) {
  const added = (parse(`type T { "Added by the spec." ${fieldName}: String }`).definitions[0] as { fields: readonly unknown[] }).fields[0];
  return (document: DocumentNode) =>
    visit(document, {
      ObjectTypeDefinition(node) {
        if (node.name.value !== typeName) return undefined;
        return { ...node, fields: [...(node.fields ?? []), added] };
      },
    });
}

async function check(base: string, candidate: string, service: string): Promise<SubgraphCheck> {
  const [result] = await checkSubgraphs(directoryTree(base, 'base'), directoryTree(candidate, 'candidate'), [service]);
  return result;
}

async function cli(argv: string[], root?: string): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runSchemaCheckCli(argv, { root, out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('npm run schema:check: a subgraph against the others and the collected operations', () => {
  it('reports a composition error (a type clash with another subgraph) and fails', async () => {
    const base = copyOfSchema('base');
    const candidate = copyOfSchema('candidate');
    // credit owns the object type Invoice; accounts declaring an enum of that name cannot compose.
    writeFileSync(path.join(candidate, 'accounts/clash.graphql'), '"A clash."\nenum Invoice {\n  "One."\n  ONE\n}\n');

    const result = await check(base, candidate, 'accounts');
    expect(result.ok).toBe(false);
    expect(result.composition.ok).toBe(false);
    expect(!result.composition.ok && result.composition.errors.map((e) => e.code)).toContain('TYPE_KIND_MISMATCH');

    const run = await cli(['accounts', '--base-dir', base, '--schema-dir', candidate]);
    expect(run.code).toBe(1);
    expect(run.out).toContain('composition FAILED');
    expect(run.out).toMatch(/\[TYPE_KIND_MISMATCH\].*Invoice/);
    expect(run.err).toContain('schema check failed for accounts');
  });

  it('fails when a field a collected operation reads is removed, naming the operation and graphql\'s error', async () => {
    const base = copyOfSchema('base');
    const candidate = copyOfSchema('candidate');
    // The console's receivables ageing reads buckets { invoiceCount }.
    editSdl(candidate, 'credit/receivables.graphql', withoutField('AgeingBucketTotal', 'invoiceCount'));

    const result = await check(base, candidate, 'credit');
    expect(result.ok).toBe(false);
    expect(result.composition.ok).toBe(true);
    const removal = result.changes.find((change) => change.path === 'AgeingBucketTotal.invoiceCount');
    expect(removal).toMatchObject({ verdict: 'break', criticality: 'BREAKING' });
    expect(removal!.usedBy).toContain('ConsoleAgeing (console.graphql)');
    const broken = result.breaks.find((b) => b.operation === 'ConsoleAgeing (console.graphql)');
    expect(broken).toMatchObject({ validatedBefore: true });
    expect(broken!.errors.join('\n')).toContain('Cannot query field "invoiceCount" on type "AgeingBucketTotal"');

    const run = await cli(['credit', '--base-dir', base, '--schema-dir', candidate]);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/BREAK +Field 'invoiceCount' was removed from object type 'AgeingBucketTotal' \(breaks .*ConsoleAgeing/);
    expect(run.out).toContain('operation BREAKS: ConsoleAgeing (console.graphql)');
  });

  it('passes with a note when the removed field is one no collected operation uses', async () => {
    // The base has a field no client knows of (added here, so no operation can name it); the candidate removes it.
    const base = copyOfSchema('base');
    const candidate = copyOfSchema('candidate');
    editSdl(base, 'credit/receivables.graphql', withField('AgeingBucketTotal', 'legacyBucketCode'));

    const result = await check(base, candidate, 'credit');
    expect(result.ok).toBe(true);
    expect(result.breaks).toEqual([]);
    expect(result.changes.find((change) => change.path === 'AgeingBucketTotal.legacyBucketCode')).toMatchObject({ verdict: 'note', criticality: 'BREAKING', usedBy: [] });

    const run = await cli(['credit', '--base-dir', base, '--schema-dir', candidate]);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/note +Field 'legacyBucketCode' was removed .*no collected operation uses it/);
    expect(run.out).toMatch(/result: ok \(\d+ collected operation\(s\) validate\)/);
  });

  it("counts the base's operations too, subfolders included: a client that still sends a removed field breaks though the candidate dropped its operation", async () => {
    const base = copyOfSchema('base');
    const candidate = copyOfSchema('candidate');
    // The base serves a field that a (test) client in schema/operations/tests/ reads; the candidate drops both.
    editSdl(base, 'credit/receivables.graphql', withField('AgeingBucketTotal', 'legacyBucketCode'));
    mkdirSync(path.join(base, 'operations/tests'), { recursive: true });
    writeFileSync(path.join(base, 'operations/tests/old-client.graphql'), 'query OldClient { ageing(asOf: "2026-01-01") { buckets { legacyBucketCode } } }\n');

    const result = await check(base, candidate, 'credit');
    expect(result.ok).toBe(false);
    expect(result.breaks.map((b) => b.operation)).toEqual(['OldClient (tests/old-client.graphql)']);
    expect(result.changes.find((change) => change.path === 'AgeingBucketTotal.legacyBucketCode')).toMatchObject({ verdict: 'break', usedBy: ['OldClient (tests/old-client.graphql)'] });
  });

  it('passes an added field', async () => {
    const base = copyOfSchema('base');
    const candidate = copyOfSchema('candidate');
    editSdl(candidate, 'accounts/customers.graphql', withField('Customer', 'nickname'));

    const result = await check(base, candidate, 'accounts');
    expect(result.ok).toBe(true);
    expect(result.changes.find((change) => change.path === 'Customer.nickname')).toMatchObject({ verdict: 'safe', criticality: 'NON_BREAKING' });
    expect(result.changes.filter((change) => change.verdict !== 'safe')).toEqual([]);
    expect((await cli(['accounts', '--base-dir', base, '--schema-dir', candidate])).code).toBe(0);
  });

  it('warns about a change operations still validate against but may not expect: an output turning nullable, a new enum value', async () => {
    const base = copyOfSchema('base');
    const candidate = copyOfSchema('candidate');
    editSdl(candidate, 'credit/receivables.graphql', (document) =>
      visit(document, {
        FieldDefinition(node, _key, _parent, _path, ancestors) {
          const owner = ancestors[ancestors.length - 1] as { kind?: string; name?: { value: string } };
          if (owner.kind !== Kind.OBJECT_TYPE_DEFINITION || owner.name?.value !== 'AgeingBucketTotal' || node.name.value !== 'invoiceCount') return undefined;
          return { ...node, type: node.type.kind === Kind.NON_NULL_TYPE ? node.type.type : node.type };
        },
        EnumTypeDefinition(node) {
          if (node.name.value !== 'AgeingBucket') return undefined;
          const value = (parse('enum E { "Added by the spec." OVER_A_YEAR }').definitions[0] as { values: readonly unknown[] }).values[0];
          return { ...node, values: [...(node.values ?? []), value] };
        },
      }),
    );

    const result = await check(base, candidate, 'credit');
    expect(result.ok).toBe(true);
    expect(result.changes.find((change) => change.path === 'AgeingBucketTotal.invoiceCount')).toMatchObject({ verdict: 'warning' });
    const enumValue = result.changes.find((change) => change.path === 'AgeingBucket.OVER_A_YEAR');
    expect(enumValue).toMatchObject({ verdict: 'warning', criticality: 'DANGEROUS' });
    expect(enumValue!.usedBy).toContain('ConsoleAgeing (console.graphql)');
  });

  it('reads the base from git and checks only the subgraphs whose SDL changed (--affected)', async () => {
    const repo = path.join(work, 'repo');
    cpSync(REPO_SCHEMA, path.join(repo, 'schema'), { recursive: true });
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=spec', '-c', 'user.email=spec@example.invalid', ...args], { encoding: 'utf8' });
    git('init', '--quiet');
    git('add', 'schema');
    git('commit', '--quiet', '-m', 'base');

    const untouched = await cli(['--affected', '--base', 'HEAD'], repo);
    expect(untouched.code).toBe(0);
    expect(untouched.out).toContain('nothing to check');

    editSdl(path.join(repo, 'schema'), 'credit/receivables.graphql', withoutField('AgeingBucketTotal', 'invoiceCount'));
    const affected = await cli(['--affected', '--base', 'HEAD'], repo);
    expect(affected.code).toBe(1);
    expect(affected.out).toContain('schema check: credit (the working tree, the other subgraphs from HEAD)');
    expect(affected.out).not.toContain('schema check: accounts');
    expect(affected.out).toContain('operation BREAKS: ConsoleAgeing (console.graphql)');

    // --all checks every subgraph; the unchanged ones pass.
    const all = await cli(['--all', '--base', 'HEAD'], repo);
    expect(all.code).toBe(1);
    expect(all.out.match(/^schema check: /gm)).toHaveLength(5);
    expect(all.err).toContain('schema check failed for credit');
  });

  it('refuses an unknown subgraph or base ref with exit code 2', async () => {
    const base = copyOfSchema('base');
    expect((await cli(['billing', '--base-dir', base, '--schema-dir', base])).code).toBe(2);
    expect((await cli([], undefined)).code).toBe(2);
    expect((await cli(['accounts', '--base', 'no-such-ref-anywhere'])).err).toContain('cannot read the base');
  });
});
