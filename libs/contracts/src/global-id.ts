/**
 * Global ids of the graph (Relay's object identification): `base64url("<Type>:<id>")`, opaque to clients. The
 * gateway writes them for every `Node` type's `id` and reads them back wherever an `ID` goes in; subgraphs and
 * events keep the type's own id. See docs/adr/0012-global-ids-at-the-gateway.md.
 */
export interface GlobalIdParts {
  type: string;
  id: string;
}

const TYPE_NAME = /^[A-Z][A-Za-z0-9]*$/;

export function toGlobalId(type: string, id: string): string {
  if (!TYPE_NAME.test(type)) throw new Error(`not a type name: ${type}`);
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
}

/**
 * The type and own id of a global id, or null when the value is not one (an own id passed as is, or garbage). Only
 * the canonical spelling counts, so an own id that happens to be valid base64url is not mistaken for a global one.
 */
export function fromGlobalId(value: string): GlobalIdParts | null {
  if (!/^[A-Za-z0-9_-]+$/.test(value)) return null;
  const text = Buffer.from(value, 'base64url').toString('utf8');
  const colon = text.indexOf(':');
  if (colon <= 0) return null;
  const type = text.slice(0, colon);
  const id = text.slice(colon + 1);
  if (!TYPE_NAME.test(type) || id.length === 0) return null;
  return toGlobalId(type, id) === value ? { type, id } : null;
}

/** The own id behind a global id, or the value itself when it is not one (for comparing with event payloads). */
export function ownIdOf(value: string): string {
  return fromGlobalId(value)?.id ?? value;
}
