import { decodeComplaintCursor } from '@crm/contracts';
import { GraphQLError } from 'graphql';

// The cursor format is a contract with service-desk (`complaintEventsPosition`): libs/contracts keeps it.

/** The stream sequence of a cursor; a cursor that is not ours is BAD_USER_INPUT on `after`. */
export function decodeCursor(stream: string, cursor: string): number {
  const sequence = decodeComplaintCursor(stream, cursor);
  if (sequence === null) {
    throw new GraphQLError('after: not a complaint event cursor (pass the `cursor` of the last event received)', {
      extensions: { code: 'BAD_USER_INPUT', field: 'after' },
    });
  }
  return sequence;
}
