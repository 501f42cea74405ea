import type { RunningService } from '@crm/kernel';
import { invoiceSettledV1, streamFor } from '@crm/contracts';
import { eventsOnStream, graphql, newCustomerId, tokenFor } from '@crm/testing';
import type { mongo } from 'mongoose';
import { creditTokens, DELIVER, invoiced, knownCustomer, ok, oneLine, payload, PLACE, setProfile, startCredit, user } from './credit-fixture';

jest.setTimeout(120_000);

const PAY = `mutation($i: RecordPaymentInput!) { recordPayment(input: $i) {
  payment { id amount { amountMinor currency } receivedAt reference recordedBy { id kind } allocations { invoiceId paymentId amount { amountMinor } at } heldAsCredit { amountMinor } }
  receivables { id outstanding { amountMinor } creditHeld { amountMinor } }
  userErrors { field code message } } }`;
const RECEIVABLES = `query($c: ID!) { receivables(customerId: $c) { id customerId outstanding { amountMinor currency } overdue { amountMinor } creditHeld { amountMinor }
  invoices { id orderId order { id status } amount { amountMinor } paid { amountMinor } outstanding { amountMinor } dueOn daysOverdue settledAt dunningLevel lastReminderAt allocations { paymentId amount { amountMinor } } }
  payments { id amount { amountMinor } allocations { invoiceId amount { amountMinor } } heldAsCredit { amountMinor } } } }`;
const AGEING = `query($d: Date!) { ageing(asOf: $d) { asOf currency total { amountMinor } buckets { bucket amount { amountMinor } invoiceCount } } }`;
const COLLECTIONS = `query($d: Date!) { overdueCollections(asOf: $d, first: 200) { invoice { id customerId } customer { id } daysOverdue outstanding { amountMinor } dunningLevel lastReminderAt } }`;
const REMIND = `mutation($i: RecordDunningReminderInput!) { recordDunningReminder(input: $i) { invoice { id dunningLevel lastReminderAt } userErrors { field code message } } }`;

