import { z } from 'zod';
import type { EventContract } from './event-contract';
import * as accountsAccessEvents from './events/accounts-access.events';
import * as accountsEvents from './events/accounts.events';
import * as creditEvents from './events/credit.events';
import * as engagementVisitsEvents from './events/engagement-visits.events';
import * as engagementEvents from './events/engagement.events';
import * as serviceDeskEvents from './events/service-desk.events';
import * as surveysEvents from './events/surveys.events';

/** The contract modules the catalogue reads; a spec checks every `src/events/*.events.ts` file is listed. */
export const eventContractModules: Record<string, Record<string, unknown>> = {
  'accounts-access.events': accountsAccessEvents,
  'accounts.events': accountsEvents,
  'credit.events': creditEvents,
  'engagement-visits.events': engagementVisitsEvents,
  'engagement.events': engagementEvents,
  'service-desk.events': serviceDeskEvents,
  'surveys.events': surveysEvents,
};

function isEventContract(value: unknown): value is EventContract {
  const candidate = value as Partial<EventContract> | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.type === 'string' && typeof candidate.version === 'string' && candidate.data instanceof z.ZodType;
}

/** Every event contract defined in `src/events`, one entry per type and version, sorted by type then version number. */
export function eventContracts(): EventContract[] {
  const byKey = new Map<string, EventContract>();
  for (const exports of Object.values(eventContractModules)) {
    for (const value of Object.values(exports)) {
      if (!isEventContract(value)) continue;
      const key = contractKey(value);
      const known = byKey.get(key);
      if (known && known !== value) throw new Error(`${key} is defined twice`);
      byKey.set(key, value);
    }
  }
  return [...byKey.values()].sort((a, b) => a.type.localeCompare(b.type) || versionNumber(a.version) - versionNumber(b.version));
}

/** `<type>.<version>`, e.g. `crm.accounts.customer.created.v1`: the snapshot's file name without `.json`. */
export function contractKey(contract: Pick<EventContract, 'type' | 'version'>): string {
  return `${contract.type}.${contract.version}`;
}

export function versionNumber(version: string): number {
  return Number(version.replace(/^v/, ''));
}

export type JsonSchema = Record<string, unknown>;

/**
 * The JSON Schema of what a consumer of this contract accepts (zod's input side: a field with a default is optional
 * on the wire). Pre-processing steps are not representable and appear as the schema they feed.
 */
export function eventContractJsonSchema(contract: EventContract): JsonSchema {
  return z.toJSONSchema(contract.data, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
}

/** Keys that only document a schema; changing them changes nothing a producer or a consumer does. */
const DOCUMENTATION_KEYS = new Set(['description', 'title', 'examples', '$comment']);

export interface SchemaChanges {
  /** Changes that need a new version: a consumer of one side would reject what the other side sends. */
  breaking: string[];
  /** Optional fields added: allowed within a version (old readers drop them, new readers do without them). */
  additive: string[];
}

/**
 * Compare a version's recorded schema with its current one. Within a version the only allowed change is an added
 * optional property (and documentation): consumers parse events with zod, which drops unknown keys but rejects a
 * missing required field, another type, or a value outside an enum or a bound — in either direction, since old
 * producers (and events already on the stream) meet new consumers and new producers meet old ones.
 */
export function compareSchemas(recorded: JsonSchema, current: JsonSchema): SchemaChanges {
  const changes: SchemaChanges = { breaking: [], additive: [] };
  compareNode(recorded, current, 'data', changes);
  return changes;
}

function compareNode(before: unknown, after: unknown, path: string, changes: SchemaChanges): void {
  if (!isPlainObject(before) || !isPlainObject(after)) {
    if (JSON.stringify(before) !== JSON.stringify(after)) changes.breaking.push(`${path}: changed from ${describe(before)} to ${describe(after)}`);
    return;
  }
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    if (DOCUMENTATION_KEYS.has(key)) continue;
    if (key === 'properties') compareProperties(before, after, path, changes);
    else if (key === 'required') compareRequired(before, after, path, changes);
    else if (key === 'enum') compareEnum(before.enum, after.enum, path, changes);
    else if (!(key in after)) changes.breaking.push(`${path}: lost "${key}" (${describe(before[key])})`);
    else if (!(key in before)) changes.breaking.push(`${path}: gained "${key}" (${describe(after[key])})`);
    else if (Array.isArray(before[key]) && Array.isArray(after[key])) compareArrays(before[key] as unknown[], after[key] as unknown[], `${path}.${key}`, changes);
    else compareNode(before[key], after[key], `${path}.${key}`, changes);
  }
}

function compareProperties(before: Record<string, unknown>, after: Record<string, unknown>, path: string, changes: SchemaChanges): void {
  const was = (before.properties ?? {}) as Record<string, unknown>;
  const now = (after.properties ?? {}) as Record<string, unknown>;
  const nowRequired = new Set((after.required ?? []) as string[]);
  for (const name of Object.keys(was)) {
    if (!(name in now)) changes.breaking.push(`${path}.${name}: removed`);
    else compareNode(was[name], now[name], `${path}.${name}`, changes);
  }
  for (const name of Object.keys(now)) {
    if (name in was) continue;
    // A new required field is reported by compareRequired; only optional additions are additive,
    // unless the object was closed (a strict object's old consumers reject any key they do not know).
    if (nowRequired.has(name)) continue;
    if (before.additionalProperties === false) changes.breaking.push(`${path}.${name}: field added to a closed object`);
    else changes.additive.push(`${path}.${name}: optional field added`);
  }
}

function compareRequired(before: Record<string, unknown>, after: Record<string, unknown>, path: string, changes: SchemaChanges): void {
  const was = new Set((before.required ?? []) as string[]);
  const now = new Set((after.required ?? []) as string[]);
  const wasProperties = (before.properties ?? {}) as Record<string, unknown>;
  for (const name of now) {
    if (was.has(name)) continue;
    changes.breaking.push(name in wasProperties ? `${path}.${name}: became required` : `${path}.${name}: new required field`);
  }
  for (const name of was) {
    const nowProperties = (after.properties ?? {}) as Record<string, unknown>;
    // A removed field is reported once, as removed.
    if (!now.has(name) && name in nowProperties) changes.breaking.push(`${path}.${name}: became optional (old consumers require it)`);
  }
}

function compareEnum(before: unknown, after: unknown, path: string, changes: SchemaChanges): void {
  const was = new Set(((before ?? []) as unknown[]).map((v) => JSON.stringify(v)));
  const now = new Set(((after ?? []) as unknown[]).map((v) => JSON.stringify(v)));
  const removed = [...was].filter((v) => !now.has(v));
  const added = [...now].filter((v) => !was.has(v));
  if (before === undefined || after === undefined) changes.breaking.push(`${path}: ${before === undefined ? 'became' : 'is no longer'} an enum`);
  else {
    if (removed.length > 0) changes.breaking.push(`${path}: enum narrowed (removed ${removed.join(', ')})`);
    if (added.length > 0) changes.breaking.push(`${path}: enum widened (added ${added.join(', ')}; old consumers reject them)`);
  }
}

function compareArrays(before: unknown[], after: unknown[], path: string, changes: SchemaChanges): void {
  if (before.length !== after.length) {
    changes.breaking.push(`${path}: changed from ${describe(before)} to ${describe(after)}`);
    return;
  }
  before.forEach((item, index) => compareNode(item, after[index], `${path}[${index}]`, changes));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? 'nothing' : text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
