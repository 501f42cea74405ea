import type { JetStreamManager } from 'nats';

export interface StoredEvent {
  id: string;
  type: string;
  subject: string;
  source: string;
  actorid: string;
  data: Record<string, any>;
  [attribute: string]: unknown;
}

/** Every event of one type about one entity that a stream holds, oldest first (reads the real stream). */
export async function eventsOnStream(jsm: JetStreamManager, stream: string, type: string, subject?: string): Promise<StoredEvent[]> {
  const info = await jsm.streams.info(stream);
  const found: StoredEvent[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq += 1) {
    const msg = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (!msg || msg.subject !== type) continue;
    const event = JSON.parse(Buffer.from(msg.data).toString('utf8')) as StoredEvent;
    if (subject === undefined || event.subject === subject) found.push(event);
  }
  return found;
}

/**
 * Every event on a stream, of any type, whose payload names this customer. Tests that prove "no event" use it
 * instead of the stream's message count, which other test files move concurrently.
 */
export async function eventsAboutCustomer(jsm: JetStreamManager, stream: string, customerId: string): Promise<StoredEvent[]> {
  const info = await jsm.streams.info(stream);
  const found: StoredEvent[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq += 1) {
    const msg = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (!msg) continue;
    const event = JSON.parse(Buffer.from(msg.data).toString('utf8')) as StoredEvent;
    if (event.data?.customerId === customerId || event.data?.customer?.id === customerId) found.push(event);
  }
  return found;
}
