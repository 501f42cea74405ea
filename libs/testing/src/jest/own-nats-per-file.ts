// Jest loads its setup files outside the tsconfig aliases' reach for the preset; import the lib by path.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startLocalNats, type LocalServer } from '../../../dev-servers/src/local-servers';

/**
 * Each test file outside a `src/` folder (the integration and end-to-end specs; unit specs sit beside their code)
 * gets its own throw-away NATS server when the servers are local.
 * Sharing one server made every fresh durable consumer replay every other file's events (the accounts stream
 * grows with the whole run), so projections lagged under load and access grants for common user ids leaked
 * between files. A local nats-server starts in well under a second; given URLs and containers stay shared.
 */
const testPath = expect.getState().testPath ?? '';
const needsServers = !/[\\/]src[\\/]/.test(testPath);
let ownNats: LocalServer | undefined;
let sharedNatsUrl: string | undefined;

if (needsServers && process.env.CRM_TEST_SERVERS === 'local') {
  beforeAll(async () => {
    ownNats = await startLocalNats();
    sharedNatsUrl = process.env.NATS_URL;
    process.env.NATS_URL = ownNats.url;
  }, 30_000);

  afterAll(async () => {
    process.env.NATS_URL = sharedNatsUrl;
    await ownNats?.stop();
  }, 30_000);
}
