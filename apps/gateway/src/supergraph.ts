import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { findSchemaDir } from '@crm/kernel';
import type { GatewayConfig } from './gateway.config';

/** Where the committed supergraph is read from: SUPERGRAPH_PATH, else `schema/supergraph.graphql` above this file. */
export function supergraphPath(config: Pick<GatewayConfig, 'SUPERGRAPH_PATH'>): string {
  if (config.SUPERGRAPH_PATH) return path.resolve(config.SUPERGRAPH_PATH);
  return path.join(findSchemaDir(__dirname), 'supergraph.graphql');
}

/** Where the operations the platform ships are read from (their plans are warmed at start): OPERATIONS_PATH, else `schema/operations`. */
export function operationsDir(config: Pick<GatewayConfig, 'OPERATIONS_PATH'>): string {
  if (config.OPERATIONS_PATH) return path.resolve(config.OPERATIONS_PATH);
  return path.join(findSchemaDir(__dirname), 'operations');
}

/**
 * Read the static supergraph. The gateway never asks subgraphs for their schema at start-up, so it starts (and stays
 * up) whichever subgraphs are down.
 */
export function readSupergraphSdl(config: Pick<GatewayConfig, 'SUPERGRAPH_PATH'>): string {
  const file = supergraphPath(config);
  if (!existsSync(file)) throw new Error(`No supergraph at ${file}: run \`npm run compose\` or set SUPERGRAPH_PATH`);
  return readFileSync(file, 'utf8');
}
