import { encodeComplaintCursor, streamFor } from '@crm/contracts';
import { requireCaller } from '@crm/kernel';
import { definePlugin } from '../define-plugin';

/**
 * `complaintEventsPosition`: the complaint stream's position now, for "load, then subscribe from there". The
 * events themselves reach clients through the gateway's `complaintEvents` subscription (fed from this stream).
 */
export const complaintEventsPlugin = definePlugin({
  name: 'complaint-events',
  sdl: ['complaint-events.graphql'],
  register({ streamPosition }) {
    const stream = streamFor('service-desk').name;
    return {
      resolvers: {
        Query: {
          complaintEventsPosition: async (_, __, ctx) => (requireCaller(ctx), encodeComplaintCursor(stream, await streamPosition())),
        },
      },
    };
  },
});
