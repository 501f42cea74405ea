/**
 * A complaint event's position in service-desk's JetStream stream, handed to subscribers as an opaque cursor
 * (`ComplaintEvent.cursor`, `complaintEventsPosition`) and taken back by `complaintEvents(after:)`. The stream
 * name is part of it so a cursor from another stream (or an edited one) is refused instead of silently resuming
 * elsewhere. Format, base64url: `<stream>:<sequence>`; clients must not rely on it.
 */
export function encodeComplaintCursor(stream: string, sequence: number): string {
  return Buffer.from(`${stream}:${sequence}`, 'utf8').toString('base64url');
}

/** The stream sequence of a cursor from `encodeComplaintCursor` for `stream`; null for anything else. */
export function decodeComplaintCursor(stream: string, cursor: string): number | null {
  const match = /^([A-Z0-9_]+):(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || match[1] !== stream || Buffer.from(`${match[1]}:${match[2]}`).toString('base64url') !== cursor) return null;
  return Number(match[2]);
}
