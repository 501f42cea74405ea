import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '@crm/kernel';
import { CloseCode, handleProtocols, type Server as GraphQLWsServer } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { ConnectionRefused } from './connection-auth';

/** What graphql-ws hands to the hooks as `ctx.extra` for each socket. */
export interface SocketExtra {
  readonly socket: WebSocket;
  readonly request: IncomingMessage;
}

export interface WebSocketEndpointOptions<E extends SocketExtra> {
  /** Upgrades are accepted on this path only (the GraphQL path, next to HTTP POST). */
  path: string;
  /** Largest message a client may send; ws closes the socket with 1009 beyond it. */
  maxPayloadBytes: number;
  /** Ping this often; a socket that has not answered by the next ping is dropped (dead peers hold consumers). */
  keepAliveMs: number;
  graphqlWs: GraphQLWsServer<E>;
  extra(socket: WebSocket, request: IncomingMessage): E;
  /** False once shutdown started: new upgrades get 503. */
  accepting(): boolean;
  onConnectionsChange?(open: number): void;
  logger: Logger;
}

export interface WebSocketEndpoint {
  /** Refuse new sockets, close the open ones with 1001 Going away and wait until graphql-ws has completed their operations. */
  close(timeoutMs: number): Promise<void>;
}

/**
 * graphql-ws on the gateway's own HTTP server (the `ws` transport, written here rather than graphql-ws's `useServer`
 * so that refusals keep their close codes, errors go to the structured log, and shutdown can wait for every
 * subscription to stop).
 */
export function serveGraphQLWebSocket<E extends SocketExtra>(httpServer: HttpServer, options: WebSocketEndpointOptions<E>): WebSocketEndpoint {
  const { logger } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes, handleProtocols: (protocols) => handleProtocols(protocols) });
  const cleanups = new Set<Promise<void>>();
  let closing = false;

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (pathnameOf(request.url) !== options.path) return refuseUpgrade(socket, 404, 'Not Found');
    if (closing || !options.accepting()) return refuseUpgrade(socket, 503, 'Service Unavailable');
    wss.handleUpgrade(request, socket, head, (ws) => opened(ws, request));
  };
  httpServer.on('upgrade', onUpgrade);

  function opened(ws: WebSocket, request: IncomingMessage): void {
    options.onConnectionsChange?.(wss.clients.size);
    ws.on('error', (error) => logger.warn({ err: error }, 'websocket error'));

    const closed = options.graphqlWs.opened(
      {
        protocol: ws.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (ws.readyState !== ws.OPEN) return resolve();
            ws.send(data, (error) => (error ? reject(error) : resolve()));
          }),
        close: (code, reason) => ws.close(code, reason),
        onMessage: (handle) =>
          ws.on('message', async (data) => {
            try {
              await handle(String(data));
            } catch (error) {
              closeOnError(ws, error);
            }
          }),
      },
      options.extra(ws, request),
    );

    // A peer that vanished without a close frame would keep its subscriptions (and their consumers) forever.
    let alive = true;
    ws.on('pong', () => (alive = true));
    const keepAlive = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
    }, options.keepAliveMs);
    keepAlive.unref();

    ws.once('close', (code, reason) => {
      clearInterval(keepAlive);
      const cleanup = closed(code, reason.toString())
        .catch((error: unknown) => logger.error({ err: error }, 'graphql-ws cleanup failed'))
        .finally(() => {
          cleanups.delete(cleanup);
          options.onConnectionsChange?.(wss.clients.size);
        });
      cleanups.add(cleanup);
    });
  }

  function closeOnError(ws: WebSocket, error: unknown): void {
    if (error instanceof ConnectionRefused) {
      logger.info({ closeCode: error.closeCode, reason: error.reason }, 'websocket connection refused');
      ws.close(error.closeCode, error.reason);
      return;
    }
    logger.error({ err: error }, 'graphql-ws message handling failed');
    ws.close(CloseCode.InternalServerError, 'Internal server error');
  }

  return {
    async close(timeoutMs) {
      closing = true;
      const sockets = [...wss.clients];
      const allClosed = Promise.all(
        sockets.map(
          (ws) =>
            new Promise<void>((resolve) => {
              if (ws.readyState === ws.CLOSED) return resolve();
              ws.once('close', () => resolve());
              // 1001: the client may reconnect (to another replica) and resume with `after`.
              ws.close(1001, 'Going away');
            }),
        ),
      );
      const force = setTimeout(() => sockets.forEach((ws) => ws.terminate()), timeoutMs);
      force.unref();
      await allClosed;
      clearTimeout(force);
      await Promise.all([...cleanups]);
      httpServer.off('upgrade', onUpgrade);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

function pathnameOf(url: string | undefined): string {
  try {
    return new URL(url ?? '/', 'http://gateway').pathname;
  } catch {
    return '';
  }
}

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
