import type { LocalServer } from './local-servers';

/** Whether a Docker engine answers testcontainers; false on machines without one. */
export async function dockerEngineAvailable(): Promise<boolean> {
  if (process.env.CRM_SKIP_DOCKER === 'true') return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await Promise.race([getContainerRuntimeClient(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 5000))]);
    return true;
  } catch {
    return false;
  }
}

/** MongoDB (single-node replica set) and NATS with JetStream in containers. */
export async function startDockerServers(): Promise<{ mongo: LocalServer; nats: LocalServer }> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const mongo = await new GenericContainer('mongo:7')
    .withCommand(['--replSet', 'rs0', '--bind_ip_all'])
    .withExposedPorts(27017)
    .withWaitStrategy(Wait.forLogMessage(/Waiting for connections/))
    .start();
  await mongo.exec(['mongosh', '--quiet', '--eval', 'try { rs.status() } catch (e) { rs.initiate({_id:"rs0",members:[{_id:0,host:"localhost:27017"}]}) }']);
  const nats = await new GenericContainer('nats:2.10').withCommand(['-js']).withExposedPorts(4222).withWaitStrategy(Wait.forLogMessage(/Server is ready/)).start();
  return {
    mongo: { url: `mongodb://${mongo.getHost()}:${mongo.getMappedPort(27017)}/?directConnection=true`, pid: -1, stop: async () => void (await mongo.stop()) },
    nats: { url: `nats://${nats.getHost()}:${nats.getMappedPort(4222)}`, pid: -1, stop: async () => void (await nats.stop()) },
  };
}
