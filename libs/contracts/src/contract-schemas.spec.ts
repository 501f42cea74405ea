import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { defineEvent } from './event-contract';
import { compareSchemas, eventContractJsonSchema, type JsonSchema } from './contract-schemas';
import { samplePayload } from './contract-samples';

const schemaOf = (data: z.ZodType): JsonSchema => eventContractJsonSchema(defineEvent('surveys', 'crm.surveys.thing.happened', 'v1', data));

const base = {
  id: z.string(),
  level: z.enum(['LOW', 'HIGH']),
  amountMinor: z.number().int(),
  note: z.string().nullable().optional(),
  lines: z.array(z.object({ product: z.string(), quantity: z.number().int().positive() })),
};
const recorded = schemaOf(z.object(base));

describe('compareSchemas: what may change within a contract version', () => {
  it.each<[string, z.ZodType, 'none' | 'additive' | 'breaking', RegExp | null]>([
    ['nothing changed', z.object(base), 'none', null],
    ['an optional field added', z.object({ ...base, channel: z.string().optional() }), 'additive', /data\.channel: optional field added/],
    ['an optional field added in a nested object', z.object({ ...base, lines: z.array(z.object({ product: z.string(), quantity: z.number().int().positive(), sku: z.string().optional() })) }), 'additive', /data\.lines\.items\.sku/],
    ['a documentation change', z.object({ ...base, id: z.string().describe('the id') }), 'none', null],
    ['a field removed', z.object({ id: base.id, level: base.level, note: base.note, lines: base.lines }), 'breaking', /data\.amountMinor: removed/],
    ['an optional field removed', z.object({ id: base.id, level: base.level, amountMinor: base.amountMinor, lines: base.lines }), 'breaking', /data\.note: removed/],
    ['a type changed', z.object({ ...base, amountMinor: z.string() }), 'breaking', /data\.amountMinor\.type/],
    ['a new required field', z.object({ ...base, channel: z.string() }), 'breaking', /data\.channel: new required field/],
    ['an optional field made required', z.object({ ...base, note: z.string().nullable() }), 'breaking', /data\.note: became required/],
    ['a required field made optional', z.object({ ...base, id: z.string().optional() }), 'breaking', /data\.id: became optional/],
    ['a nullable field no longer nullable', z.object({ ...base, note: z.string().optional() }), 'breaking', /data\.note/],
    ['an enum narrowed', z.object({ ...base, level: z.enum(['HIGH']) }), 'breaking', /enum narrowed \(removed "LOW"\)/],
    ['an enum widened', z.object({ ...base, level: z.enum(['LOW', 'HIGH', 'CRITICAL']) }), 'breaking', /enum widened/],
    ['a bound tightened', z.object({ ...base, id: z.string().min(3) }), 'breaking', /data\.id: gained "minLength"/],
    ['a nested field removed', z.object({ ...base, lines: z.array(z.object({ product: z.string() })) }), 'breaking', /data\.lines\.items\.quantity: removed/],
    ['an array made a single value', z.object({ ...base, lines: z.object({ product: z.string(), quantity: z.number().int().positive() }) }), 'breaking', /data\.lines\.type/],
  ])('%s', (_name, current, expected, message) => {
    const changes = compareSchemas(recorded, schemaOf(current));
    if (expected === 'none') expect(changes).toEqual({ breaking: [], additive: [] });
    if (expected === 'additive') expect(changes.breaking).toEqual([]);
    if (expected === 'breaking') expect(changes.breaking.length).toBeGreaterThan(0);
    if (message) expect([...changes.breaking, ...changes.additive].join('\n')).toMatch(message);
  });

  it('treats a field added to a strict object as breaking (its old consumers reject unknown keys)', () => {
    const strict = schemaOf(z.strictObject({ id: z.string() }));
    expect(compareSchemas(strict, schemaOf(z.strictObject({ id: z.string(), extra: z.string().optional() }))).breaking).toEqual([
      'data.extra: field added to a closed object',
    ]);
  });
});

describe('samplePayload', () => {
  const contract = defineEvent('surveys', 'crm.surveys.thing.happened', 'v1', z.object({ ...base, customerId: z.string().regex(/^[0-9a-f]{24}$/), at: z.string().datetime() }));

  it('gives the required fields only in the minimal payload, what the version first carried', () => {
    expect(samplePayload(contract, 'minimal')).toEqual({ id: 'sample', level: 'LOW', amountMinor: 1, lines: [], customerId: '0123456789abcdef01234567', at: '2026-01-15T02:00:00.000Z' });
  });

  it('gives every optional field a value in the full payload', () => {
    expect(samplePayload(contract, 'full')).toMatchObject({ note: 'sample', lines: [{ product: 'sample', quantity: 1 }] });
  });

  it('refuses a pattern it has no example for', () => {
    const odd = defineEvent('surveys', 'crm.surveys.thing.happened', 'v1', z.object({ code: z.string().regex(/^Q-\d+$/) }));
    expect(() => samplePayload(odd, 'minimal')).toThrow(/no example for the pattern/);
  });
});

describe('snapshot files', () => {
  it('are written one per version and read back unchanged', async () => {
    const { compareWithSnapshots, writeSnapshot } = await import('./contract-snapshots');
    const dir = mkdtempSync(join(tmpdir(), 'contract-snapshots-'));
    const first = compareWithSnapshots(dir);
    expect(first.every((status) => status.status === 'new')).toBe(true);
    for (const status of first) if (status.status === 'new') writeSnapshot(status.key, status.schema, dir);
    expect(readdirSync(dir)).toHaveLength(first.length);
    writeSnapshot('crm.surveys.retired.event.v1', recorded, dir);
    const second = compareWithSnapshots(dir);
    expect(second.filter((status) => status.status !== 'unchanged')).toEqual([{ key: 'crm.surveys.retired.event.v1', status: 'removed' }]);
  });
});
