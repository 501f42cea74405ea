// The check a schema registry runs before a subgraph ships: the changed subgraph's SDL composed with the others'
// current SDL (from the base, normally origin/main), then every change to the client schema weighed against the
// operations the platform's own clients send (schema/operations, collected by `npm run operations`). An operation
// that validated against the base's client schema and no longer validates is a break; a breaking or dangerous change
// that an operation touches but that still validates (an output turning nullable, a new enum value) is a warning; one
// that no collected operation touches passes with a note.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  Kind,
  parse,
  print,
  typeFromAST,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
  type ASTNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { clientSchemaOf, composeSupergraph, defaultSubgraphUrls, OPERATIONS_FOLDER, readSubgraphFiles, subgraphSources, type CompositionProblem } from '../compose-supergraph';

/** The schema/ folder of one state of the repository: a git ref, or a directory (the working tree, a test's copy). */
export interface SchemaTree {
  /** How the report names it: `origin/main`, `the working tree`. */
  label: string;
  /** Every schema/<service>/*.graphql: service -> file name -> SDL, both in name order. */
  subgraphs(): Map<string, Map<string, string>>;
  /** Every .graphql file under schema/operations, subfolders too: its path there (`console.graphql`, `tests/e2e.graphql`) -> text. */
  operations(): Map<string, string>;
}

/** A schema/ directory on disk. */
export function directoryTree(schemaDir: string, label: string): SchemaTree {
  return {
    label,
    subgraphs: () => readSubgraphFiles(schemaDir),
    operations() {
      const dir = path.join(schemaDir, OPERATIONS_FOLDER);
      if (!existsSync(dir)) return new Map();
      const files = (readdirSync(dir, { recursive: true }) as string[])
        .map((file) => file.split(path.sep).join('/'))
        .filter((file) => file.endsWith('.graphql'))
        .sort();
      return new Map(files.map((file) => [file, readFileSync(path.join(dir, file), 'utf8')]));
    },
  };
}

