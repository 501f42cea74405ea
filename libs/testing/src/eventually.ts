/** Retry `check` until it stops throwing (consumers and jobs work in the background), or rethrow at the deadline. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 15_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

/**
 * How long a test waits for a service's projection of another service's events. Test files share one NATS, and a
 * fresh durable first replays every event the earlier files published on the stream, so this is generous.
 */
export const PROJECTION_WAIT_MS = 45_000;
