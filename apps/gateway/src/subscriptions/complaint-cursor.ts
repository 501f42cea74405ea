import { GraphQLError } from 'graphql';

/**
 * A complaint event's position in its JetStream stream, handed to subscribers as an opaque cursor. The stream name is
 * part of it so a cursor from another stream (or an edited one) is refused instead of silently resuming elsewhere.
 * Format, base64url: `<stream>:<sequence>`; clients must not rely on it.
 */
export function encodeCursor(stream: string, sequence: number): string {
  return Buffer.from(`${stream}:${sequence}`, 'utf8').toString('base64url');
}

/** The stream sequence of a cursor from `encodeCursor`; a cursor that is not ours is BAD_USER_INPUT on `after`. */
export function decodeCursor(stream: string, cursor: string): number {
  const match = /^([A-Z0-9_]+):(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || match[1] !== stream || Buffer.from(`${match[1]}:${match[2]}`).toString('base64url') !== cursor) {
    throw new GraphQLError('after: not a complaint event cursor (pass the `cursor` of the last event received)', {
      extensions: { code: 'BAD_USER_INPUT', field: 'after' },
    });
  }
  return Number(match[2]);
}
