import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import pino from 'pino';
import type { RunningGateway } from '../src/gateway';
import { shortHash } from '../src/supergraph-source';
import { composeTinySupergraph, devToken, postGraphQL, startTestGateway, startTinySubgraphs, type TinySubgraph } from './tiny-federation';

const PEOPLE = [
  { id: 'p1', name: 'Ada', nickname: 'Countess', friendIds: ['p2'] },
  { id: 'p2', name: 'Grace', nickname: 'Amazing', friendIds: ['p1'] },
];

/** The next release of the tiny `people` subgraph: the same schema plus `Person.nickname`. */
async function startPeopleV2(v1: TinySubgraph): Promise<TinySubgraph> {
  const typeDefs = v1.typeDefs.replace('name: String!', 'name: String! nickname: String');
  const server = new ApolloServer({
    schema: buildSubgraphSchema({
      typeDefs: parse(typeDefs),
      resolvers: {
        Query: { person: (_: unknown, { id }: { id: string }) => PEOPLE.find((p) => p.id === id) ?? null, people: () => PEOPLE },
        Person: {
          __resolveReference: ({ id }: { id: string }) => PEOPLE.find((p) => p.id === id),
          friends: (person: (typeof PEOPLE)[number]) => PEOPLE.filter((p) => person.friendIds.includes(p.id)),
        },
      } as never,
    }),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: 0 } });
  return { name: 'people', url, typeDefs, calls: [], stop: () => server.stop() };
}

/** A steady stream of reads crossing both subgraphs, by `clients` concurrent callers, until `stop()`. */
function steadyLoad(gateway: RunningGateway, token: string, clients = 4) {
  let running = true;
  const counts = { ok: 0, failed: 0, failures: [] as string[] };
  const loops = Array.from({ length: clients }, async () => {
    while (running) {
      try {
        const response = await postGraphQL(gateway, '{ people { id name orders { total } } }', { token });
        const people = response.body.data?.people as { orders: unknown[] }[] | undefined;
        if (response.status === 200 && !response.body.errors && people?.length === 2 && people[0].orders.length === 2) counts.ok += 1;
        else {
          counts.failed += 1;
          counts.failures.push(JSON.stringify(response.body).slice(0, 300));
        }
      } catch (error) {
        counts.failed += 1;
        counts.failures.push(String(error));
      }
    }
  });
  return {
    counts,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return counts;
    },
  };
}

async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function reloads(gateway: RunningGateway, outcome: 'ok' | 'failed'): Promise<number> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('gateway_supergraph_reloads_total{') && l.includes(`outcome="${outcome}"`));
  return Number(line?.split(' ').pop() ?? NaN);
}

async function readyz(gateway: RunningGateway) {
  const response = await fetch(`${gateway.url}/readyz`);
  return { status: response.status, body: (await response.json()) as { status: string; checks: Record<string, boolean>; details?: Record<string, unknown> } };
}

async function nickname(gateway: RunningGateway, token: string): Promise<string | undefined> {
  const response = await postGraphQL(gateway, '{ person(id: "p1") { nickname } }', { token });
  return (response.body.data?.person as { nickname?: string } | undefined)?.nickname;
}

/** Publish as an operator should: write beside the target, then rename over it (readers never see half a file). */
function publish(file: string, sdl: string): void {
  writeFileSync(`${file}.tmp`, sdl);
  renameSync(`${file}.tmp`, file);
}

const BROKEN_SDL = 'schema @link(url: "https://specs.apollo.dev/link/v1.0") { query: Query\ntype Query {';
const NOT_A_SUPERGRAPH = 'type Query { hello: String }';

