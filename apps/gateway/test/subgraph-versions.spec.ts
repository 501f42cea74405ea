import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningGateway } from '../src/gateway';
import { healthUrl, SubgraphVersions } from '../src/subgraph-versions';
import { composeTinySupergraph, startTestGateway, startTinySubgraphs, type TinySubgraph } from './tiny-federation';

/** A subgraph's health endpoint only: `/healthz` answers what a subgraph of that version answers. */
async function healthServer(body: Record<string, unknown>, delayMs = 0): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    setTimeout(() => {
      if (req.url !== '/healthz') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    }, delayMs).unref();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, server };
}

/** A port nothing listens on (a subgraph that is down). */
async function closedPortUrl(): Promise<string> {
  const { url, server } = await healthServer({});
  await new Promise((resolve) => server.close(resolve));
  return url;
}

async function readyz(gateway: RunningGateway) {
  const response = await fetch(`${gateway.url}/readyz`);
  return { status: response.status, body: (await response.json()) as { status: string; details: { subgraphs: { name: string; status: string; version: string | null }[] } } };
}

describe('gateway /readyz lists the subgraphs with their versions', () => {
  let people: TinySubgraph;
  let orders: TinySubgraph;
  const servers: Server[] = [];
  afterAll(async () => {
    await Promise.all([people?.stop(), orders?.stop()]);
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
  });

  it('reports each subgraph’s version from its /healthz and a down subgraph as down, and stays ready', async () => {
    ({ people, orders } = await startTinySubgraphs());
    const peopleHealth = await healthServer({ status: 'ok', service: 'people', version: '1.4.2' });
    servers.push(peopleHealth.server);
    const gateway = await startTestGateway(composeTinySupergraph([people, orders]), {}, { subgraphUrls: { people: peopleHealth.url, orders: await closedPortUrl() } });
    try {
      let answer = await readyz(gateway);
      const deadline = Date.now() + 10_000;
      while (answer.body.details.subgraphs.some((subgraph) => subgraph.status === 'unknown') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        answer = await readyz(gateway);
      }
      expect(answer.status).toBe(200);
      expect(answer.body.status).toBe('ready');
      expect(answer.body.details.subgraphs).toEqual([
        { name: 'orders', status: 'down', version: null, checkedAt: expect.any(String) },
        { name: 'people', status: 'up', version: '1.4.2', checkedAt: expect.any(String) },
      ]);
    } finally {
      await gateway.stop();
    }
  });

  it('reports its own version on /healthz, read from apps/gateway/package.json', async () => {
    const gateway = await startTestGateway(composeTinySupergraph([people, orders]));
    try {
      const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
      expect(await (await fetch(`${gateway.url}/healthz`)).json()).toEqual({ status: 'ok', service: 'gateway', version });
      expect(version).toMatch(/^\d+\.\d+\.\d+/);
    } finally {
      await gateway.stop();
    }
  });
});

describe('SubgraphVersions', () => {
  it('finds the health endpoint beside the GraphQL endpoint', () => {
    expect(healthUrl('http://accounts:4001/graphql')).toBe('http://accounts:4001/healthz');
    expect(healthUrl('http://10.0.0.5:4002/svc/graphql/?x=1')).toBe('http://10.0.0.5:4002/svc/healthz');
  });

  it('answers from the cache at once, even while a subgraph takes longer than its timeout', async () => {
    const slow = await healthServer({ status: 'ok', version: '2.0.0' }, 2_000);
    try {
      const versions = new SubgraphVersions({ timeoutMs: 200, ttlMs: 60_000 });
      versions.track('slow', slow.url);
      const started = Date.now();
      expect(versions.list()).toEqual([{ name: 'slow', status: 'unknown', version: null, checkedAt: null }]);
      expect(Date.now() - started).toBeLessThan(50);
      await versions.refresh();
      expect(versions.list()).toEqual([{ name: 'slow', status: 'down', version: null, checkedAt: expect.any(String) }]);
    } finally {
      slow.server.closeAllConnections();
      slow.server.close();
    }
  });

  it('reuses an answer for the TTL, then asks again', async () => {
    let calls = 0;
    const fakeFetch = (async () => {
      calls += 1;
      return new Response(JSON.stringify({ version: `1.0.${calls}` }), { status: 200 });
    }) as typeof fetch;
    const versions = new SubgraphVersions({ ttlMs: 100_000, fetch: fakeFetch });
    versions.track('accounts', 'http://accounts:4001/graphql');
    await versions.refresh();
    versions.list();
    versions.list();
    expect(calls).toBe(1);
    expect(versions.list()[0]).toMatchObject({ status: 'up', version: '1.0.1' });
  });
});
