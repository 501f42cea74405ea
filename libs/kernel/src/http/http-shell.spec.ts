import { Writable } from 'node:stream';
import pino from 'pino';
import { Registry } from 'prom-client';
import { createHttpShell, type HttpShellOptions } from './http-shell';
import { startHttpServer, type RunningHttpServer } from './http-server';

/** A logger whose JSON lines the test can read back. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines };
}

describe('createHttpShell', () => {
  let server: RunningHttpServer;
  let readiness: jest.Mock<Promise<Record<string, boolean>>, []>;
  let registry: Registry;
  let logs: Record<string, unknown>[];

  beforeEach(async () => {
    const captured = capturingLogger();
    logs = captured.lines;
    registry = new Registry();
    readiness = jest.fn(async () => ({ mongo: true, nats: true }));
    const options: HttpShellOptions = { logger: captured.logger, registry, readiness, bodyLimitBytes: 1024 };
    const app = createHttpShell(options);
    app.use('/graphql', (req, res) => {
      res.locals.logger.info('handled graphql');
      res.json({ received: req.body, requestId: req.requestId });
    });
    server = await startHttpServer(app, { host: '127.0.0.1', port: 0 });
  });

  afterEach(() => server.close(1000));

  it('answers /healthz with 200 and status ok', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with 200 and the checks when every check passes', async () => {
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready', checks: { mongo: true, nats: true } });
  });

  it('answers /readyz with 503 and the per-check map when one check fails', async () => {
    readiness.mockResolvedValueOnce({ mongo: true, nats: false });
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'not_ready', checks: { mongo: true, nats: false } });
  });

  it('answers /readyz with 503 when the readiness function throws', async () => {
    readiness.mockRejectedValueOnce(new Error('mongo ping exploded'));
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'not_ready', checks: { readiness: false } });
  });

  it('reuses an incoming x-request-id and echoes it on the response and in the logs', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-abc-123' },
      body: JSON.stringify({ query: '{ a }' }),
    });
    expect(response.headers.get('x-request-id')).toBe('req-abc-123');
    expect(await response.json()).toEqual({ received: { query: '{ a }' }, requestId: 'req-abc-123' });
    expect(logs).toContainEqual(expect.objectContaining({ requestId: 'req-abc-123', msg: 'handled graphql' }));
    expect(logs).toContainEqual(expect.objectContaining({ requestId: 'req-abc-123', msg: 'request completed', route: '/graphql', status: '200' }));
  });

  it('generates a UUID request id when none is sent', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('replaces an unacceptable incoming request id instead of logging it', async () => {
    const response = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'not acceptable {}' } });
    expect(response.headers.get('x-request-id')).not.toBe('not acceptable {}');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('parses JSON bodies on the GraphQL route and rejects oversize ones with 413 PAYLOAD_TOO_LARGE', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'x'.repeat(2048) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      errors: [{ message: expect.stringContaining('1024 bytes'), extensions: { code: 'PAYLOAD_TOO_LARGE', limitBytes: 1024 } }],
    });
  });

  it('exposes HTTP request metrics by method, route pattern and status on /metrics', async () => {
    await fetch(`${server.url}/healthz`);
    await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await fetch(`${server.url}/no/such/path/42`);

    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain('http_requests_total{method="GET",route="/healthz",status="200"} 1');
    expect(text).toContain('http_requests_total{method="POST",route="/graphql",status="200"} 1');
    expect(text).toContain('http_requests_total{method="GET",route="(unmatched)",status="404"} 1');
    expect(text).toMatch(/http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/healthz",status="200"\}/);
    expect(text).not.toContain('/no/such/path');
  });

  it('shares one registry between two shells without a duplicate-metric error', () => {
    const { logger } = capturingLogger();
    const options = { logger, registry, readiness: async () => ({}), bodyLimitBytes: 10 };
    expect(() => createHttpShell(options)).not.toThrow();
  });
});
