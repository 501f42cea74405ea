import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareSchemas, contractKey, eventContractJsonSchema, eventContracts, type JsonSchema } from './contract-schemas';

/** `libs/contracts/snapshots/events/<type>.<version>.json`: each contract version's JSON Schema as last recorded. */
export const SNAPSHOT_DIR = join(__dirname, '..', 'snapshots', 'events');

export type SnapshotStatus =
  | { key: string; status: 'unchanged' }
  /** No snapshot yet: a new contract or a new version. */
  | { key: string; status: 'new'; schema: JsonSchema }
  /** Only optional fields added (or documentation changed): the snapshot may be updated. */
  | { key: string; status: 'additive'; schema: JsonSchema; changes: string[] }
  /** A consumer of one side would reject what the other sends: this needs a new version, not an edit. */
  | { key: string; status: 'breaking'; schema: JsonSchema; changes: string[] }
  /** A snapshot whose contract version no longer exists (retired once no consumer accepts it). */
  | { key: string; status: 'removed' };

export function snapshotPath(key: string, dir = SNAPSHOT_DIR): string {
  return join(dir, `${key}.json`);
}

export function readSnapshots(dir = SNAPSHOT_DIR): Map<string, JsonSchema> {
  const snapshots = new Map<string, JsonSchema>();
  if (!existsSync(dir)) return snapshots;
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.json')).sort()) {
    snapshots.set(file.replace(/\.json$/, ''), JSON.parse(readFileSync(join(dir, file), 'utf8')) as JsonSchema);
  }
  return snapshots;
}

/** Every contract version against its recorded schema, plus every recorded schema without a contract. */
export function compareWithSnapshots(dir = SNAPSHOT_DIR): SnapshotStatus[] {
  const snapshots = readSnapshots(dir);
  const statuses: SnapshotStatus[] = [];
  for (const contract of eventContracts()) {
    const key = contractKey(contract);
    const schema = eventContractJsonSchema(contract);
    const recorded = snapshots.get(key);
    snapshots.delete(key);
    if (!recorded) {
      statuses.push({ key, status: 'new', schema });
      continue;
    }
    const { breaking, additive } = compareSchemas(recorded, schema);
    if (breaking.length > 0) statuses.push({ key, status: 'breaking', schema, changes: breaking });
    else if (JSON.stringify(recorded) !== JSON.stringify(schema)) statuses.push({ key, status: 'additive', schema, changes: additive });
    else statuses.push({ key, status: 'unchanged' });
  }
  for (const key of snapshots.keys()) statuses.push({ key, status: 'removed' });
  return statuses;
}

export function writeSnapshot(key: string, schema: JsonSchema, dir = SNAPSHOT_DIR): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(snapshotPath(key, dir), `${JSON.stringify(schema, null, 2)}\n`);
}

export function removeSnapshot(key: string, dir = SNAPSHOT_DIR): void {
  rmSync(snapshotPath(key, dir));
}

/** What to tell a developer about one status (empty for unchanged). */
export function explain(status: SnapshotStatus): string {
  switch (status.status) {
    case 'unchanged':
      return '';
    case 'new':
      return `${status.key}: no snapshot yet; record it with npm run contracts:snapshot`;
    case 'additive':
      return `${status.key}: changed compatibly (${status.changes.join('; ') || 'documentation only'}); record it with npm run contracts:snapshot`;
    case 'breaking':
      return [
        `${status.key}: changed in a way that breaks producers or consumers of this version:`,
        ...status.changes.map((change) => `  - ${change}`),
        `  Within a version only optional fields may be added. Revert the change and define the new shape as the next version`,
        `  (defineEvent(..., 'v${nextVersion(status.key)}', ...)), published alongside this one until every consumer accepts it.`,
      ].join('\n');
    case 'removed':
      return `${status.key}: the snapshot has no contract any more; if no consumer accepts this version, delete it with npm run contracts:snapshot`;
  }
}

function nextVersion(key: string): number {
  return Number(/\.v(\d+)$/.exec(key)?.[1] ?? 1) + 1;
}
