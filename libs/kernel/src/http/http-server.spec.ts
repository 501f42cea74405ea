import { Agent, request as httpRequest } from 'node:http';
import express from 'express';
import { startHttpServer } from './http-server';

/** GET through node's http client so the test controls keep-alive and sees socket errors. */
function get(url: string, agent?: Agent): Promise<{ status: number; body: string; connection?: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { agent }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, connection: response.headers.connection }));
    });
    request.on('error', reject);
    request.end();
  });
}

function appWithRoutes() {
  const app = express();
  let releaseSlow: () => void = () => undefined;
  const slowStarted = new Promise<void>((started) => {
    app.get('/slow', (_req, res) => {
      started();
      releaseSlow = () => res.send('slow done');
    });
  });
  app.get('/hang', () => undefined);
  app.get('/fast', (_req, res) => void res.send('fast'));
  return { app, slowStarted, releaseSlow: () => releaseSlow() };
}

describe('startHttpServer', () => {
  it('listens on a free port when given port 0 and reports a reachable url', async () => {
    const { app } = appWithRoutes();
    const server = await startHttpServer(app, { host: '127.0.0.1', port: 0 });
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect((await get(`${server.url}/fast`)).body).toBe('fast');
    await server.close();
  });

  it('shows a wildcard host as localhost in its url', async () => {
    const { app } = appWithRoutes();
    const server = await startHttpServer(app, { host: '0.0.0.0', port: 0 });
    expect(server.url).toBe(`http://localhost:${server.port}`);
    await server.close();
  });

  it('fails to start when the port is taken', async () => {
    const { app } = appWithRoutes();
    const first = await startHttpServer(app, { host: '127.0.0.1', port: 0 });
    await expect(startHttpServer(app, { host: '127.0.0.1', port: first.port })).rejects.toThrow(/EADDRINUSE/);
    await first.close();
  });

  it('lets an in-flight request finish, then stops, refusing new connections meanwhile', async () => {
    const { app, slowStarted, releaseSlow } = appWithRoutes();
    const server = await startHttpServer(app, { host: '127.0.0.1', port: 0 });
    const inFlight = get(`${server.url}/slow`);
    await slowStarted;

    let closed = false;
    const closing = server.close(30_000).then(() => (closed = true));
    await expect(get(`${server.url}/fast`)).rejects.toThrow(/ECONNREFUSED/);
    expect(closed).toBe(false);

    releaseSlow();
    expect(await inFlight).toMatchObject({ status: 200, body: 'slow done' });
    await closing;
    expect(closed).toBe(true);
  });

  it('does not wait for idle keep-alive connections, nor for one whose request ends during the close', async () => {
    const { app, slowStarted, releaseSlow } = appWithRoutes();
    const server = await startHttpServer(app, { host: '127.0.0.1', port: 0 });
    const agent = new Agent({ keepAlive: true });
    await get(`${server.url}/fast`, agent); // leaves an idle keep-alive socket behind
    const inFlight = get(`${server.url}/slow`, agent);
    await slowStarted;

    // A 30 s grace period: the test timeout would fail this test if close waited for the sockets to time out.
    const closing = server.close(30_000);
    releaseSlow();
    await inFlight;
    await closing;
    agent.destroy();
  }, 10_000);

  it('cuts requests still running when the grace period ends', async () => {
    const { app } = appWithRoutes();
    const server = await startHttpServer(app, { host: '127.0.0.1', port: 0 });
    const hanging = get(`${server.url}/hang`);
    await new Promise((resolve) => setTimeout(resolve, 50));

    await server.close(100);
    await expect(hanging).rejects.toThrow(/socket hang up|ECONNRESET/);
  });

  it('returns the same promise when close is called twice', async () => {
    const { app } = appWithRoutes();
    const server = await startHttpServer(app, { host: '127.0.0.1', port: 0 });
    expect(server.close()).toBe(server.close());
    await server.close();
  });
});