/** schema/ as committed at `ref` in the repository at `repoRoot`, read with `git ls-tree` and `git show`. */
export function gitTree(repoRoot: string, ref: string, schemaPath = 'schema'): SchemaTree {
  const git = (...args: string[]) => execFileSync('git', ['-C', repoRoot, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  let listing: string[] | undefined;
  // schema/<folder>/<file>.graphql, one level deep as on disk.
  const files = () => (listing ??= git('ls-tree', '-r', '--name-only', ref, '--', `${schemaPath}/`).split('\n').filter((line) => line.endsWith('.graphql')));
  const inFolder = (folder: string | undefined) =>
    files()
      .map((file) => path.posix.relative(schemaPath, file).split('/'))
      .filter((parts) => parts.length === 2 && (folder === undefined ? parts[0] !== OPERATIONS_FOLDER : parts[0] === folder))
      .sort((a, b) => (a.join('/') < b.join('/') ? -1 : 1));
  const show = (parts: string[]) => git('show', `${ref}:${schemaPath}/${parts.join('/')}`);
  return {
    label: ref,
    subgraphs() {
      const result = new Map<string, Map<string, string>>();
      for (const parts of inFolder(undefined)) {
        if (!result.has(parts[0])) result.set(parts[0], new Map());
        result.get(parts[0])!.set(parts[1], show(parts));
      }
      return result;
    },
    operations() {
      const prefix = `${schemaPath}/${OPERATIONS_FOLDER}/`;
      const inside = files()
        .filter((file) => file.startsWith(prefix))
        .map((file) => file.slice(prefix.length))
        .sort();
      return new Map(inside.map((file) => [file, git('show', `${ref}:${prefix}${file}`)]));
    },
  };
}

/** `origin/main` when the clone has it, else `HEAD`. */
export function defaultBaseRef(repoRoot: string): string {
  try {
    execFileSync('git', ['-C', repoRoot, 'rev-parse', '--verify', '--quiet', 'origin/main^{commit}'], { stdio: 'ignore' });
    return 'origin/main';
  } catch {
    return 'HEAD';
  }
}

/** The services whose schema/<service>/ files differ between two trees (added, removed or edited). */
export function changedSubgraphs(base: SchemaTree, candidate: SchemaTree): string[] {
  const [before, after] = [base.subgraphs(), candidate.subgraphs()];
  const services = [...new Set([...before.keys(), ...after.keys()])].sort();
  return services.filter((service) => !sameFiles(before.get(service), after.get(service)));
}

function sameFiles(a: Map<string, string> | undefined, b: Map<string, string> | undefined): boolean {
  if (!a || !b) return a === b;
  return a.size === b.size && [...a].every(([file, sdl]) => b.get(file) === sdl);
}

/** One operation of the checked-in list, with the fragments it spreads. */
export interface CollectedOperation {
  /** `ConsoleViewer (console.graphql)`, or `anonymous query #3 (demo.graphql)`. */
  label: string;
  document: DocumentNode;
  /** Printed, to tell the base's copy from the candidate's. */
  source: string;
}

/** Split operation files into one document per operation (a file may hold many, anonymous ones included). */
export function collectedOperations(files: Map<string, string>): CollectedOperation[] {
  const result: CollectedOperation[] = [];
  const seen = new Set<string>();
  for (const [file, text] of files) {
    const document = parse(text);
    const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
    let anonymous = 0;
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
      const name = definition.name?.value ?? `anonymous ${definition.operation} #${++anonymous}`;
      const single: DocumentNode = { kind: Kind.DOCUMENT, definitions: [definition, ...fragmentsUsedBy(definition, fragments)] };
      const source = print(single);
      // The same operation collected from two clients is checked once, under the first file's name.
      if (seen.has(source)) continue;
      seen.add(source);
      result.push({ label: `${name} (${file})`, document: single, source });
    }
  }
  return result;
}

function fragmentsUsedBy(root: ASTNode, fragments: Map<string, FragmentDefinitionNode>): FragmentDefinitionNode[] {
  const used = new Map<string, FragmentDefinitionNode>();
  const from = (node: ASTNode) =>
    visit(node, {
      FragmentSpread(spread) {
        const fragment = fragments.get(spread.name.value);
        if (!fragment || used.has(fragment.name.value)) return;
        used.set(fragment.name.value, fragment);
        from(fragment);
      },
    });
  from(root);
  return [...used.values()];
}

/**
 * The schema coordinates an operation touches, read against `schema`: `Type.field`, `Type.field.argument`, every
 * named type it selects, passes or spreads on, and every field of the input types it sends (a variable may fill any).
 */
export function coordinatesOf(document: DocumentNode, schema: GraphQLSchema): Set<string> {
  const used = new Set<string>();
  const addType = (type: GraphQLNamedType | undefined | null) => {
    if (!type || used.has(type.name)) return;
    used.add(type.name);
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        used.add(`${type.name}.${field.name}`);
        addType(getNamedType(field.type));
      }
    }
  };
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (parent) used.add(`${parent.name}.${node.name.value}`);
        const type = typeInfo.getType();
        if (type) addType(getNamedType(type));
      },
      Argument(node) {
        const [parent, field, argument] = [typeInfo.getParentType(), typeInfo.getFieldDef(), typeInfo.getArgument()];
        if (parent && field) used.add(`${parent.name}.${field.name}.${node.name.value}`);
        if (argument) addType(getNamedType(argument.type));
      },
      VariableDefinition(node) {
        const type = typeFromAST(schema, node.type);
        if (type) addType(getNamedType(type));
      },
      InlineFragment(node) {
        if (node.typeCondition) addType(schema.getType(node.typeCondition.name.value) ?? undefined);
      },
      FragmentDefinition(node) {
        addType(schema.getType(node.typeCondition.name.value) ?? undefined);
      },
    }),
  );
  return used;
}

/** Does an operation (its coordinates, read against `schema`) touch the thing a change is about? */
export function touches(coordinates: Set<string>, changePath: string | undefined, schema: GraphQLSchema): boolean {
  if (!changePath) return false;
  if (coordinates.has(changePath)) return true;
  const parts = changePath.split('.');
  // An argument of a field the operation selects (a new required argument breaks it even when it sends none).
  if (parts.length >= 3 && coordinates.has(`${parts[0]}.${parts[1]}`)) return true;
  // A value of an enum, or a field of an input type, the operation reads or sends.
  if (parts.length === 2 && coordinates.has(parts[0])) {
    const type = schema.getType(parts[0]);
    return isEnumType(type) || isInputObjectType(type);
  }
  return false;
}

export type Verdict = 'break' | 'warning' | 'note' | 'safe';

