// The `npm start` launcher: the user's settings reach every service, and a failed start leaves nothing running.
// Real MongoDB-wire and NATS servers from the Jest globalSetup.
import { DEV_JWT_SECRET } from '@crm/auth';
import { serviceRegistry, type ServiceName } from '@crm/contracts';
import { freePort, graphql, testServiceEnv, tokenFor } from '@crm/testing';
import net from 'node:net';
import { gatewayEnv, loadSubgraph, PlatformStartError, startPlatform, subgraphEnv, type PlatformOptions } from './platform/platform';

jest.setTimeout(180_000);

const accounts = serviceRegistry[0];
const servers = { mongoUrl: 'mongodb://servers.test:27017', natsUrl: 'nats://servers.test:4222' };

describe('the environment the launcher hands out', () => {
  it('passes the user settings through, over its own defaults', () => {
    const env = subgraphEnv(accounts, { ...servers, env: { WORKING_CALENDAR_HOLIDAYS: '2026-06-19', LOG_LEVEL: 'debug', HOST: '0.0.0.0' } });
    expect(env).toMatchObject({ WORKING_CALENDAR_HOLIDAYS: '2026-06-19', LOG_LEVEL: 'debug', HOST: '0.0.0.0', JWT_SECRET: DEV_JWT_SECRET });
  });

  it('uses its defaults where the user set nothing', () => {
    expect(subgraphEnv(accounts, { ...servers, env: {} })).toMatchObject({ HOST: '127.0.0.1', LOG_LEVEL: 'warn', JWT_SECRET: DEV_JWT_SECRET });
  });

  it('adds no development secret when the user chose a JWKS endpoint (the services accept exactly one key source)', () => {
    const env = subgraphEnv(accounts, { ...servers, env: { JWT_JWKS_URL: 'https://idp.example/jwks' } });
    expect(env.JWT_SECRET).toBeUndefined();
    expect(env.JWT_JWKS_URL).toBe('https://idp.example/jwks');
  });

  it('decides the servers, each service its own port and database, whatever the user set', () => {
    const user = { PORT: '9999', MONGO_DB: 'shared', MONGO_URL: 'mongodb://elsewhere:1', NATS_URL: 'nats://elsewhere:2' };
    const env = subgraphEnv(accounts, { ...servers, env: user });
    expect(env).toMatchObject({ PORT: String(accounts.port), MONGO_DB: accounts.database, MONGO_URL: servers.mongoUrl, NATS_URL: servers.natsUrl });
    expect(gatewayEnv({ ...servers, env: user, gatewayPort: 4100 })).toMatchObject({ PORT: '4100', NATS_URL: servers.natsUrl });
  });

  it('finds every registered service by the apps convention', async () => {
    const names = await Promise.all(serviceRegistry.map(async ({ name }) => (await loadSubgraph(name)).name));
    expect(names).toEqual(serviceRegistry.map(({ name }) => name));
  });
});

describe('the launcher against real servers', () => {
  /** Each subgraph on a port of its own, a fresh database each, quiet logs. */
  const platformOptions = async (userEnv: NodeJS.ProcessEnv): Promise<{ options: PlatformOptions; ports: Record<ServiceName, number> }> => {
    const ports = Object.fromEntries(await Promise.all(serviceRegistry.map(async ({ name }) => [name, await freePort()] as const))) as Record<ServiceName, number>;
    return {
      ports,
      options: {
        mongoUrl: process.env.MONGO_URL!,
        natsUrl: process.env.NATS_URL!,
        gatewayPort: 0,
        env: userEnv,
        logLevel: 'silent',
        envFor: (name) => ({ ...testServiceEnv(name), PORT: String(ports[name]) }),
      },
    };
  };

  const listening = (port: number) =>
    new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });

  const failureOf = (start: Promise<unknown>) =>
    start.then(
      () => undefined,
      (error: unknown) => error,
    );

  it('stops the subgraphs that started when one of them fails, naming the service and the variable', async () => {
    const { options, ports } = await platformOptions({ SLA_WATCH_INTERVAL_MS: 'soon' });
    const error = await failureOf(startPlatform(options));
    expect(error).toBeInstanceOf(PlatformStartError);
    expect((error as PlatformStartError).code).toBe('PLATFORM_START_FAILED');
    expect((error as PlatformStartError).failures.map((f) => f.part)).toEqual(['service-desk']);
    expect((error as Error).message).toMatch(/service-desk: .*\n.*SLA_WATCH_INTERVAL_MS="soon"/);
    const open = await Promise.all(serviceRegistry.map(async ({ name }) => [name, await listening(ports[name])]));
    expect(Object.fromEntries(open)).toEqual(Object.fromEntries(serviceRegistry.map(({ name }) => [name, false])));
  });

  it('stops every subgraph when the gateway fails to start', async () => {
    const { options, ports } = await platformOptions({ MAX_COST: 'plenty' });
    const error = await failureOf(startPlatform(options));
    expect((error as PlatformStartError).failures?.map((f) => f.part)).toEqual(['gateway']);
    expect((error as Error).message).toContain('MAX_COST="plenty"');
    const open = await Promise.all(serviceRegistry.map(({ name }) => listening(ports[name])));
    expect(open).toEqual(serviceRegistry.map(() => false));
  });

  it('serves with the user settings: a MAX_DEPTH set in the environment limits the gateway', async () => {
    const { options, ports } = await platformOptions({ MAX_DEPTH: '3' });
    const platform = await startPlatform(options);
    try {
      expect(Object.fromEntries(Object.values(platform.services).map((s) => [s.name, s.port]))).toEqual(ports);
      const gm = await tokenFor({ sub: 'gm-launcher', roles: ['general_manager'] });
      const shallow = await graphql(platform.gateway.graphqlUrl, '{ departments { id } }', {}, gm);
      expect(shallow.errors?.map((e) => e.extensions?.code) ?? []).not.toContain('QUERY_TOO_DEEP');
      const deep = await graphql(platform.gateway.graphqlUrl, '{ customers(first: 1) { edges { node { owner { department { id } } } } } }', {}, gm);
      expect(deep.errors?.map((e) => e.extensions?.code)).toContain('QUERY_TOO_DEEP');
    } finally {
      await platform.stop();
    }
  });
});
