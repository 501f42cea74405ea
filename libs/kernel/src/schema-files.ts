import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The repo's `schema/` folder: `SCHEMA_DIR`, else found by walking up from here (works from src and from a bundle). */
export function findSchemaDir(start = __dirname): string {
  if (process.env.SCHEMA_DIR) return process.env.SCHEMA_DIR;
  for (let dir = start; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'schema');
    if (existsSync(path.join(candidate, 'supergraph.graphql')) || existsSync(path.join(candidate, 'accounts'))) return candidate;
    if (path.dirname(dir) === dir) throw new Error('Cannot find the schema/ folder; set SCHEMA_DIR');
  }
}

export function readSubgraphSdl(service: string, file: string, schemaDir = findSchemaDir()): string {
  return readFileSync(path.join(schemaDir, service, file), 'utf8');
}

export function listSubgraphSdlFiles(service: string, schemaDir = findSchemaDir()): string[] {
  return readdirSync(path.join(schemaDir, service))
    .filter((f) => f.endsWith('.graphql'))
    .sort();
}