export interface CheckedChange {
  /** graphql-inspector's change type, e.g. FIELD_REMOVED. */
  type: string;
  message: string;
  path?: string;
  /** graphql-inspector's criticality. */
  criticality: CriticalityLevel;
  verdict: Verdict;
  /** The collected operations that touch what changed. */
  usedBy: string[];
}

export interface OperationBreak {
  operation: string;
  /** graphql's validation errors against the new client schema. */
  errors: string[];
  /** Whether the base's client schema accepted it (else it is a new operation that never validated). */
  validatedBefore: boolean;
}

export interface SubgraphCheck {
  service: string;
  /** The candidate's SDL for the service is the base's: nothing to check beyond the base composing. */
  unchanged: boolean;
  composition: { ok: true; hints: CompositionProblem[] } | { ok: false; errors: CompositionProblem[] };
  changes: CheckedChange[];
  breaks: OperationBreak[];
  /** Operations already invalid against the base (a problem, not this change's). */
  alreadyInvalid: string[];
  operationsChecked: number;
  ok: boolean;
}

export interface CheckOptions {
  urls?: Record<string, string>;
}

interface ComposedState {
  errors?: CompositionProblem[];
  hints: CompositionProblem[];
  clientSchema?: GraphQLSchema;
}

function compose(subgraphs: Map<string, Map<string, string>>, urls: Record<string, string>): ComposedState {
  const read = subgraphSources(subgraphs, urls);
  if (read.errors.length > 0) return { errors: read.errors, hints: [] };
  const outcome = composeSupergraph(read.sources);
  if (!outcome.ok) return { errors: outcome.errors, hints: [] };
  return { hints: outcome.hints, clientSchema: buildSchema(clientSchemaOf(outcome.supergraph)) };
}

/**
 * Check each of `services` on its own, as a registry does: the candidate's SDL for that service, the base's for every
 * other one. Operations: the base's list (what clients send today) and the candidate's (what they will send).
 */
export async function checkSubgraphs(base: SchemaTree, candidate: SchemaTree, services: string[], options: CheckOptions = {}): Promise<SubgraphCheck[]> {
  const urls = options.urls ?? defaultSubgraphUrls();
  const baseSubgraphs = base.subgraphs();
  const candidateSubgraphs = candidate.subgraphs();
  const baseState = compose(baseSubgraphs, urls);

  const baseOperations = collectedOperations(base.operations());
  const baseSources = new Set(baseOperations.map((operation) => operation.source));
  const operations = [...baseOperations, ...collectedOperations(candidate.operations()).filter((operation) => !baseSources.has(operation.source))];
  // Validity and coordinates against the base, computed once for every service.
  const before = operations.map((operation) => {
    if (!baseState.clientSchema) return { valid: false, coordinates: new Set<string>() };
    return { valid: validate(baseState.clientSchema, operation.document).length === 0, coordinates: coordinatesOf(operation.document, baseState.clientSchema) };
  });

  const results: SubgraphCheck[] = [];
  for (const service of services) {
    const mixed = new Map(baseSubgraphs);
    const next = candidateSubgraphs.get(service);
    if (next) mixed.set(service, next);
    else mixed.delete(service);
    const unchanged = sameFiles(baseSubgraphs.get(service), next);
    const state = unchanged ? baseState : compose(mixed, urls);
    if (!state.clientSchema) {
      results.push({ service, unchanged, composition: { ok: false, errors: state.errors ?? [] }, changes: [], breaks: [], alreadyInvalid: [], operationsChecked: 0, ok: false });
      continue;
    }
    const clientSchema = state.clientSchema;

    const breaks: OperationBreak[] = [];
    const alreadyInvalid: string[] = [];
    const broken = new Set<number>();
    operations.forEach((operation, i) => {
      const errors = validate(clientSchema, operation.document).map((error) => error.message);
      if (errors.length === 0) return;
      const fromBase = i < baseOperations.length;
      if (fromBase && !before[i].valid) {
        alreadyInvalid.push(operation.label);
        return;
      }
      broken.add(i);
      breaks.push({ operation: operation.label, errors, validatedBefore: before[i].valid });
    });

    const changes: CheckedChange[] = [];
    if (baseState.clientSchema && !unchanged) {
      for (const change of await diff(baseState.clientSchema, clientSchema)) changes.push(weigh(change, operations, before, broken, baseState.clientSchema, clientSchema));
    }
    results.push({
      service,
      unchanged,
      composition: { ok: true, hints: state.hints },
      changes,
      breaks,
      alreadyInvalid,
      operationsChecked: operations.length,
      ok: breaks.length === 0,
    });
  }
  return results;
}

