import { orderDeliveredV1, streamFor } from '@crm/contracts';
import type { RunningService } from '@crm/kernel';
import { eventsAboutCustomer, eventsOnStream, graphql, newCustomerId } from '@crm/testing';
import { CANCEL, creditTokens, DELIVER, invoiced, knownCustomer, ok, oneLine, payload, PLACE, RECHECK, REJECT, RELEASE, setLifecycle, setProfile, startCredit, user } from './credit-fixture';

jest.setTimeout(90_000);

const stream = streamFor('credit').name;

describe('credit: orders with the credit check at entry', () => {
  let service: RunningService;
  let clock: Awaited<ReturnType<typeof startCredit>>['clock'];
  let t: Awaited<ReturnType<typeof creditTokens>>;
  const orders = () => service.connection.collection('credit_orders');

  beforeAll(async () => {
    ({ service, clock } = await startCredit('2025-06-02T02:00:00Z'));
    t = await creditTokens();
  });
  afterAll(() => service.stop());
  beforeEach(() => clock.set('2025-06-02T02:00:00Z'));

  /** A customer of alice's with a credit limit (CNY, major units). */
  const customerWithLimit = async (creditLimit: number, terms: { paymentTermDays?: number; region?: string | null } = {}) => {
    const customerId = await knownCustomer(service, { region: terms.region });
    await setProfile(service, t.finance, customerId, { creditLimit, paymentTermDays: terms.paymentTermDays ?? 30 });
    return customerId;
  };
  const place = (customerId: string, amountMinor: number, token = t.alice, extra: Record<string, unknown> = {}) => payload(service, PLACE, { i: { customerId, lines: oneLine(amountMinor), ...extra } }, token);
  const placed = async (customerId: string, amountMinor: number, token = t.alice, extra: Record<string, unknown> = {}) => {
    const answer = await place(customerId, amountMinor, token, extra);
    expect(answer.userErrors).toEqual([]);
    return answer.order;
  };

  it('opens an order within the credit limit, taking consultant, department and region from the customer', async () => {
    const customerId = await customerWithLimit(10_000, { region: 'East' });
    const order = await placed(customerId, 0, t.alice, { lines: [{ product: 'PUMP-100', quantity: 3, unitPriceMinor: 150_000 }, { product: 'SEAL-7', quantity: 10, unitPriceMinor: 2_550 }], eventId: 'EV-1' });
    expect(order).toMatchObject({
      customerId,
      consultant: { id: user('alice') },
      departmentId: 'D-EAST',
      region: 'East',
      eventId: 'EV-1',
      status: 'OPEN',
      amount: { amountMinor: 475_500, currency: 'CNY' },
      lines: [
        { product: 'PUMP-100', quantity: 3, unitPrice: { amountMinor: 150_000, currency: 'CNY' }, amount: { amountMinor: 450_000, currency: 'CNY' } },
        { product: 'SEAL-7', quantity: 10, unitPrice: { amountMinor: 2_550, currency: 'CNY' }, amount: { amountMinor: 25_500, currency: 'CNY' } },
      ],
      creditCheck: { outcome: 'PASSED', reasons: [], creditLimit: { amountMinor: 1_000_000 }, openReceivables: { amountMinor: 0 }, openOrders: { amountMinor: 0 }, exposure: { amountMinor: 0 }, available: { amountMinor: 1_000_000 }, oldestOverdueDays: null },
      creditDecisions: [{ kind: 'CHECK', outcome: 'PASSED', decidedBy: { id: user('alice'), kind: 'STAFF_MEMBER' }, note: null, check: { outcome: 'PASSED' } }],
      placedBy: { id: user('alice') },
      revision: 1,
    });
  });

  it('holds an order over the available credit with the reason, counting the open orders into the exposure', async () => {
    const customerId = await customerWithLimit(10_000);
    expect((await placed(customerId, 600_000)).status).toBe('OPEN');
    const held = await placed(customerId, 400_001);
    expect(held.status).toBe('HELD');
    expect(held.creditCheck).toMatchObject({ outcome: 'HELD', openOrders: { amountMinor: 600_000 }, exposure: { amountMinor: 600_000 }, available: { amountMinor: 400_000 } });
    expect(held.creditCheck.reasons).toEqual([expect.objectContaining({ code: 'OVER_CREDIT_LIMIT' })]);
    // Exactly the credit left passes; the held order is no exposure until released.
    expect((await placed(customerId, 400_000)).status).toBe('OPEN');
  });

  it('holds every order of a customer without a credit profile', async () => {
    const customerId = await knownCustomer(service);
    const held = await placed(customerId, 100);
    expect(held).toMatchObject({ status: 'HELD', creditCheck: { reasons: [expect.objectContaining({ code: 'NO_CREDIT_PROFILE' })], creditLimit: null, available: null } });
  });

  it.each([
    ['a frozen account', 'ACCOUNT_FROZEN', async (s: RunningService, id: string, finance: string) => setProfile(s, finance, id, { creditLimit: 10_000, frozen: true, expectedRevision: 1 })],
    ['a bad customer', 'CUSTOMER_BAD', async (s: RunningService, id: string) => setLifecycle(s, id, 'BAD')],
    ['a removed customer', 'CUSTOMER_REMOVED', async (s: RunningService, id: string) => setLifecycle(s, id, 'REMOVED')],
  ])('refuses an order for %s with FORBIDDEN and reason %s, keeping no order and publishing nothing', async (_what, reason, change) => {
    const customerId = await customerWithLimit(10_000);
    await change(service, customerId, t.finance);
    const res = await graphql(service.url, PLACE, { i: { customerId, lines: oneLine(100) } }, t.alice);
    expect(res.data?.placeOrder ?? null).toBeNull();
    expect(res.errors?.map((e) => e.extensions)).toEqual([expect.objectContaining({ code: 'FORBIDDEN', reason })]);
    expect(await orders().countDocuments({ customerId })).toBe(0);
    await service.flushOutbox();
    expect((await eventsAboutCustomer(service.bus.jsm, stream, customerId)).filter((e) => e.type.startsWith('crm.credit.order'))).toEqual([]);
  });

  it('lets finance release a held order with the reason, recorded with who decided', async () => {
    const customerId = await customerWithLimit(1_000);
    const held = await placed(customerId, 200_000);
    const released = await ok(service, RELEASE, { i: { id: held.id, note: 'Customer pays by the 10th, agreed by phone' } }, t.finance, 'order');
    expect(released.status).toBe('OPEN');
    expect(released.creditDecisions.map((d: { kind: string }) => d.kind)).toEqual(['CHECK', 'RELEASE']);
    expect(released.creditDecisions[1]).toEqual({ kind: 'RELEASE', outcome: 'RELEASED', decidedBy: { id: 'fin-1', kind: 'STAFF_MEMBER' }, note: 'Customer pays by the 10th, agreed by phone', check: null });
    // Released once: a second release is a conflict, and nothing changes.
    const again = await payload(service, RELEASE, { i: { id: held.id, note: 'again' } }, t.gm);
    expect(again).toEqual({ order: null, userErrors: [expect.objectContaining({ code: 'CONFLICT', field: null })] });
    expect(await orders().findOne({ _id: (await orders().findOne({ customerId }))!._id })).toMatchObject({ revision: 2 });
  });

  it('lets the general manager reject a held order; consultants may not decide', async () => {
    const customerId = await customerWithLimit(1_000);
    const held = await placed(customerId, 200_000);
    const refused = await graphql(service.url, RELEASE, { i: { id: held.id, note: 'please' } }, t.alice);
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const rejected = await ok(service, REJECT, { i: { id: held.id, note: 'Too risky this quarter' } }, t.gm, 'order');
    expect(rejected).toMatchObject({ status: 'REJECTED', creditDecisions: [{ kind: 'CHECK' }, { kind: 'REJECT', outcome: 'REJECTED', decidedBy: { id: 'gm-1' }, note: 'Too risky this quarter' }] });
    expect((await payload(service, DELIVER, { i: { id: held.id } }, t.alice)).userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT' })]);
  });

  it('rechecks a held order: still held while over, open once finance raises the limit', async () => {
    const customerId = await customerWithLimit(1_000);
    const held = await placed(customerId, 150_000);
    const still = await ok(service, RECHECK, { i: { id: held.id } }, t.alice, 'order');
    expect(still).toMatchObject({ status: 'HELD', creditDecisions: [{ kind: 'CHECK' }, { kind: 'RECHECK', outcome: 'HELD', check: { outcome: 'HELD' } }] });
    await setProfile(service, t.finance, customerId, { creditLimit: 2_000, expectedRevision: 1 });
    const opened = await ok(service, RECHECK, { i: { id: held.id } }, t.alice, 'order');
    expect(opened).toMatchObject({ status: 'OPEN', creditCheck: { outcome: 'PASSED', creditLimit: { amountMinor: 200_000 } } });
    expect(opened.creditDecisions.map((d: { kind: string; outcome: string }) => `${d.kind}:${d.outcome}`)).toEqual(['CHECK:HELD', 'RECHECK:HELD', 'RECHECK:PASSED']);
  });

  it('delivers an open order once, publishing crm.credit.order.delivered with the agreed contract; receivables invoice it', async () => {
    const customerId = await customerWithLimit(100_000, { paymentTermDays: 45, region: 'North' });
    const order = await placed(customerId, 0, t.alice, { lines: [{ product: 'PUMP-100', quantity: 2, unitPriceMinor: 300_000 }], eventId: 'EV-9' });
    clock.set('2025-06-03T03:00:00Z');
    const delivered = await ok(service, DELIVER, { i: { id: order.id } }, t.east, 'order');
    expect(delivered).toMatchObject({ status: 'DELIVERED', deliveredAt: '2025-06-03T03:00:00.000Z', deliveredBy: { id: user('mgr-east') } });
    await service.flushOutbox();
    const events = await eventsOnStream(service.bus.jsm, stream, orderDeliveredV1.type, order.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ subject: order.id, actorid: user('mgr-east'), time: '2025-06-03T03:00:00.000Z', dataschema: 'urn:crm:event:crm.credit.order.delivered:v1' });
    expect(orderDeliveredV1.data.parse(events[0].data)).toEqual({
      orderId: order.id,
      customerId,
      consultantId: user('alice'),
      departmentId: 'D-EAST',
      region: 'North',
      eventId: 'EV-9',
      lines: [{ product: 'PUMP-100', quantity: 2, unitPrice: { amountMinor: 300_000, currency: 'CNY' }, amount: { amountMinor: 600_000, currency: 'CNY' } }],
      amount: { amountMinor: 600_000, currency: 'CNY' },
      deliveredAt: '2025-06-03T03:00:00.000Z',
    });
    expect((await payload(service, DELIVER, { i: { id: order.id } }, t.alice)).userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT' })]);
    await invoiced(service, order.id);
    const ledger = await service.connection.collection('credit_ledgers').findOne({ _id: customerId as never });
    // Delivered at 11:00 in Shanghai on 3 June; 45 days on.
    expect(ledger!.invoices).toEqual([expect.objectContaining({ orderId: order.id, amountMinor: 600_000, issuedOn: '2025-06-03', dueOn: '2025-07-18', paymentTermDays: 45, consultantId: user('alice') })]);
  });

  it('holds a new order while an invoice is overdue more than the configured 30 days (the oldest-open-item check)', async () => {
    const customerId = await customerWithLimit(100_000, { paymentTermDays: 10 });
    const first = await placed(customerId, 1_000);
    await ok(service, DELIVER, { i: { id: first.id } }, t.alice, 'order');
    await invoiced(service, first.id);
    // Due 12 June; 30 days overdue on 12 July passes, 31 on 13 July holds.
    clock.set('2025-07-12T02:00:00Z');
    expect((await placed(customerId, 1_000)).creditCheck).toMatchObject({ outcome: 'PASSED', oldestOverdueDays: 30, openReceivables: { amountMinor: 1_000 } });
    clock.set('2025-07-13T02:00:00Z');
    const held = await placed(customerId, 1_000);
    expect(held.status).toBe('HELD');
    expect(held.creditCheck.reasons).toEqual([{ code: 'OVERDUE_INVOICE', message: 'an invoice is 31 days overdue (more than 30)' }]);
  });

  it('refuses to ship to an account frozen after the order was accepted (FORBIDDEN, ACCOUNT_FROZEN)', async () => {
    const customerId = await customerWithLimit(10_000);
    const order = await placed(customerId, 1_000);
    await setProfile(service, t.finance, customerId, { creditLimit: 10_000, frozen: true, expectedRevision: 1 });
    const res = await graphql(service.url, DELIVER, { i: { id: order.id } }, t.alice);
    expect(res.errors?.map((e) => e.extensions)).toEqual([expect.objectContaining({ code: 'FORBIDDEN', reason: 'ACCOUNT_FROZEN' })]);
    expect(await orders().findOne({ customerId })).toMatchObject({ status: 'OPEN', revision: 1 });
  });

  it('cancels a held or open order with the reason', async () => {
    const customerId = await customerWithLimit(10_000);
    const order = await placed(customerId, 1_000);
    const cancelled = await ok(service, CANCEL, { i: { id: order.id, note: 'Customer changed their mind' } }, t.alice, 'order');
    expect(cancelled).toMatchObject({ status: 'CANCELLED', cancelledBy: { id: user('alice') }, cancelReason: 'Customer changed their mind' });
  });

  it('answers one user error per problem of a bad order and writes nothing', async () => {
    const before = await orders().countDocuments();
    const answer = await payload(service, PLACE, { i: { customerId: 'nope', lines: [{ product: ' ', quantity: 0, unitPriceMinor: -1 }, { product: 'OK', quantity: 1, unitPriceMinor: 5 }], currency: 'yuan' } }, t.alice);
    expect(answer.order).toBeNull();
    expect(answer.userErrors.map((e) => [e.code, e.field!.join('.')])).toEqual([
      ['BAD_USER_INPUT', 'input.customerId'],
      ['BAD_USER_INPUT', 'input.lines.0.product'],
      ['BAD_USER_INPUT', 'input.lines.0.quantity'],
      ['BAD_USER_INPUT', 'input.lines.0.unitPriceMinor'],
      ['BAD_USER_INPUT', 'input.currency'],
    ]);
    const empty = await payload(service, PLACE, { i: { customerId: newCustomerId(), lines: [] } }, t.alice);
    expect(empty.userErrors).toEqual([{ field: ['input', 'lines'], code: 'BAD_USER_INPUT', message: 'an order has at least one line' }]);
    const release = await payload(service, RELEASE, { i: { id: 'x', note: ' ' } }, t.finance);
    expect(release.userErrors.map((e) => e.field!.join('.'))).toEqual(['input.id', 'input.note']);
    expect(await orders().countDocuments()).toBe(before);
  });

  it('answers a currency other than the credit limit\'s as a user error on input.currency', async () => {
    const customerId = await customerWithLimit(10_000);
    expect((await place(customerId, 100, t.alice, { currency: 'USD' })).userErrors).toEqual([{ field: ['input', 'currency'], code: 'BAD_USER_INPUT', message: "must be CNY, the currency of the customer's credit limit" }]);
  });

  it('answers NOT_FOUND for a customer credit does not know, and for an order that is not there', async () => {
    const unknown = newCustomerId();
    expect((await place(unknown, 100, t.finance)).userErrors).toEqual([{ field: null, code: 'NOT_FOUND', message: `Customer ${unknown} not found` }]);
    expect((await payload(service, RELEASE, { i: { id: newCustomerId(), note: 'x' } }, t.finance)).userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
  });

  it('refuses orders for customers outside the caller\'s scope (FORBIDDEN) and partners altogether', async () => {
    const customerId = await customerWithLimit(10_000);
    expect((await graphql(service.url, PLACE, { i: { customerId, lines: oneLine(100) } }, t.bob)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await graphql(service.url, PLACE, { i: { customerId, lines: oneLine(100) } }, t.partner)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await orders().countDocuments({ customerId })).toBe(0);
  });

  it('returns the first order for a repeated idempotency key, writing one order', async () => {
    const customerId = await customerWithLimit(10_000);
    const [a, b] = await Promise.all([placed(customerId, 100, t.alice, { idempotencyKey: 'k-1' }), placed(customerId, 100, t.alice, { idempotencyKey: 'k-1' })]);
    expect(a.id).toBe(b.id);
    expect(await orders().countDocuments({ customerId })).toBe(1);
  });

  it('reads orders by the customer scope: the owner and finance see them, a colleague gets FORBIDDEN, a partner NOT_FOUND', async () => {
    const customerId = await customerWithLimit(10_000);
    const order = await placed(customerId, 100);
    const read = (token: string) => graphql(service.url, 'query($id: ID!) { order(id: $id) { id status } }', { id: order.id }, token);
    expect((await read(t.alice)).data!.order).toEqual({ id: order.id, status: 'OPEN' });
    expect((await read(t.finance)).data!.order).toEqual({ id: order.id, status: 'OPEN' });
    expect((await read(t.bob)).errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', requiredApproval: 'DEPARTMENT_MANAGER' });
    expect((await read(t.partner)).errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND' });
    const list = (token: string) => graphql(service.url, 'query($c: ID) { orders(filter: {customerId: $c}) { totalCount edges { node { id } } } }', { c: customerId }, token);
    expect((await list(t.alice)).data!.orders).toEqual({ totalCount: 1, edges: [{ node: { id: order.id } }] });
    expect((await list(t.bob)).data!.orders.totalCount).toBe(0);
    const held = await graphql(service.url, 'query { orders(filter: {status: HELD}, first: 200) { edges { node { status } } } }', {}, t.finance);
    expect(held.data!.orders.edges.every((e: { node: { status: string } }) => e.node.status === 'HELD')).toBe(true);
  });

  it('records an order and its delivery after the fact: the invoice is issued and falls due from the delivery day', async () => {
    const customerId = await customerWithLimit(100_000, { paymentTermDays: 30 });
    const order = await placed(customerId, 5_000, t.alice, { orderedAt: '2025-04-01T01:00:00Z' });
    const early = await payload(service, DELIVER, { i: { id: order.id, deliveredAt: '2025-03-31T01:00:00Z' } }, t.alice);
    expect(early.userErrors).toEqual([{ field: ['input', 'deliveredAt'], code: 'BAD_USER_INPUT', message: 'cannot be before the order was placed' }]);
    const future = await payload(service, DELIVER, { i: { id: order.id, deliveredAt: '2025-07-01T00:00:00Z' } }, t.alice);
    expect(future.userErrors).toEqual([{ field: ['input', 'deliveredAt'], code: 'BAD_USER_INPUT', message: 'cannot be in the future' }]);
    expect(await orders().findOne({ customerId })).toMatchObject({ status: 'OPEN', revision: 1 });
    const delivered = await ok(service, DELIVER, { i: { id: order.id, deliveredAt: '2025-04-03T01:00:00Z' } }, t.alice, 'order');
    expect(delivered.deliveredAt).toBe('2025-04-03T01:00:00.000Z');
    await invoiced(service, order.id);
    expect((await service.connection.collection('credit_ledgers').findOne({ _id: customerId as never }))!.invoices[0]).toMatchObject({ issuedOn: '2025-04-03', dueOn: '2025-05-03' });
    expect((await place(customerId, 1, t.alice, { orderedAt: '2026-01-01T00:00:00Z' })).userErrors).toEqual([{ field: ['input', 'orderedAt'], code: 'BAD_USER_INPUT', message: 'cannot be in the future' }]);
  });
});
