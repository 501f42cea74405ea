import { Writable } from 'node:stream';
import { loadConfig, startHttpServer } from '@crm/kernel';
import { DEV_JWT_SECRET } from '@crm/auth';
import pino from 'pino';
import { createGateway, type RunningGateway } from '../src/gateway';
import { gatewayConfigSchema } from '../src/gateway.config';
import { composeTinySupergraph, devToken, postGraphQL, startTestGateway, startTinySubgraphs, type TinySubgraph } from './tiny-federation';

describe('gateway: health, readiness, metrics', () => {
  let people: TinySubgraph;
  let orders: TinySubgraph;
  let gateway: RunningGateway;

  beforeAll(async () => {
    ({ people, orders } = await startTinySubgraphs());
    gateway = await startTestGateway(composeTinySupergraph([people, orders]));
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([people?.stop(), orders?.stop()]);
  });

  it('answers /healthz with 200', async () => {
    const response = await fetch(`${gateway.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', service: 'gateway', version: expect.any(String) });
  });

  it('answers /readyz with 200 once the supergraph is loaded', async () => {
    const response = await fetch(`${gateway.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready', checks: { supergraph: true, accepting: true }, details: { subgraphs: expect.any(Array) } });
  });

  it('exposes GraphQL operation, HTTP and process metrics on /metrics', async () => {
    await postGraphQL(gateway, 'query PersonWithOrders { person(id: "p1") { name orders { total } } }', { token: await devToken() });
    await postGraphQL(gateway, '{ people { id } }');

    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(text).toMatch(/graphql_operations_total\{operationName="PersonWithOrders",outcome="ok",service="gateway"\} 1/);
    expect(text).toMatch(/graphql_operation_duration_seconds_count\{[^}]*operationName="PersonWithOrders",outcome="ok"[^}]*\} 1/);
    expect(text).toMatch(/http_requests_total\{method="POST",route="\/graphql",status="200",service="gateway"\} 1/);
    expect(text).toMatch(/http_requests_total\{method="POST",route="\/graphql",status="401",service="gateway"\} 1/);
    expect(text).toContain('process_cpu_user_seconds_total');
  });
});

describe('gateway: in-process use and logs', () => {
  it('turns /readyz to 503 once it is told it is stopping', async () => {
    const config = loadConfig(gatewayConfigSchema, { JWT_SECRET: DEV_JWT_SECRET, LOG_LEVEL: 'silent' });
    const { people, orders } = await startTinySubgraphs();
    const gateway = await createGateway({ config, supergraphSdl: composeTinySupergraph([people, orders]) });
    const http = await startHttpServer(gateway.app, { host: '127.0.0.1', port: 0 });
    try {
      gateway.markStopping();
      const response = await fetch(`${http.url}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: 'not_ready', checks: { supergraph: true, accepting: false }, details: { subgraphs: expect.any(Array) } });
    } finally {
      await http.close(1000);
      await gateway.apollo.stop();
      await Promise.all([people.stop(), orders.stop()]);
    }
  });

  it('logs structured lines carrying the request id, including the subgraph failure', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>));
        done();
      },
    });
    const { people, orders } = await startTinySubgraphs();
    const supergraph = composeTinySupergraph([people, orders]);
    await orders.stop();
    const gateway = await startTestGateway(supergraph, {}, { logger: pino({ level: 'info' }, sink) });
    try {
      await postGraphQL(gateway, '{ person(id: "p1") { name orders { total } } }', { token: await devToken(), headers: { 'x-request-id': 'req-logs-7' } });
      expect(lines).toContainEqual(expect.objectContaining({ requestId: 'req-logs-7', msg: 'subgraph unavailable', subgraph: 'orders', userId: 'u-123' }));
      expect(lines).toContainEqual(expect.objectContaining({ requestId: 'req-logs-7', msg: 'request completed', route: '/graphql', status: '200' }));
    } finally {
      await gateway.stop();
      await people.stop();
    }
  });
});
