import type { RunningService } from '@crm/kernel';
import { announceCustomer } from '@crm/testing';
import type { mongo } from 'mongoose';
import { ok, okPayload, staffTokens, startEngagement, user } from './engagement-fixture';

const CUSTOMERS = 50;
const FIELDS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id interactions { id } visits { id } minutes { id } returnVisits { id } loyaltyPoints { balance } } } }`;
const PLAN = `mutation($input: PlanVisitInput!) { planVisit(input: $input) { visit { id } userErrors { field code message } } }`;

jest.setTimeout(120_000);

describe("engagement: Customer's fields cost one query per collection for a list of customers", () => {
  let service: RunningService;
  const commands: mongo.CommandStartedEvent[] = [];

  beforeAll(async () => {
    ({ service } = await startEngagement('2025-06-02T01:00:00Z', { MONGO_MONITOR_COMMANDS: 'true' }));
    service.connection.getClient().on('commandStarted', (event: mongo.CommandStartedEvent) => commands.push(event));
  });
  afterAll(() => service.stop());

  it(`reads ${CUSTOMERS} customers' interactions, visits, minutes, return visits and loyalty with one read of each collection`, async () => {
    const t = await staffTokens();
    const ids: string[] = [];
    for (let i = 0; i < CUSTOMERS; i += 1) ids.push(await announceCustomer(service, { owner: user('alice'), department: 'D-EAST' }));
    for (const customerId of ids.slice(0, 3)) await okPayload(service, PLAN, { input: { customerId, purpose: 'Visit', plannedAt: '2025-06-03T02:00:00Z' } }, t.alice);

    for (const token of [t.gm, t.east]) {
      commands.length = 0;
      const data = await ok(service, FIELDS, { r: ids.map((id) => ({ __typename: 'Customer', id })) }, token);
      expect(data._entities).toHaveLength(CUSTOMERS);
      expect(data._entities.filter((c: { visits: unknown[] }) => c.visits.length === 1)).toHaveLength(3);
      // Reads of each collection made for this request: they name the listed customers. Background scans (the outbox
      // relay, the scheduled rules) run on their own intervals and name none of them.
      const lastListed = ids[ids.length - 1];
      const reads = (collection: string) =>
        commands.filter((c) => {
          const command = c.command as { find?: string; aggregate?: string };
          return (command.find === collection || command.aggregate === collection) && JSON.stringify(command).includes(lastListed);
        }).length;
      expect(['interactions', 'visits', 'minutes', 'return_visits', 'loyalty_entries'].map((collection) => [collection, reads(collection)])).toEqual([
        ['interactions', 1],
        ['visits', 1],
        ['minutes', 1],
        ['return_visits', 1],
        ['loyalty_entries', 1],
      ]);
      // The caller's scope: at most one read for the whole request (none for the general manager, who sees all).
      const scopeReads = commands.filter((c) => (c.command as { find?: string }).find === 'customer_scopes').length;
      expect(scopeReads).toBeLessThanOrEqual(1);
    }
  });
});
