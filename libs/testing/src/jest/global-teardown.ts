/** Stop only what globalSetup started; given URLs belong to someone else. */
export default async function globalTeardown(): Promise<void> {
  const servers = globalThis.__CRM_TEST_SERVERS__;
  globalThis.__CRM_TEST_SERVERS__ = undefined;
  if (servers) {
    await servers.stop();
    delete process.env.MONGO_URL;
    delete process.env.NATS_URL;
  }
}
