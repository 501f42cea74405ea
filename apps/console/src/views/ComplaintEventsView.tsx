// Complaint events live, over the complaintEvents subscription (graphql-ws): newest first, the last 50.
import { gql } from '@apollo/client';
import { useSubscription } from '@apollo/client/react';
import { useState } from 'react';
import { Status } from '../charts';
import source from '../operations/complaint-events.graphql';

const COMPLAINT_EVENTS = gql(source);

interface ComplaintEvent {
  id: string;
  type: string;
  occurredAt: string;
  ticket: { id: string; severity: string; status: string; matter: string; customer: { id: string; name: string } | null } | null;
}

export function ComplaintEventsView() {
  const [events, setEvents] = useState<ComplaintEvent[]>([]);
  const { error } = useSubscription<{ complaintEvents: ComplaintEvent }>(COMPLAINT_EVENTS, {
    onData: ({ data }) => {
      const event = data.data?.complaintEvents;
      if (event) setEvents((shown) => [event, ...shown.filter((e) => e.id !== event.id)].slice(0, 50));
    },
  });
  return (
    <section data-view="complaint-events">
      <h2>Complaint events, live</h2>
      <Status error={error} />
      {events.length === 0 && !error && <p className="loading">waiting for complaint events…</p>}
      <ol className="events">
        {events.map((event) => (
          <li key={event.id} data-event-type={event.type}>
            <time>{new Date(event.occurredAt).toLocaleTimeString()}</time> <strong>{event.type}</strong> {event.ticket?.severity} · {event.ticket?.customer?.name ?? 'customer not visible'} · {event.ticket?.matter}
            {event.ticket && <span className="status"> ({event.ticket.status.toLowerCase()})</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}
