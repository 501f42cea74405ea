import { connect, type JetStreamClient, type JetStreamManager, type NatsConnection, RetentionPolicy, StorageType } from 'nats';

export interface EventBus {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
}

export async function connectEventBus(url: string, name: string): Promise<EventBus> {
  const nc = await connect({ servers: url, name, maxReconnectAttempts: -1, reconnectTimeWait: 1000 });
  try {
    return { nc, js: nc.jetstream(), jsm: await nc.jetstreamManager() };
  } catch (error) {
    // A server without JetStream: do not leave the connection reconnecting forever.
    await nc.close();
    throw error;
  }
}

// Re-publishing after a relay crash must be de-duplicated: keep ids long enough to cover a restart.
const DUPLICATE_WINDOW_NS = 10 * 60 * 1e9;

/** Create the stream, or bring its subjects up to date; safe to call from every process at start. */
export async function ensureStream(jsm: JetStreamManager, stream: { name: string; subjects: string[] }): Promise<void> {
  const config = {
    name: stream.name,
    subjects: stream.subjects,
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    duplicate_window: DUPLICATE_WINDOW_NS,
  };
  try {
    const info = await jsm.streams.info(stream.name);
    const missing = stream.subjects.filter((s) => !info.config.subjects.includes(s));
    if (missing.length > 0) await jsm.streams.update(stream.name, { ...info.config, subjects: [...info.config.subjects, ...missing] });
  } catch (error) {
    if (!isNotFound(error)) throw error;
    try {
      await jsm.streams.add(config);
    } catch (addError) {
      // Another process created it between our info and add.
      if (!String((addError as Error).message).includes('already in use')) throw addError;
    }
  }
}

function isNotFound(error: unknown): boolean {
  return /not found/i.test(String((error as Error)?.message));
}