describe('credit: receivables', () => {
  let service: RunningService;
  let clock: Awaited<ReturnType<typeof startCredit>>['clock'];
  let t: Awaited<ReturnType<typeof creditTokens>>;
  const commands: mongo.CommandStartedEvent[] = [];
  const ledgers = () => service.connection.collection('credit_ledgers');

  beforeAll(async () => {
    ({ service, clock } = await startCredit('2025-01-10T02:00:00Z', { MONGO_MONITOR_COMMANDS: 'true' }));
    service.connection.getClient().on('commandStarted', (event: mongo.CommandStartedEvent) => commands.push(event));
    t = await creditTokens();
  });
  afterAll(() => service.stop());
  beforeEach(() => clock.set('2025-01-10T02:00:00Z'));

  /** A customer with orders delivered at the given instants (each a line of the given amount), invoiced. */
  const customerWithInvoices = async (deliveries: [string, number][], terms: { paymentTermDays?: number; owner?: string; department?: string } = {}) => {
    const customerId = await knownCustomer(service, { owner: terms.owner, department: terms.department });
    await setProfile(service, t.finance, customerId, { grade: 'AAA', creditLimit: 100_000_000, paymentTermDays: terms.paymentTermDays ?? 30 });
    const orderIds: string[] = [];
    for (const [at, amountMinor] of deliveries) {
      clock.set(at);
      const order = await ok(service, PLACE, { i: { customerId, lines: oneLine(amountMinor) } }, t.finance, 'order');
      await ok(service, DELIVER, { i: { id: order.id } }, t.finance, 'order');
      await invoiced(service, order.id);
      orderIds.push(order.id);
    }
    return { customerId, orderIds };
  };
  const pay = (customerId: string, amountMinor: number, extra: Record<string, unknown> = {}, token = t.finance) =>
    payload(service, PAY, { i: { customerId, amountMinor, receivedAt: clock.now().toISOString(), ...extra } }, token);
  const receivablesOf = async (customerId: string, token = t.finance) => {
    const res = await graphql(service.url, RECEIVABLES, { c: customerId }, token);
    expect(res.errors).toBeUndefined();
    return res.data!.receivables;
  };

  it('allocates a payment to the oldest invoice first, partially where the money runs out', async () => {
    const { customerId, orderIds } = await customerWithInvoices([
      ['2025-01-02T02:00:00Z', 30_000],
      ['2025-01-01T02:00:00Z', 50_000],
      ['2025-01-03T02:00:00Z', 20_000],
    ]);
    clock.set('2025-02-05T02:00:00Z');
    const answer = await pay(customerId, 60_000, { reference: 'BANK-1' });
    expect(answer.userErrors).toEqual([]);
    const invoices = (await receivablesOf(customerId)).invoices;
    const byOrder = (orderId: string) => invoices.find((i: { orderId: string }) => i.orderId === orderId);
    expect(answer.payment).toMatchObject({ amount: { amountMinor: 60_000, currency: 'CNY' }, reference: 'BANK-1', recordedBy: { id: 'fin-1', kind: 'STAFF_MEMBER' }, heldAsCredit: { amountMinor: 0 } });
    expect(answer.payment.allocations.map((a: { invoiceId: string; amount: { amountMinor: number } }) => [a.invoiceId, a.amount.amountMinor])).toEqual([
      [byOrder(orderIds[1]).id, 50_000],
      [byOrder(orderIds[0]).id, 10_000],
    ]);
    expect(answer.receivables).toEqual({ id: `${customerId}:receivables`, outstanding: { amountMinor: 40_000 }, creditHeld: { amountMinor: 0 } });
    expect(byOrder(orderIds[1])).toMatchObject({ paid: { amountMinor: 50_000 }, outstanding: { amountMinor: 0 }, settledAt: '2025-02-05T02:00:00.000Z', daysOverdue: 0 });
    expect(byOrder(orderIds[0])).toMatchObject({ paid: { amountMinor: 10_000 }, outstanding: { amountMinor: 20_000 }, settledAt: null, dueOn: '2025-02-01', daysOverdue: 4 });
    expect(byOrder(orderIds[0]).order).toEqual({ id: orderIds[0], status: 'DELIVERED' });
  });

  it('holds an overpayment as credit and applies it to the next invoice', async () => {
    const { customerId } = await customerWithInvoices([['2025-01-02T02:00:00Z', 10_000]]);
    const answer = await pay(customerId, 25_000);
    expect(answer.payment.heldAsCredit).toEqual({ amountMinor: 15_000 });
    expect(answer.receivables).toMatchObject({ outstanding: { amountMinor: 0 }, creditHeld: { amountMinor: 15_000 } });
    // The next delivery is paid from the credit as far as it goes.
    clock.set('2025-01-20T02:00:00Z');
    const order = await ok(service, PLACE, { i: { customerId, lines: oneLine(20_000) } }, t.finance, 'order');
    await ok(service, DELIVER, { i: { id: order.id } }, t.finance, 'order');
    await invoiced(service, order.id);
    const after = await receivablesOf(customerId);
    expect(after).toMatchObject({ outstanding: { amountMinor: 5_000 }, creditHeld: { amountMinor: 0 } });
    expect(after.invoices.find((i: { orderId: string }) => i.orderId === order.id)).toMatchObject({ paid: { amountMinor: 15_000 }, allocations: [{ paymentId: null, amount: { amountMinor: 15_000 } }] });
  });

  it('keeps the ledger exact under concurrent payments for one customer: every payment applied once, oldest first', async () => {
    const deliveries: [string, number][] = Array.from({ length: 6 }, (_, i) => [`2025-01-0${i + 1}T02:00:00Z`, 10_000]);
    const { customerId } = await customerWithInvoices(deliveries);
    clock.set('2025-01-10T02:00:00Z');
    const answers = await Promise.all(Array.from({ length: 10 }, () => pay(customerId, 7_000)));
    expect(answers.map((a) => a.userErrors)).toEqual(answers.map(() => []));
    const ledger = await ledgers().findOne({ _id: customerId as never });
    expect(ledger!.payments).toHaveLength(10);
    // 70 000 received: the six invoices (60 000) paid in full, 10 000 held as credit, nothing allocated twice.
    expect(ledger!.invoices.map((i: { paidMinor: number }) => i.paidMinor)).toEqual([10_000, 10_000, 10_000, 10_000, 10_000, 10_000]);
    expect(ledger!.creditMinor).toBe(10_000);
    expect(ledger!.outstandingMinor).toBe(0);
    const allocated = ledger!.invoices.flatMap((i: { allocations: { amountMinor: number }[] }) => i.allocations).reduce((sum: number, a: { amountMinor: number }) => sum + a.amountMinor, 0);
    expect(allocated + ledger!.creditMinor).toBe(70_000);
    expect(ledger!.revision).toBe(1 + 6 + 10 - 1);
  });

  /** crm.credit.invoice.settled events of one customer on credit's stream, after the outbox was flushed. */
  const settledEvents = async (customerId: string) => {
    await service.flushOutbox();
    return (await eventsOnStream(service.bus.jsm, streamFor('credit').name, invoiceSettledV1.type)).filter((e) => e.data.customerId === customerId);
  };

  it('publishes crm.credit.invoice.settled once for each invoice a payment pays in full', async () => {
    const { customerId, orderIds } = await customerWithInvoices([
      ['2025-01-02T02:00:00Z', 10_000],
      ['2025-01-03T02:00:00Z', 20_000],
      ['2025-01-04T02:00:00Z', 30_000],
    ], { owner: user('settle-owner') });
    clock.set('2025-01-12T02:00:00Z');
    const first = await pay(customerId, 40_000, { receivedAt: '2025-01-11T08:00:00.000Z' });
    const [a, b, c] = (await receivablesOf(customerId)).invoices as { id: string; orderId: string }[];
    expect(first.userErrors).toEqual([]);
    const afterFirst = await settledEvents(customerId);
    expect(afterFirst.map((e) => e.data)).toEqual([
      { invoiceId: a.id, orderId: orderIds[0], customerId, consultantId: user('settle-owner'), amount: { amountMinor: 10_000, currency: 'CNY' }, settledAt: '2025-01-11T08:00:00.000Z' },
      { invoiceId: b.id, orderId: orderIds[1], customerId, consultantId: user('settle-owner'), amount: { amountMinor: 20_000, currency: 'CNY' }, settledAt: '2025-01-11T08:00:00.000Z' },
    ]);
    expect(afterFirst.map((e) => [e.subject, e.actorid])).toEqual([
      [a.id, 'fin-1'],
      [b.id, 'fin-1'],
    ]);
    // The rest of the third invoice settles it; an overpayment held as credit settles nothing more.
    await pay(customerId, 20_000);
    await pay(customerId, 5_000);
    const all = await settledEvents(customerId);
    expect(all.map((e) => e.data.invoiceId)).toEqual([a.id, b.id, c.id]);
    expect(all[2].data.amount).toEqual({ amountMinor: 30_000, currency: 'CNY' });
  });

  it('publishes the settlement of an invoice that credit held pays in full when it is issued', async () => {
    const { customerId } = await customerWithInvoices([]);
    await pay(customerId, 50_000);
    clock.set('2025-01-20T02:00:00Z');
    const order = await ok(service, PLACE, { i: { customerId, lines: oneLine(20_000) } }, t.finance, 'order');
    await ok(service, DELIVER, { i: { id: order.id } }, t.finance, 'order');
    await invoiced(service, order.id);
    const [settled] = await settledEvents(customerId);
    expect(settled).toMatchObject({ actorid: 'system:receivables', data: { orderId: order.id, amount: { amountMinor: 20_000 }, settledAt: '2025-01-20T02:00:00.000Z' } });
  });

  it('announces each invoice once under concurrent payments for one customer', async () => {
    const deliveries: [string, number][] = Array.from({ length: 6 }, (_, i) => [`2025-01-0${i + 1}T02:00:00Z`, 10_000]);
    const { customerId } = await customerWithInvoices(deliveries);
    clock.set('2025-01-10T02:00:00Z');
    const answers = await Promise.all(Array.from({ length: 12 }, () => pay(customerId, 5_000)));
    expect(answers.map((a) => a.userErrors)).toEqual(answers.map(() => []));
    const invoiceIds = ((await receivablesOf(customerId)).invoices as { id: string }[]).map((i) => i.id).sort();
    expect((await settledEvents(customerId)).map((e) => e.data.invoiceId).sort()).toEqual(invoiceIds);
  });

  it('publishes nothing for a payment refused or repeated under its idempotency key', async () => {
    const { customerId } = await customerWithInvoices([['2025-01-02T02:00:00Z', 10_000]]);
    expect((await pay(customerId, 10_000, { currency: 'USD' })).userErrors).toEqual([expect.objectContaining({ field: ['input', 'currency'] })]);
    expect(await settledEvents(customerId)).toEqual([]);
    await pay(customerId, 10_000, { idempotencyKey: 'remit-settle' });
    await pay(customerId, 10_000, { idempotencyKey: 'remit-settle' });
    expect(await settledEvents(customerId)).toHaveLength(1);
  });

  it('records a payment once per idempotency key, also when the twins race', async () => {
    const { customerId } = await customerWithInvoices([['2025-01-02T02:00:00Z', 10_000]]);
    const [a, b] = await Promise.all([pay(customerId, 4_000, { idempotencyKey: 'remit-77' }), pay(customerId, 4_000, { idempotencyKey: 'remit-77' })]);
    expect(a.payment.id).toBe(b.payment.id);
    const again = await pay(customerId, 4_000, { idempotencyKey: 'remit-77' });
    expect(again.payment.id).toBe(a.payment.id);
    const ledger = await ledgers().findOne({ _id: customerId as never });
    expect(ledger!.payments).toHaveLength(1);
    expect(ledger!.outstandingMinor).toBe(6_000);
  });

  it('sorts outstanding amounts into the ageing buckets at their edges, as of a day', async () => {
    // Invoices due (term 0) on days chosen so that on 2025-12-31 they are 0, 1, 30, 31, 60, 61, 90, 91, 180, 181, 365 and 366 days past due.
    const asOf = '2025-12-31';
    const pastDue = [0, 1, 30, 31, 60, 61, 90, 91, 180, 181, 365, 366];
    const dueDay = (days: number) => new Date(Date.UTC(2025, 11, 31) - days * 86_400_000).toISOString().slice(0, 10);
    // The customer's own consultant reads its ageing alone (finance's report holds the other tests' customers too).
    const owner = user(`ageing-${Date.now()}`);
    const { customerId } = await customerWithInvoices(
      pastDue.map((days, i) => [`${dueDay(days)}T02:00:00Z`, 1_000 * (i + 1)]),
      { paymentTermDays: 0, owner },
    );
    const ownerToken = await consultantToken(owner);
    const own = await graphql(service.url, AGEING, { d: asOf }, ownerToken);
    expect(own.data!.ageing).toMatchObject({ asOf, currency: 'CNY' });
    const buckets = Object.fromEntries(own.data!.ageing.buckets.map((b: { bucket: string; amount: { amountMinor: number }; invoiceCount: number }) => [b.bucket, [b.amount.amountMinor, b.invoiceCount]]));
    expect(buckets).toEqual({
      CURRENT: [1_000, 1],
      DAYS_1_30: [2_000 + 3_000, 2],
      DAYS_31_60: [4_000 + 5_000, 2],
      DAYS_61_90: [6_000 + 7_000, 2],
      DAYS_91_180: [8_000 + 9_000, 2],
      DAYS_181_365: [10_000 + 11_000, 2],
      OVER_365: [12_000, 1],
    });
    expect(own.data!.ageing.total).toEqual({ amountMinor: 78_000 });
    // A payment received after the day does not change the ageing as of it; one received on it does.
    clock.set('2026-01-02T02:00:00Z');
    await pay(customerId, 12_000);
    const unchanged = await graphql(service.url, AGEING, { d: asOf }, ownerToken);
    expect(unchanged.data!.ageing.total).toEqual({ amountMinor: 78_000 });
    const later = await graphql(service.url, AGEING, { d: '2026-01-02' }, ownerToken);
    expect(later.data!.ageing.total).toEqual({ amountMinor: 66_000 });
    // Invoices issued after the day are not in it; the two issued before are aged from that day (165 and 166 days).
    const before = await graphql(service.url, AGEING, { d: dueDay(200) }, ownerToken);
    expect(before.data!.ageing.buckets.filter((b: { invoiceCount: number }) => b.invoiceCount > 0)).toEqual([{ bucket: 'DAYS_91_180', amount: { amountMinor: 11_000 + 12_000 }, invoiceCount: 2 }]);
  });

  it('lists overdue invoices most overdue first with dunning level and last reminder; reminders go up to 3', async () => {
    const owner = user(`dunning-${Date.now()}`);
    const { customerId } = await customerWithInvoices([['2025-01-01T02:00:00Z', 5_000], ['2025-01-05T02:00:00Z', 7_000], ['2025-01-09T02:00:00Z', 9_000]], { paymentTermDays: 10, owner });
    clock.set('2025-01-25T02:00:00Z');
    const token = await consultantToken(owner);
    const list = (await graphql(service.url, COLLECTIONS, { d: '2025-01-25' }, token)).data!.overdueCollections;
    expect(list.map((i: { daysOverdue: number; outstanding: { amountMinor: number } }) => [i.daysOverdue, i.outstanding.amountMinor])).toEqual([
      [14, 5_000],
      [10, 7_000],
      [6, 9_000],
    ]);
    expect(list[0]).toMatchObject({ customer: { id: customerId }, dunningLevel: 0, lastReminderAt: null });
    const invoiceId = list[0].invoice.id;
    for (const level of [1, 2, 3]) expect((await ok(service, REMIND, { i: { invoiceId } }, t.finance, 'invoice')).dunningLevel).toBe(level);
    expect((await payload(service, REMIND, { i: { invoiceId } }, t.finance)).userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT' })]);
    const reminded = (await graphql(service.url, COLLECTIONS, { d: '2025-01-25' }, token)).data!.overdueCollections[0];
    expect(reminded).toMatchObject({ dunningLevel: 3, lastReminderAt: '2025-01-25T02:00:00.000Z' });
    // Paying the oldest takes it off the list; the consultant may not send reminders.
    await pay(customerId, 5_000);
    expect((await graphql(service.url, COLLECTIONS, { d: '2025-01-25' }, token)).data!.overdueCollections).toHaveLength(2);
    expect((await graphql(service.url, REMIND, { i: { invoiceId: list[1].invoice.id } }, token)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('answers one user error per problem of a bad payment, writing nothing', async () => {
    const before = await ledgers().countDocuments();
    const answer = await payload(service, PAY, { i: { customerId: 'x', amountMinor: 0, currency: 'rmb', receivedAt: '2025-01-01T00:00:00Z', reference: '' } }, t.finance);
    expect(answer.payment).toBeNull();
    expect(answer.userErrors.map((e) => e.field!.join('.'))).toEqual(['input.customerId', 'input.amountMinor', 'input.currency', 'input.reference']);
    const future = await pay(newCustomerId(), 100, { receivedAt: '2030-01-01T00:00:00Z' });
    expect(future.userErrors).toEqual([{ field: ['input', 'receivedAt'], code: 'BAD_USER_INPUT', message: 'cannot be in the future' }]);
    const unknown = await pay(newCustomerId(), 100);
    expect(unknown.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
    expect(await ledgers().countDocuments()).toBe(before);
    expect((await graphql(service.url, PAY, { i: { customerId: newCustomerId(), amountMinor: 100, receivedAt: '2025-01-01T00:00:00Z' } }, t.alice)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('shows receivables to the owner and finance, FORBIDDEN to a colleague, nothing to a partner', async () => {
    const { customerId } = await customerWithInvoices([['2025-01-02T02:00:00Z', 10_000]]);
    expect((await receivablesOf(customerId, t.alice)).outstanding).toEqual({ amountMinor: 10_000, currency: 'CNY' });
    expect((await graphql(service.url, RECEIVABLES, { c: customerId }, t.bob)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await graphql(service.url, RECEIVABLES, { c: customerId }, t.partner)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const entities = await graphql(service.url, 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { receivables { outstanding { amountMinor } } } } }', { r: [{ __typename: 'Customer', id: customerId }] }, t.partner);
    expect(entities.data!._entities).toEqual([{ receivables: null }]);
    expect((await graphql(service.url, AGEING, { d: '2025-01-10' }, t.partner)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('contributes sales, collections and outstanding to Consultant and Department, one query per collection for 50 consultants', async () => {
    const owners = Array.from({ length: 3 }, (_, i) => user(`fig-${i}-${Date.now()}`));
    for (const [i, owner] of owners.entries()) {
      const { customerId } = await customerWithInvoices([['2025-03-03T02:00:00Z', 10_000 * (i + 1)], ['2025-04-03T02:00:00Z', 1_000]], { owner, department: 'D-FIG' });
      clock.set('2025-03-20T02:00:00Z');
      await pay(customerId, 5_000 * (i + 1));
    }
    clock.set('2025-05-01T02:00:00Z');
    const others = Array.from({ length: 47 }, (_, i) => `nobody-${i}`);
    const reps = [...owners, ...others].map((id) => ({ __typename: 'Consultant', id }));
    const QUERY = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Consultant { id sales(period: "2025-03") { amountMinor currency } collections(period: "2025-Q1") { amountMinor } outstanding { amountMinor } } } }`;
    commands.length = 0;
    const res = await graphql(service.url, QUERY, { r: reps }, t.finance);
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities.slice(0, 3)).toEqual(
      owners.map((id, i) => ({ id, sales: { amountMinor: 10_000 * (i + 1), currency: 'CNY' }, collections: { amountMinor: 5_000 * (i + 1) }, outstanding: { amountMinor: 5_000 * (i + 1) + 1_000 } })),
    );
    expect(res.data!._entities[3]).toEqual({ id: 'nobody-0', sales: { amountMinor: 0, currency: 'CNY' }, collections: { amountMinor: 0 }, outstanding: { amountMinor: 0 } });
    const aggregates = (collection: string) => commands.filter((c) => (c.command as { aggregate?: string }).aggregate === collection);
    expect(aggregates('credit_orders')).toHaveLength(1);
    expect(aggregates('credit_ledgers')).toHaveLength(1);
    // A consultant reads their own figures only; a department's manager the department's.
    const own = await graphql(service.url, QUERY, { r: reps.slice(0, 2) }, await consultantToken(owners[0]));
    expect(own.data!._entities.map((c: { sales: unknown }) => c.sales)).toEqual([{ amountMinor: 10_000, currency: 'CNY' }, null]);
    const dept = await graphql(service.url, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Department { id sales(period: "2025") { amountMinor } collections(period: "2025-03") { amountMinor } outstanding { amountMinor } } } }`, { r: [{ __typename: 'Department', id: 'D-FIG' }, { __typename: 'Department', id: 'D-EAST' }] }, await managerToken('D-FIG'));
    expect(dept.data!._entities).toEqual([
      { id: 'D-FIG', sales: { amountMinor: 63_000 }, collections: { amountMinor: 30_000 }, outstanding: { amountMinor: 33_000 } },
      { id: 'D-EAST', sales: null, collections: null, outstanding: null },
    ]);
    const badPeriod = await graphql(service.url, QUERY.replace('"2025-03"', '"March"'), { r: reps.slice(0, 1) }, t.finance);
    expect(badPeriod.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'period' });
  });
});

const consultantToken = (sub: string) => tokenFor({ sub, roles: ['consultant'], department_id: 'D-EAST' });
const managerToken = (department: string) => tokenFor({ sub: `mgr-${department}`, roles: ['department_manager'], department_id: department });
