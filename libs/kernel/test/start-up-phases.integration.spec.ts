import { customerCreatedV1 } from '@crm/contracts';
import { outboxPlugin } from '@crm/events';
import { eventually, freePort, testServiceEnv } from '@crm/testing';
import mongoose, { Schema } from 'mongoose';
import { createHook } from 'node:async_hooks';
import net from 'node:net';
import { z } from 'zod';
import { ConfigError, CONVENTIONS_SDL, createService, env, listSubgraphSdlFiles, type ServicePlugin } from '../src';

/*
 * Each start-up phase made to fail in turn, against the real servers: whatever the earlier phases opened
 * (Mongo, NATS, Apollo, the relay, consumers, jobs, plugin hooks) must be closed again, so a process that
 * retries its start, or a launcher that starts several services, is not left holding sockets and ports.
 */

const SERVICE = 'engagement';

/** Serves the service's SDL and opens every part the runtime phase starts: outbox model, consumer, job, hooks. */
function probePlugin(hooks: { started: number; stopped: number }): ServicePlugin {
  return {
    name: 'start-up-probe',
    sdl: listSubgraphSdlFiles(SERVICE).filter((file) => file !== CONVENTIONS_SDL), // the kernel serves the conventions itself
    config: z.object({ PROBE_BATCH: env.positiveInt(10) }),
    register({ connection }) {
      const schema = new Schema<{ _id: string; revision: number }>({ _id: String, revision: { type: Number, default: 0 } }, { versionKey: false });
      schema.plugin(outboxPlugin);
      const Probe = connection.model<{ _id: string; revision: number }>('StartUpProbe', schema, 'start_up_probes');
      return {
        models: [Probe],
        eventHandlers: [{ contract: customerCreatedV1, durable: 'engagement-start-up-probe-customer-created', handle: async () => undefined }],
        jobs: [{ name: 'start-up-probe', intervalMs: 60_000, run: async () => undefined }],
        onStart: async () => void (hooks.started += 1),
        onStop: async () => void (hooks.stopped += 1),
      };
    },
  };
}

function pluginThatThrows(): ServicePlugin {
  return {
    name: 'broken-at-register',
    sdl: [],
    register() {
      throw new Error('this plugin cannot register');
    },
  };
}

function pluginClaimingMissingSdl(): ServicePlugin {
  return { name: 'claims-a-missing-file', sdl: ['no-such-file.graphql'], register: () => ({}) };
}

/**
 * The TCP sockets and listening servers created from now on that are not closed yet (Mongo and NATS clients,
 * HTTP servers). Tracking their creation, rather than counting what the process holds, keeps the servers'
 * own start-up probes and other noise out of the measure.
 */
function trackTcpHandles() {
  const open = new Map<number, string>();
  const hook = createHook({
    init(asyncId, type) {
      if (type === 'TCPWRAP' || type === 'TCPSERVERWRAP') open.set(asyncId, type);
    },
    destroy(asyncId) {
      open.delete(asyncId);
    },
  }).enable();
  return { open: () => [...open.values()], stop: () => void hook.disable() };
}

function openMongoConnections(): number {
  return mongoose.connections.filter((connection) => connection.readyState !== mongoose.ConnectionStates.disconnected).length;
}

/** Whether this process can listen on the port itself (nothing is left bound to it). */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function holdPort(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('start-up in phases: a failed phase leaves no open handle and no listening port', () => {
  let port: number;
  let hooks: { started: number; stopped: number };
  let connectionsBefore: number;
  let handles: ReturnType<typeof trackTcpHandles> | undefined;

  beforeEach(async () => {
    port = await freePort();
    hooks = { started: 0, stopped: 0 };
    connectionsBefore = mongoose.connections.length;
    expect(openMongoConnections()).toBe(0);
  });
  afterEach(() => handles?.stop());

  /** Start the service, tracking from here on every TCP handle it (not the test) creates. */
  const start = (extraPlugins: ServicePlugin[], overrides: NodeJS.ProcessEnv = {}) => {
    const service = createService({ name: SERVICE, plugins: [probePlugin(hooks), ...extraPlugins] });
    const startEnv = testServiceEnv(SERVICE, { PORT: String(port), ...overrides });
    handles = trackTcpHandles();
    return service.start({ env: startEnv });
  };
  const openHandles = () => handles?.open() ?? [];

  /** A socket is destroyed shortly after its close() resolved: wait briefly for the last ones. */
  async function expectNothingLeftOpen(): Promise<void> {
    await eventually(async () => expect(openHandles()).toEqual([]), 5_000);
    handles?.stop();
    expect(openMongoConnections()).toBe(0);
    expect(await portIsFree(port)).toBe(true);
  }

  it('control: a service that started and stopped leaves nothing open (the measure sees what a start opens)', async () => {
    const running = await start([]);
    expect(openHandles()).toEqual(expect.arrayContaining(['TCPWRAP', 'TCPSERVERWRAP']));
    expect(await portIsFree(port)).toBe(false);
    await running.stop();
    expect(hooks).toEqual({ started: 1, stopped: 1 });
    await expectNothingLeftOpen();
  });

  it('stop with a drain: /readyz turns 503 (accepting: false) at once while GraphQL is still answered, then the port closes', async () => {
    const running = await start([], { SHUTDOWN_DRAIN_MS: '800' });
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const stopped = running.stop();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { checks: Record<string, boolean> }).checks).toMatchObject({ accepting: false, mongo: true });
    const answer = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(answer.status).toBe(200);
    await stopped;
    await expectNothingLeftOpen();
  });

  it('config: a bad value fails before anything is opened', async () => {
    await expect(start([], { PROBE_BATCH: 'many' })).rejects.toThrow(ConfigError);
    expect(mongoose.connections.length).toBe(connectionsBefore);
    expect(openHandles()).toEqual([]);
    await expectNothingLeftOpen();
  });

  it('backends: NATS unreachable after Mongo connected closes the Mongo connection', async () => {
    const closedPort = await freePort();
    await expect(start([], { NATS_URL: `nats://127.0.0.1:${closedPort}` })).rejects.toMatchObject({ code: 'CONNECTION_REFUSED' });
    // Mongo was connected before NATS was tried: one connection more, now closed.
    expect(mongoose.connections.length).toBe(connectionsBefore + 1);
    await expectNothingLeftOpen();
  });

  it('plugins: a plugin whose register throws closes NATS and Mongo', async () => {
    await expect(start([pluginThatThrows()])).rejects.toThrow('this plugin cannot register');
    await expectNothingLeftOpen();
  });

  it('subgraph: a plugin claiming an SDL file that does not exist closes NATS and Mongo', async () => {
    await expect(start([pluginClaimingMissingSdl()])).rejects.toMatchObject({ code: 'ENOENT' });
    await expectNothingLeftOpen();
  });

  it('runtime: HTTP failing to listen last stops the consumers, jobs, relay, plugin hooks, Apollo, NATS and Mongo', async () => {
    const holder = await holdPort(port);
    try {
      await expect(start([])).rejects.toMatchObject({ code: 'EADDRINUSE' });
      // The hooks ran, so every runtime part had opened before the listen failed.
      expect(hooks).toEqual({ started: 1, stopped: 1 });
      await eventually(async () => expect(openHandles()).toEqual([]), 5_000);
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
    await expectNothingLeftOpen();
  });
});
