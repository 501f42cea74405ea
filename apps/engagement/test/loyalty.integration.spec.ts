import { invoiceSettledV1, orderDeliveredV1 } from '@crm/contracts';
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
    ({ service, clock } = await startEngagement('2025-01-16T01:00:00Z', { LOYALTY_ANNIVERSARY_POINTS: '100', LOYALTY_PURCHASE_UNITS_PER_POINT: '50' }));
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

  /** credit's crm.credit.invoice.settled for an invoice of `amountMinor` fen. */
  const settled = (customerId: string, invoiceId: string, amountMinor: number) => ({
    invoiceId,
    orderId: `O-${invoiceId}`,
    customerId,
    consultantId: user('alice'),
    amount: { amountMinor, currency: 'CNY' },
    settledAt: '2025-01-15T06:00:00.000Z',
  });
  const purchases = async (customerId: string) => ((await accountOf(customerId))?.entries ?? []).filter((e) => e.kind === 'PURCHASE');

  it('earns purchase points for each invoice paid in full, one per 50 yuan here (the configured rate), rounded down', async () => {
    const customerId = await announceCustomer(service, { owner: user('alice'), department: 'D-EAST' });
    await publishForeign(service, invoiceSettledV1, 'INV-1', settled(customerId, 'INV-1', 1_249_999));
    // Under 50 yuan earns nothing, and writes no entry.
    await publishForeign(service, invoiceSettledV1, 'INV-2', settled(customerId, 'INV-2', 4_999));
    await publishForeign(service, invoiceSettledV1, 'INV-3', settled(customerId, 'INV-3', 5_000));
    await eventually(async () => expect(await purchases(customerId)).toHaveLength(2));
    const account = (await accountOf(customerId))!;
    expect(account.balance).toBe(249 + 1);
    expect([...account.entries].reverse()).toEqual([
      { sequence: 1, points: 249, balanceAfter: 249, kind: 'PURCHASE', description: 'Purchase paid: invoice INV-1, 12499.99 CNY', recordedBy: { id: 'system:loyalty', kind: 'SYSTEM' } },
      { sequence: 2, points: 1, balanceAfter: 250, kind: 'PURCHASE', description: 'Purchase paid: invoice INV-3, 50.00 CNY', recordedBy: { id: 'system:loyalty', kind: 'SYSTEM' } },
    ]);
    const earned = (await eventsAbout(service, customerId)).filter((e) => e.type === 'crm.engagement.loyalty-points.earned');
    expect(earned.map((e) => [e.data.kind, e.data.points])).toEqual([
      ['PURCHASE', 249],
      ['PURCHASE', 1],
    ]);
  });

  it('earns the points of an invoice once, however often its event is delivered', async () => {
    const customerId = await announceCustomer(service, { owner: user('alice'), department: 'D-EAST' });
    const eventId = await publishForeign(service, invoiceSettledV1, 'INV-R', settled(customerId, 'INV-R', 100_000));
    // The same event delivered again (at once and later), and the invoice announced under another event id.
    await Promise.all([1, 2, 3].map(() => publishForeign(service, invoiceSettledV1, 'INV-R', settled(customerId, 'INV-R', 100_000), { id: eventId })));
    await publishForeign(service, invoiceSettledV1, 'INV-R', settled(customerId, 'INV-R', 100_000));
    // A later invoice shows when the ones before it are handled (one consumer, in order).
    await publishForeign(service, invoiceSettledV1, 'INV-S', settled(customerId, 'INV-S', 50_000));
    await eventually(async () => expect((await purchases(customerId)).map((e) => e.points)).toContain(10));
    expect((await purchases(customerId)).map((e) => e.points).sort()).toEqual([10, 20]);
    expect((await accountOf(customerId))!.balance).toBe(30);
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
