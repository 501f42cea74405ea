// No credential reaches a log line: the whole platform logs at debug (the access log carries every request's
// headers, the gateway forwards the caller's token to each subgraph) while staff, a partner, a forged token and a
// graphql-ws subscriber call it; then every line of all six processes is scanned for the tokens and the secret.
import { DEV_JWT_SECRET } from '@crm/auth';
import { tokenFor } from '@crm/testing';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { RunningPlatform } from '../platform/platform';
import { startE2ePlatform } from './e2e-platform';

jest.setTimeout(120_000);

describe('logs of an end-to-end run', () => {
  const lines: string[] = [];
  let platform: RunningPlatform;
  let staff: string;
  let partner: string;
  const forged = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5Iiwicm9sZXMiOlsiZ2VuZXJhbF9tYW5hZ2VyIl19.Zm9yZ2VkLXNpZ25hdHVyZQ';

  beforeAll(async () => {
    platform = await startE2ePlatform({ jwtSecret: DEV_JWT_SECRET, logLevel: 'debug', logDestination: { write: (line: string) => void lines.push(line) } });
    staff = await tokenFor({ sub: 'gm-logs', roles: ['general_manager'] });
    partner = await tokenFor({ sub: 'portal-logs', roles: ['partner'], partner_id: 'P-LOGS' });
  });
  afterAll(() => platform?.stop());

  const post = (token: string, query: string) =>
    fetch(platform.gateway.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });

  it('holds no token, bearer credential or JWT secret, though the requests and their headers were logged', async () => {
    expect((await post(staff, '{ viewer { id } customers(first: 2) { edges { node { id name tickets { id } } } } }')).status).toBe(200);
    expect((await post(staff, 'mutation { upsertDepartment(input: { id: "D-LOGS", name: "Logs" }) { userErrors { code } } }')).status).toBe(200);
    expect((await post(partner, '{ customers(first: 1) { edges { node { id } } } }')).status).toBe(200);
    expect((await post(forged, '{ viewer { id } }')).status).toBe(401);
    const client = createClient({ url: platform.gateway.graphqlUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${staff}` }, lazy: false, retryAttempts: 0 });
    await new Promise<void>((resolve, reject) => {
      const stop = client.subscribe({ query: 'subscription { complaintEvents { type } }' }, { next: () => undefined, error: reject, complete: resolve });
      setTimeout(() => {
        stop();
        resolve();
      }, 500);
    });
    await client.dispose();
    await new Promise((resolve) => setTimeout(resolve, 200));

    const logged = lines.join('');
    const accessLines = lines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'request completed' && line.req?.headers);
    // The run did log what would leak: the gateway's and the subgraphs' access lines, with the authorization header.
    expect([...new Set(accessLines.map((line) => line.service))]).toEqual(expect.arrayContaining(['gateway', 'accounts']));
    expect(accessLines.some((line) => line.req.headers.authorization === '[redacted]')).toBe(true);
    for (const secret of [staff, partner, forged, DEV_JWT_SECRET]) expect(logged).not.toContain(secret);
    for (const token of [staff, partner, forged]) expect(logged).not.toContain(token.split('.')[2]);
    expect(logged).not.toMatch(/Bearer (?!\[redacted\])\S/);
  });
});