describe('gateway: supergraph reloaded without a restart', () => {
  let people: TinySubgraph;
  let orders: TinySubgraph;
  let peopleV2: TinySubgraph | undefined;
  let dir: string;
  let token: string;
  let gateway: RunningGateway | undefined;
  const logs: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) logs.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    }),
  );

  beforeAll(async () => {
    ({ people, orders } = await startTinySubgraphs());
    token = await devToken('10m');
    dir = mkdtempSync(path.join(tmpdir(), 'supergraph-reload-'));
    writeFileSync(path.join(dir, 'shipped.graphql'), 'query PeopleNames { people { id name } }\n');
  });

  afterEach(async () => {
    await gateway?.stop();
    gateway = undefined;
    await peopleV2?.stop();
    peopleV2 = undefined;
  });

  afterAll(async () => {
    await Promise.all([people?.stop(), orders?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const env = (extra: Record<string, string>) => ({ RATE_LIMITS_ENABLED: 'false', OPERATIONS_PATH: dir, SUPERGRAPH_DEBOUNCE_MS: '50', ...extra });

  it('serves a recomposed supergraph written to its file with no failed request, then keeps it when a broken one follows', async () => {
    const file = path.join(dir, 'supergraph.graphql');
    publish(file, composeTinySupergraph([people, orders]));
    gateway = await startTestGateway('', env({ SUPERGRAPH_PATH: file, SUPERGRAPH_POLL_MS: '1000' }), { supergraphSdl: undefined, logger });
    expect(await nickname(gateway, token)).toBeUndefined();
    expect((await readyz(gateway)).body.details).toMatchObject({ supergraphLastReloadOk: true });

    const load = steadyLoad(gateway, token);
    await new Promise((resolve) => setTimeout(resolve, 300));
    peopleV2 = await startPeopleV2(people);
    const v2 = composeTinySupergraph([peopleV2, orders]);
    publish(file, v2);
    expect(await eventually(() => nickname(gateway!, token), 'the new field')).toBe('Countess');
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(await reloads(gateway, 'ok')).toBe(1);
    expect(gateway.supergraph?.status()).toMatchObject({ hash: shortHash(v2), lastReloadOk: true });
    // The plan cache was cleared by the swap; the shipped operation was planned again on the new schema.
    expect(logs.find((l) => l.msg === 'query plans re-warmed for the new supergraph')).toMatchObject({ planned: 1, failed: [] });

    publish(file, BROKEN_SDL);
    await eventually(async () => ((await reloads(gateway!, 'failed')) === 1 ? true : undefined), 'the failed reload');
    publish(file, NOT_A_SUPERGRAPH);
    await eventually(async () => ((await reloads(gateway!, 'failed')) === 2 ? true : undefined), 'the second failed reload');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const counts = await load.stop();

    expect(counts.failures).toEqual([]);
    expect(counts.ok).toBeGreaterThan(20);
    // Still the recomposed supergraph, still ready, the failure reported.
    expect(await nickname(gateway, token)).toBe('Countess');
    const ready = await readyz(gateway);
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ supergraph: true, accepting: true });
    expect(ready.body.details).toMatchObject({ supergraphLastReloadOk: false, supergraphHash: shortHash(v2), supergraphLastError: expect.any(String) });
    expect(logs.filter((l) => l.msg === 'supergraph not reloaded: still serving the previous one')).toHaveLength(2);
    expect(await reloads(gateway, 'ok')).toBe(1);

    // Publishing the good one again clears the report.
    publish(file, v2);
    await eventually(async () => ((await readyz(gateway!)).body.details?.supergraphLastReloadOk === true ? true : undefined), 'the report cleared');
  });

  it('picks a change up by polling alone when the file watch is off', async () => {
    const file = path.join(dir, 'polled.graphql');
    publish(file, composeTinySupergraph([people, orders]));
    gateway = await startTestGateway('', env({ SUPERGRAPH_PATH: file, SUPERGRAPH_WATCH: 'false', SUPERGRAPH_POLL_MS: '100' }), { supergraphSdl: undefined });
    peopleV2 = await startPeopleV2(people);
    publish(file, composeTinySupergraph([peopleV2, orders]));
    expect(await eventually(() => nickname(gateway!, token), 'the new field')).toBe('Countess');
  });

  it('polls a supergraph URL with If-None-Match, serves a new one and keeps it when the next is broken', async () => {
    let served = composeTinySupergraph([people, orders]);
    const seen = { full: 0, notModified: 0 };
    const server: Server = createServer((req, res) => {
      const etag = `"${shortHash(served)}"`;
      if (req.headers['if-none-match'] === etag) {
        seen.notModified += 1;
        res.writeHead(304, { etag }).end();
        return;
      }
      seen.full += 1;
      res.writeHead(200, { etag, 'content-type': 'text/plain' }).end(served);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/supergraph.graphql`;
      gateway = await startTestGateway('', env({ SUPERGRAPH_URL: url, SUPERGRAPH_POLL_MS: '100' }), { supergraphSdl: undefined });
      await eventually(async () => (seen.notModified >= 2 ? true : undefined), 'conditional polls');
      expect(seen.full).toBe(1);

      const load = steadyLoad(gateway, token);
      peopleV2 = await startPeopleV2(people);
      served = composeTinySupergraph([peopleV2, orders]);
      expect(await eventually(() => nickname(gateway!, token), 'the new field')).toBe('Countess');
      served = BROKEN_SDL;
      await eventually(async () => ((await reloads(gateway!, 'failed')) === 1 ? true : undefined), 'the failed reload');
      await new Promise((resolve) => setTimeout(resolve, 300));
      const counts = await load.stop();

      expect(counts.failures).toEqual([]);
      expect(await nickname(gateway, token)).toBe('Countess');
      const ready = await readyz(gateway);
      expect(ready.status).toBe(200);
      expect(ready.body.details).toMatchObject({ supergraphLastReloadOk: false });
      // The broken one is not offered again while it stays (304s), and is counted once.
      expect(await reloads(gateway, 'failed')).toBe(1);
    } finally {
      await gateway?.stop();
      gateway = undefined;
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