function weigh(change: Change, operations: CollectedOperation[], before: { coordinates: Set<string> }[], broken: Set<number>, baseSchema: GraphQLSchema, nextSchema: GraphQLSchema): CheckedChange {
  const users = operations
    .map((operation, i) => ({ operation, i }))
    .filter(({ operation, i }) => touches(before[i].coordinates, change.path, baseSchema) || touches(coordinatesOf(operation.document, nextSchema), change.path, nextSchema));
  const level = change.criticality.level;
  let verdict: Verdict = 'safe';
  if (users.some(({ i }) => broken.has(i))) verdict = 'break';
  else if (level !== CriticalityLevel.NonBreaking) verdict = users.length > 0 ? 'warning' : 'note';
  return { type: change.type, message: change.message, path: change.path, criticality: level, verdict, usedBy: users.map(({ operation }) => operation.label) };
}

/** Operations with their names only, so a long list stays readable. */
function listOf(labels: string[], max = 5): string {
  const shown = labels.slice(0, max).join(', ');
  return labels.length > max ? `${shown} and ${labels.length - max} more` : shown;
}

const SAFE_CHANGES_SHOWN = 15;

/** The plain-text report of some checks, one block per service. */
export function renderReport(checks: SubgraphCheck[], base: SchemaTree, candidate: SchemaTree): string[] {
  const lines: string[] = [];
  for (const check of checks) {
    lines.push(`schema check: ${check.service} (${candidate.label}, the other subgraphs from ${base.label})`);
    if (!check.composition.ok) {
      lines.push(`  composition FAILED:`);
      for (const error of check.composition.errors) lines.push(`    [${error.code}] ${error.message}`);
      lines.push(`  result: FAIL (does not compose)`);
      continue;
    }
    lines.push(`  composition: ok${check.unchanged ? ` (unchanged since ${base.label})` : ''}${check.composition.hints.length ? `, ${check.composition.hints.length} hint(s)` : ''}`);
    const mark: Record<Verdict, string> = { break: 'BREAK  ', warning: 'WARNING', note: 'note   ', safe: 'safe   ' };
    if (check.changes.length > 0) lines.push(`  changes to the client schema (${check.changes.length}):`);
    // Safe changes are listed briefly: descriptions only counted, the rest up to a screenful.
    const safe = check.changes.filter((change) => change.verdict === 'safe');
    const descriptions = safe.filter((change) => /DESCRIPTION|DEPRECATION_REASON/.test(change.type));
    const safeShown = safe.filter((change) => !descriptions.includes(change)).slice(0, SAFE_CHANGES_SHOWN);
    for (const change of check.changes) {
      if (change.verdict === 'safe' && !safeShown.includes(change)) continue;
      const why =
        change.verdict === 'break'
          ? ` (breaks ${listOf(change.usedBy)})`
          : change.verdict === 'warning'
            ? ` (${change.criticality.toLowerCase().replace('_', '-')}; still valid for ${listOf(change.usedBy)}: check they cope)`
            : change.verdict === 'note'
              ? ` (${change.criticality.toLowerCase().replace('_', '-')} in general; no collected operation uses it)`
              : '';
      lines.push(`    ${mark[change.verdict]} ${change.message}${why}`);
    }
    const safeHidden = safe.length - safeShown.length - descriptions.length;
    if (safeHidden > 0 || descriptions.length > 0) {
      lines.push(`    safe    ${[safeHidden > 0 ? `${safeHidden} more safe change(s)` : '', descriptions.length > 0 ? `${descriptions.length} description change(s)` : ''].filter(Boolean).join(' and ')}`);
    }
    for (const broken of check.breaks) {
      lines.push(`  operation BREAKS: ${broken.operation}${broken.validatedBefore ? '' : ' (a new operation that does not validate)'}`);
      for (const error of broken.errors) lines.push(`      ${error}`);
    }
    if (check.alreadyInvalid.length > 0) lines.push(`  warning: already invalid against ${base.label}, not counted: ${listOf(check.alreadyInvalid)}`);
    lines.push(
      check.ok
        ? `  result: ok (${check.operationsChecked} collected operation(s) validate)`
        : `  result: FAIL (${check.breaks.length} of ${check.operationsChecked} collected operation(s) break)`,
    );
  }
  return lines;
}
