// Serves the built console (dashboard and partner-portal example) as static files on its own origin, plus
// /config.json telling the pages where the gateway is. The pages call the gateway from the browser, so the
// gateway must list this origin in CORS_ORIGINS (the launcher adds it). Security headers: the pages may run
// only their own bundled scripts and styles and talk only to this origin and the gateway (HTTP and graphql-ws).
import { startHttpServer, type RunningHttpServer } from '@crm/kernel';
import express from 'express';
import helmet from 'helmet';
import { buildConsole, consoleBuildStale, CONSOLE_DIST } from './build';

export const CONSOLE_DEFAULT_PORT = 4400;

export interface ConsoleServerOptions {
  /** The gateway's GraphQL endpoint as a browser reaches it, e.g. http://127.0.0.1:4000/graphql. */
  graphqlUrl: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Build first when the bundle is missing or older than the sources (default true). */
  buildWhenStale?: boolean;
  distDir?: string;
}

/** The origins a browser sees for the console at host:port (127.0.0.1 and localhost name the same server). */
export function consoleOrigins(host: string, port: number): string[] {
  return host === '127.0.0.1' || host === 'localhost' ? [`http://127.0.0.1:${port}`, `http://localhost:${port}`] : [`http://${host}:${port}`];
}

/** CORS_ORIGINS with the console's origins added (a `*` already lets every origin in). */
export function withConsoleOrigins(corsOrigins: string | undefined, origins: string[]): string {
  const listed = (corsOrigins ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  if (listed.includes('*')) return listed.join(',');
  return [...new Set([...listed, ...origins])].join(',');
}

export async function startConsoleServer(options: ConsoleServerOptions): Promise<RunningHttpServer> {
  const distDir = options.distDir ?? CONSOLE_DIST;
  if (options.buildWhenStale !== false && (await consoleBuildStale(distDir))) await buildConsole(distDir);

  const gateway = new URL(options.graphqlUrl);
  const wsUrl = `${gateway.protocol === 'https:' ? 'wss:' : 'ws:'}//${gateway.host}${gateway.pathname}`;
  const app = express();
  app.disable('x-powered-by');
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          connectSrc: ["'self'", gateway.origin, new URL(wsUrl).origin],
          imgSrc: ["'self'", 'data:'],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      // The pages send tokens in the URL only when a test asks (?token=); they must not leak on to other sites.
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: false,
    }),
  );
  app.get('/config.json', (_req, res) => {
    res.set('cache-control', 'no-store').json({ graphqlUrl: options.graphqlUrl, wsUrl });
  });
  app.use(express.static(distDir, { index: 'index.html', fallthrough: true }));
  return startHttpServer(app, { host: options.host ?? '127.0.0.1', port: options.port ?? CONSOLE_DEFAULT_PORT });
}
