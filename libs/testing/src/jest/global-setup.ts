// Jest loads its globalSetup outside the test runtime, where the tsconfig aliases (moduleNameMapper) do not apply.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { resolveServers, type ResolvedServers } from '../../../dev-servers/src/resolve-servers';

declare global {
  var __CRM_TEST_SERVERS__: ResolvedServers | undefined;
}

/** Once per Jest run: find or start real MongoDB-wire and NATS servers and hand their URLs to the workers. */
export default async function globalSetup(): Promise<void> {
  if (globalThis.__CRM_TEST_SERVERS__ || (process.env.MONGO_URL && process.env.NATS_URL)) return;
  const servers = await resolveServers();
  globalThis.__CRM_TEST_SERVERS__ = servers;
  process.env.MONGO_URL = servers.mongoUrl;
  process.env.NATS_URL = servers.natsUrl;
  process.env.CRM_TEST_SERVERS = servers.source;
}
