import { connect, type JetStreamClient, type JetStreamManager, type NatsConnection, RetentionPolicy, StorageType } from 'nats';

export interface EventBus {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
}

// JetStream API calls (stream and consumer set-up at start, publishes) wait this long for the server: its 5 s
// default was exceeded on a loaded 2-core machine while five services set up their consumers at once.
const JETSTREAM_API_TIMEOUT_MS = 15_000;

export async function connectEventBus(url: string, name: string): Promise<EventBus> {
  const nc = await connect({ servers: url, name, maxReconnectAttempts: -1, reconnectTimeWait: 1000 });
  try {
    return { nc, js: nc.jetstream({ timeout: JETSTREAM_API_TIMEOUT_MS }), jsm: await nc.jetstreamManager({ timeout: JETSTREAM_API_TIMEOUT_MS }) };
  } catch (error) {
    // A server without JetStream: do not leave the connection reconnecting forever.
    await nc.close();
    throw error;
  }
}

// Re-publishing after a relay crash must be de-duplicated: keep ids long enough to cover a restart.
const DUPLICATE_WINDOW_NS = 10 * 60 * 1e9;

/**
 * JetStream API error codes this code branches on (the server's `err_code`, stable across versions, where the
 * description text is not).
 */
export const JetStreamErrorCode = {
  consumerNotFound: 10014,
  noMessageFound: 10037,
  streamNameInUse: 10058,
  streamNotFound: 10059,
} as const;

/** Whether `error` is the JetStream API's answer with this error code. */
export function isJetStreamError(error: unknown, code: (typeof JetStreamErrorCode)[keyof typeof JetStreamErrorCode]): boolean {
  return (error as { api_error?: { err_code?: number } } | null)?.api_error?.err_code === code;
}

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
    await addMissingSubjects(jsm, stream);
  } catch (error) {
    if (!isJetStreamError(error, JetStreamErrorCode.streamNotFound)) throw error;
    try {
      await jsm.streams.add(config);
    } catch (addError) {
      if (!isJetStreamError(addError, JetStreamErrorCode.streamNameInUse)) throw addError;
      // Another process created it (with other subjects) between our info and add.
      await addMissingSubjects(jsm, stream);
    }
  }
}

async function addMissingSubjects(jsm: JetStreamManager, stream: { name: string; subjects: string[] }): Promise<void> {
  const info = await jsm.streams.info(stream.name);
  const missing = stream.subjects.filter((s) => !info.config.subjects.includes(s));
  if (missing.length > 0) await jsm.streams.update(stream.name, { ...info.config, subjects: [...info.config.subjects, ...missing] });
}
