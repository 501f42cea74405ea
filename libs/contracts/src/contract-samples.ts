import type { EventContract } from './event-contract';
import { eventContractJsonSchema, type JsonSchema } from './contract-schemas';

/**
 * A valid payload built from a contract's JSON Schema:
 * - `minimal`: required fields only, nulls where allowed, empty arrays where allowed — what the oldest producer of
 *   the version sends (before any optional field was added);
 * - `full`: every optional field present with a value — what the newest producer of the version sends.
 * Strings take a value matching their format or one of the known patterns below; an unknown pattern is an error
 * (add an example here).
 */
export function samplePayload(contract: EventContract, shape: 'minimal' | 'full'): unknown {
  const schema = eventContractJsonSchema(contract);
  const sample = sampleOf(schema, shape, 'data');
  const parsed = contract.data.safeParse(sample);
  if (!parsed.success) throw new Error(`sample ${shape} payload of ${contract.type} ${contract.version} is not valid: ${parsed.error.message}`);
  return sample;
}

/** Example values for the string patterns the contracts use. */
const PATTERN_EXAMPLES: Record<string, string> = {
  '^[0-9a-f]{24}$': '0123456789abcdef01234567',
  '^\\d{4}-\\d{2}-\\d{2}$': '2026-01-15',
  '^[A-Z]{3}$': 'CNY',
};
const FORMAT_EXAMPLES: Record<string, string> = {
  'date-time': '2026-01-15T02:00:00.000Z',
  date: '2026-01-15',
  email: 'someone@example.com',
  uuid: '00000000-0000-4000-8000-000000000000',
  uri: 'https://example.com/',
};

function sampleOf(schema: JsonSchema, shape: 'minimal' | 'full', path: string): unknown {
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const options = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (options) {
    const nullable = options.some((option) => option.type === 'null');
    if (nullable && shape === 'minimal') return null;
    return sampleOf(options.find((option) => option.type !== 'null') ?? options[0], shape, path);
  }
  if (Array.isArray(schema.allOf)) return Object.assign({}, ...schema.allOf.map((part) => sampleOf(part as JsonSchema, shape, path)));
  const type = Array.isArray(schema.type) ? (shape === 'minimal' && schema.type.includes('null') ? 'null' : schema.type.find((t) => t !== 'null')) : schema.type;
  switch (type) {
    case 'null':
      return null;
    case 'boolean':
      return shape === 'full';
    case 'integer':
    case 'number':
      return sampleNumber(schema);
    case 'string':
      return sampleString(schema, path);
    case 'array': {
      const items = (schema.prefixItems as JsonSchema[] | undefined) ?? undefined;
      if (items) return items.map((item, index) => sampleOf(item, shape, `${path}[${index}]`));
      const count = Math.max(typeof schema.minItems === 'number' ? schema.minItems : 0, shape === 'full' ? 1 : 0);
      return Array.from({ length: count }, (_, index) => sampleOf((schema.items ?? {}) as JsonSchema, shape, `${path}[${index}]`));
    }
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set((schema.required ?? []) as string[]);
      const out: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(properties)) {
        if (shape === 'full' || required.has(name)) out[name] = sampleOf(property, shape, `${path}.${name}`);
      }
      return out;
    }
    default:
      // z.unknown() / z.any(): anything goes.
      return shape === 'full' ? 'sample' : null;
  }
}

function sampleString(schema: JsonSchema, path: string): string {
  if (typeof schema.pattern === 'string') {
    const example = PATTERN_EXAMPLES[schema.pattern] ?? (typeof schema.format === 'string' ? FORMAT_EXAMPLES[schema.format] : undefined);
    if (example === undefined) throw new Error(`${path}: no example for the pattern ${schema.pattern} (add one to PATTERN_EXAMPLES)`);
    return example;
  }
  if (typeof schema.format === 'string' && FORMAT_EXAMPLES[schema.format]) return FORMAT_EXAMPLES[schema.format];
  const min = typeof schema.minLength === 'number' ? schema.minLength : 1;
  return 'x'.repeat(Math.max(min, 1)).padEnd(Math.min(Math.max(min, 6), typeof schema.maxLength === 'number' ? schema.maxLength : 6), 'x').replace(/^x{6}$/, 'sample');
}

/** 1 when the bounds allow it (amounts, counts, scores), else the nearest bound. */
function sampleNumber(schema: JsonSchema): number {
  const min = typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : -Infinity;
  const max = typeof schema.maximum === 'number' ? schema.maximum : typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum - 1 : Infinity;
  return Math.min(Math.max(1, min), max);
}
