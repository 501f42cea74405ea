import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** What `/healthz` names: the process and its release (`apps/<service>/package.json`'s version). */
export interface ServiceIdentity {
  service: string;
  version: string;
}

/** Reported when the app's package.json is not found (a process run from somewhere without it). */
export const UNKNOWN_VERSION = '0.0.0-unknown';

/**
 * The version of `apps/<service>/package.json`, found by walking up from `start` (the source tree, or /app in the
 * image, which ships the app's package.json beside its bundle) and then from the working directory.
 */
export function readServiceVersion(service: string, start = __dirname): string {
  for (const from of [start, process.cwd()]) {
    for (let dir = from; ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, 'apps', service, 'package.json');
      if (existsSync(candidate)) {
        const version = (JSON.parse(readFileSync(candidate, 'utf8')) as { version?: unknown }).version;
        return typeof version === 'string' ? version : UNKNOWN_VERSION;
      }
      if (path.dirname(dir) === dir) break;
    }
  }
  return UNKNOWN_VERSION;
}

export function serviceIdentity(service: string): ServiceIdentity {
  return { service, version: readServiceVersion(service) };
}
