import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RunningHttpServer {
  /** Base URL clients can reach, e.g. `http://127.0.0.1:4000` (wildcard hosts are shown as localhost). */
  url: string;
  /** The bound port (useful with port 0). */
  port: number;
  /** The node server, for upgrades (graphql-ws) and tests. */
  server: Server;
  /**
   * Stop accepting, let in-flight requests finish, then cut what is left after `timeoutMs`.
   * Idempotent: later calls return the same promise.
   */
  close(timeoutMs?: number): Promise<void>;
}

const DEFAULT_CLOSE_TIMEOUT_MS = 10_000;

/** Listen with `app` on host:port (port 0 picks a free one) and return a handle with a graceful close. */
export async function startHttpServer(app: RequestListener, { host, port }: { host: string; port: number }): Promise<RunningHttpServer> {
  const server = createServer(app);
  let closing: Promise<void> | undefined;

  // Runs before the app so the header can still be set: a keep-alive client must not reuse a socket we are about to drop.
  server.prependListener('request', (_req, res) => {
    if (closing) res.setHeader('connection', 'close');
    res.once('finish', () => {
      // The socket of a request that was in flight at close time turns idle only now; release it at once.
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const bound = (server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' || host === '::' || host === '' ? 'localhost' : host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${shownHost}:${bound}`,
    port: bound,
    server,
    close(timeoutMs = DEFAULT_CLOSE_TIMEOUT_MS) {
      closing ??= new Promise<void>((resolve, reject) => {
        const forceClose = setTimeout(() => server.closeAllConnections(), timeoutMs);
        forceClose.unref();
        server.close((error) => {
          clearTimeout(forceClose);
          if (error) reject(error);
          else resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
