// A breaking change to the client-facing graph must be explicit: `npm run compose` refuses one unless it is
// accepted with a reason, which is recorded in schema/BREAKING_CHANGES.md for reviewers and clients.
import { Supergraph } from '@apollo/federation-internals';
import { CriticalityLevel, diff } from '@graphql-inspector/core';
import { appendFileSync, existsSync } from 'node:fs';

export const BREAKING_CHANGES_FILE = 'BREAKING_CHANGES.md';

/** Breaking changes between two supergraphs, compared on the API schema clients see. */
export async function breakingChanges(previousSupergraph: string, nextSupergraph: string): Promise<string[]> {
  const api = (sdl: string) => Supergraph.build(sdl).apiSchema().toGraphQLJSSchema();
  const changes = await diff(api(previousSupergraph), api(nextSupergraph));
  return changes.filter((change) => change.criticality.level === CriticalityLevel.Breaking).map((change) => change.message);
}

export function recordAcceptedBreakingChanges(file: string, changes: string[], reason: string, at = new Date()): void {
  const header = existsSync(file) ? '' : '# Accepted breaking changes to the graph\n\nWritten by `npm run compose -- --accept-breaking "<reason>"`.\n';
  appendFileSync(file, `${header}\n## ${at.toISOString().slice(0, 10)}: ${reason}\n\n${changes.map((c) => `- ${c}`).join('\n')}\n`);
}
