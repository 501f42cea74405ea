import { orderDeliveredV1, type EventData } from '@crm/contracts';
import { tokenFor } from '@crm/testing';
import type { mongo } from 'mongoose';
import { eventually, startAccountsWorld, type AccountsWorld } from './accounts-fixture';

const FIGURES = 'newCustomers(period: $period) convertedCustomers(period: $period) conversionRate(period: $period)';
const KPIS = `query($r: [_Any!]!, $period: String!) { _entities(representations: $r) { ... on Consultant { id ${FIGURES} } ... on Department { id ${FIGURES} } } }`;

const delivered = (customerId: string, orderId: string, deliveredAt: string): EventData<typeof orderDeliveredV1> => {
  const amount = { amountMinor: 1_250_000, currency: 'CNY' };
  return { orderId, customerId, consultantId: 'alice', departmentId: 'D-EAST', region: null, eventId: null, lines: [{ product: 'Pump P-300', quantity: 5, unitPrice: { amountMinor: 250_000, currency: 'CNY' }, amount }], amount, deliveredAt };
};

describe('accounts: new customers and conversion per consultant and department', () => {
  let w: AccountsWorld;
  const commands: mongo.CommandStartedEvent[] = [];
  const reps = (...refs: [string, string][]) => refs.map(([__typename, id]) => ({ __typename, id }));
  const kpis = async (period: string, token: string, ...refs: [string, string][]) => (await w.ok(KPIS, { r: reps(...refs), period }, token))._entities;
  let aliceFirst: string;

  beforeAll(async () => {
    // Monday 3 March 2025, 09:00 in China.
    w = await startAccountsWorld({ env: { MONGO_MONITOR_COMMANDS: 'true' } });
    w.service.connection.getClient().on('commandStarted', (event: mongo.CommandStartedEvent) => commands.push(event));
    aliceFirst = await w.customer({ ownerId: 'alice' });
    const aliceSecond = await w.customer({ ownerId: 'alice' });
    await w.customer({ ownerId: 'alice' });
    await w.customer({ ownerId: 'bob' });
    await w.customer({ ownerId: 'carol' });
    // 1 April 00:30 in China is still 31 March in UTC: an April customer in the calendar's time zone.
    w.clock.set('2025-03-31T16:30:00Z');
    await w.customer({ ownerId: 'alice' });
    w.clock.set('2025-04-10T02:00:00Z');
    await w.publish(orderDeliveredV1, aliceFirst, delivered(aliceFirst, 'O-late', '2025-04-09T02:00:00Z'));
    await w.publish(orderDeliveredV1, aliceFirst, delivered(aliceFirst, 'O-early', '2025-03-20T02:00:00Z'));
    await w.publish(orderDeliveredV1, aliceSecond, delivered(aliceSecond, 'O-second', '2025-04-01T02:00:00Z'));
    await eventually(async () => {
      const [alice] = await kpis('2025-03', w.tokens.gm, ['Consultant', 'alice']);
      expect(alice.convertedCustomers).toBe(2);
    });
  });
  afterAll(() => w.service.stop());

  it("counts a consultant's customers created in the period and those of them that bought since", async () => {
    expect(await kpis('2025-03', w.tokens.gm, ['Consultant', 'alice'], ['Consultant', 'bob'], ['Consultant', 'dan'])).toEqual([
      { id: 'alice', newCustomers: 3, convertedCustomers: 2, conversionRate: 0.6667 },
      { id: 'bob', newCustomers: 1, convertedCustomers: 0, conversionRate: 0 },
      { id: 'dan', newCustomers: 0, convertedCustomers: 0, conversionRate: null },
    ]);
    expect(await kpis('2025-04', w.tokens.gm, ['Consultant', 'alice'])).toEqual([{ id: 'alice', newCustomers: 1, convertedCustomers: 0, conversionRate: 0 }]);
    expect(await kpis('2025-Q1', w.tokens.gm, ['Consultant', 'alice'])).toEqual([expect.objectContaining({ newCustomers: 3 })]);
    expect(await kpis('2025', w.tokens.gm, ['Consultant', 'alice'])).toEqual([expect.objectContaining({ newCustomers: 4, convertedCustomers: 2 })]);
  });

  it('rolls them up per department', async () => {
    expect(await kpis('2025-03', w.tokens.gm, ['Department', 'D-EAST'], ['Department', 'D-WEST'])).toEqual([
      { id: 'D-EAST', newCustomers: 4, convertedCustomers: 2, conversionRate: 0.5 },
      { id: 'D-WEST', newCustomers: 1, convertedCustomers: 0, conversionRate: 0 },
    ]);
  });

  it('keeps the earliest delivery as the first purchase, whatever order the deliveries arrive in', async () => {
    const doc = await w.service.connection.collection('customers').findOne({}, { projection: { firstPurchase: 1 }, sort: { createdAt: 1 } });
    expect(doc?.firstPurchase).toEqual({ at: new Date('2025-03-20T02:00:00Z'), orderId: 'O-early' });
  });

  it('answers a batch of consultants with one aggregation of the customers, and the departments with another', async () => {
    commands.length = 0;
    await kpis('2025-03', w.tokens.gm, ['Consultant', 'alice'], ['Consultant', 'bob'], ['Consultant', 'carol'], ['Department', 'D-EAST'], ['Department', 'D-WEST']);
    // The consultants and the departments are loaded in separate steps, so each kind is one batch.
    expect(commands.filter((c) => c.commandName === 'aggregate' && (c.command as { aggregate?: string }).aggregate === 'customers')).toHaveLength(2);
  });

  it("lets a consultant read their own figures, a manager their department's (and of a consultant elsewhere only what is booked in theirs), partners nothing", async () => {
    const refs: [string, string][] = [['Consultant', 'alice'], ['Consultant', 'bob'], ['Consultant', 'carol'], ['Department', 'D-EAST'], ['Department', 'D-WEST']];
    // A consultant beyond a partner's reach resolves to null altogether (docs/adr/0015-partner-slice.md).
    const nulls = (row: Record<string, unknown> | null) => row === null || row.newCustomers === null;
    expect((await kpis('2025-03', w.tokens.alice, ...refs)).map(nulls)).toEqual([false, true, true, true, true]);
    const asEast = await kpis('2025-03', w.tokens.eastManager, ...refs);
    expect(asEast.map(nulls)).toEqual([false, false, false, false, true]);
    expect(asEast[2]).toMatchObject({ id: 'carol', newCustomers: 0 });
    expect((await kpis('2025-03', w.tokens.partner, ...refs)).map(nulls)).toEqual([true, true, true, true, true]);
    const partnerAsManager = await tokenFor({ sub: 'mgr-east', roles: ['department_manager'], department_id: 'D-EAST', partner_id: 'P-1' });
    expect((await kpis('2025-03', partnerAsManager, ['Department', 'D-EAST']))[0].newCustomers).toBeNull();
  });

  it('refuses a malformed period with BAD_USER_INPUT on period', async () => {
    const res = await w.call(KPIS, { r: reps(['Consultant', 'alice']), period: 'March' }, w.tokens.gm);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'period' });
  });
});
