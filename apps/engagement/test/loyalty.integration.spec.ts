import { orderDeliveredV1 } from '@crm/contracts';
import type { RunningService } from '@crm/kernel';
import { announceCustomer, eventually, graphql } from '@crm/testing';
import { eventsAbout, ok, orderDelivered, publishForeign, staffTokens, startEngagement, user, type FixedClock } from './engagement-fixture';

const ACCOUNT = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id loyaltyPoints { id balance entries { sequence points balanceAfter kind description recordedBy { id kind } } } } } }`;
const REDEEM = `mutation($input: RedeemLoyaltyPointsInput!) { redeemLoyaltyPoints(input: $input) { entry { sequence points balanceAfter kind } userErrors { field code message } } }`;
const WATCH = `mutation { runEngagementWatches { summary { anniversaryPointsAwarded } userErrors { code } } }`;

jest.setTimeout(90_000);

describe('engagement: the loyalty points ledger', () => {
  let service: RunningService;
  let clock: FixedClock;
  let t: Awaited<ReturnType<typeof staffTokens>>;

  beforeAll(async () => {
    ({ service, clock } = await startEngagement('2025-01-16T01:00:00Z', { LOYALTY_ANNIVERSARY_POINTS: '100' }));
    t = await staffTokens();
  });
  afterAll(() => service.stop());

  type Account = { balance: number; entries: { sequence: number; points: number; balanceAfter: number; kind: string }[] } | null;
  const accountOf = async (customerId: string): Promise<Account> => (await ok(service, ACCOUNT, { r: [{ __typename: 'Customer', id: customerId }] }, t.alice))._entities[0].loyaltyPoints;
  const redeem = (customerId: string, points: number, extra: Record<string, unknown> = {}) => graphql(service.url, REDEEM, { input: { customerId, points, kind: 'GIFT', description: 'Tea set', ...extra } }, t.alice);

  /** A customer delivered to on 15 January 2025 and awarded their first anniversary a year later. */
  const memberWithAnniversary = async () => {
    clock.set('2025-01-16T01:00:00Z');
    const customerId = await announceCustomer(service, { owner: user('alice'), department: 'D-EAST' });
    await publishForeign(service, orderDeliveredV1, 'order', orderDelivered(customerId));
    await eventually(async () => {
      if (!(await service.connection.collection('loyalty_members').findOne({ _id: customerId as never }))) throw new Error('not a member yet');
    });
    clock.set('2026-01-15T00:00:00Z');
    expect((await ok(service, WATCH, {}, t.gm)).runEngagementWatches.summary.anniversaryPointsAwarded).toBeGreaterThanOrEqual(1);
    return customerId;
  };

  it('awards the yearly anniversary once, and derives the balance from the ledger', async () => {
    const customerId = await memberWithAnniversary();
    await ok(service, WATCH, {}, t.gm);
    const account = await accountOf(customerId);
    expect(account).toEqual({
      id: `${customerId}:loyalty`,
      balance: 100,
      entries: [{ sequence: 1, points: 100, balanceAfter: 100, kind: 'ANNIVERSARY', description: '1 year of cooperation', recordedBy: { id: 'system:loyalty', kind: 'SYSTEM' } }],
    });
    const earned = (await eventsAbout(service, customerId)).filter((e) => e.type === 'crm.engagement.loyalty-points.earned');
    expect(earned).toHaveLength(1);
    expect(earned[0].data).toMatchObject({ customerId, points: 100, balanceAfter: 100, kind: 'ANNIVERSARY' });
  });

  it('redeems within the balance and refuses to go below zero: a CONFLICT, no entry, no event', async () => {
    const customerId = await memberWithAnniversary();
    const spent = await redeem(customerId, 60);
    expect(spent.data!.redeemLoyaltyPoints).toEqual({ entry: { sequence: 2, points: -60, balanceAfter: 40, kind: 'GIFT' }, userErrors: [] });
    const tooMuch = await redeem(customerId, 41);
    expect(tooMuch.data!.redeemLoyaltyPoints).toEqual({ entry: null, userErrors: [expect.objectContaining({ code: 'CONFLICT', message: expect.stringMatching(/balance is 40/) })] });
    expect((await accountOf(customerId))!.balance).toBe(40);
    expect((await eventsAbout(service, customerId)).filter((e) => e.type === 'crm.engagement.loyalty-points.redeemed').map((e) => e.data.points)).toEqual([-60]);
  });

  it('lets only the redemptions the balance covers win when they are made at once', async () => {
    const customerId = await memberWithAnniversary();
    const attempts = await Promise.all(Array.from({ length: 5 }, (_, i) => redeem(customerId, 30, { description: `Gift ${i}` })));
    const payloads = attempts.map((res) => res.data!.redeemLoyaltyPoints);
    // 100 points cover three redemptions of 30, never four.
    expect(payloads.filter((p) => p.entry !== null)).toHaveLength(3);
    expect(payloads.filter((p) => p.userErrors[0]?.code === 'CONFLICT')).toHaveLength(2);
    const account = (await accountOf(customerId))!;
    expect(account.balance).toBe(10);
    // The ledger adds up: each entry's balance is the one before it plus its points.
    const ledger = [...account.entries].reverse();
    expect(ledger.map((e) => e.sequence)).toEqual([1, 2, 3, 4]);
    ledger.reduce((balance, e) => (expect(e.balanceAfter).toBe(balance + e.points), e.balanceAfter), 0);
  });

  it('lists every problem of a redemption at once, refuses partners, and redeems once per idempotency key', async () => {
    const customerId = await memberWithAnniversary();
    const bad = await graphql(service.url, REDEEM, { input: { customerId: 'nope', points: 0, kind: 'GIFT', description: ' ' } }, t.alice);
    expect(bad.data!.redeemLoyaltyPoints.userErrors.map((e: { field: string[] }) => e.field.join('.')).sort()).toEqual(['input.customerId', 'input.description', 'input.points']);
    expect((await graphql(service.url, REDEEM, { input: { customerId, points: 1, kind: 'GIFT', description: 'x' } }, t.partner)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const once = await redeem(customerId, 10, { idempotencyKey: 'tea-1' });
    const twice = await redeem(customerId, 10, { idempotencyKey: 'tea-1' });
    expect(twice.data!.redeemLoyaltyPoints.entry).toEqual(once.data!.redeemLoyaltyPoints.entry);
    expect((await accountOf(customerId))!.balance).toBe(90);
  });
});
