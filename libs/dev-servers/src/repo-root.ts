import { existsSync } from 'node:fs';
import path from 'node:path';

/** The workspace root (where nx.json lives), found from this file so it works from any cwd. */
export function repoRoot(start = __dirname): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'nx.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error('Cannot find the workspace root (nx.json)');
  }
}
