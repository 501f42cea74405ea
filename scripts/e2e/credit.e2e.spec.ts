// End to end for credit (issue 10) through the gateway: an order over the limit is held, released, delivered,
// invoiced (receivables consume crm.credit.order.delivered), paid in part; the ageing shows what is left, and the
// ABC run's crm.credit.sales-tier.computed reaches accounts' Customer.salesTier; paid in full, the invoice earns
// loyalty points in engagement (crm.credit.invoice.settled). A bad-customer case moves the
// customer's lifecycle in accounts (BAD, then REMOVED), and credit refuses its orders with accounts' reason.
import { toGlobalId } from '@crm/contracts';
import { eventually, graphql, PROJECTION_WAIT_MS, tokenFor } from '@crm/testing';
import { call } from '../platform/demo-data';
import type { RunningPlatform } from '../platform/platform';
import { startE2ePlatform } from './e2e-platform';

jest.setTimeout(180_000);

/** Retry while credit has not yet learned the customer from accounts' events (NOT_FOUND as a user error). */
async function callWhenCreditKnows(url: string, query: string, variables: Record<string, unknown>, token: string): Promise<Record<string, any>> {
  return eventually(async () => call(url, query, variables, token), PROJECTION_WAIT_MS, 200);
}

describe('credit through the gateway: held → released → delivered → invoiced → paid → ageing and tier', () => {
  let platform: RunningPlatform;
  let url: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    platform = await startE2ePlatform({ envFor: (name) => (name === 'credit' ? { SALES_TIER_RUNNER_INTERVAL_MS: '200', SALES_TIER_RECOMPUTE_EVERY_HOURS: '0' } : {}) });
    url = platform.gateway.graphqlUrl;
    tokens.gm = await tokenFor({ sub: 'gm-cre2e', roles: ['general_manager'] });
    tokens.finance = await tokenFor({ sub: 'fin-cre2e', roles: ['finance'] });
    tokens.owner = await tokenFor({ sub: 'c-cre2e', roles: ['consultant'], department_id: 'D-CRE2E' });
    await call(url, 'mutation { upsertDepartment(input: {id: "D-CRE2E", name: "Credit e2e"}) { department { id } userErrors { field code message } } }', {}, tokens.gm);
    await call(url, 'mutation($i: UpsertConsultantInput!) { upsertConsultant(input: $i) { consultant { id } userErrors { field code message } } }', { i: { id: 'c-cre2e', name: 'Credit Consultant', departmentId: 'D-CRE2E' } }, tokens.gm);
  });
  afterAll(() => platform?.stop());

  it('follows an order over the limit to a partly paid invoice, its ageing and the customer\'s sales tier in accounts', async () => {
    // accounts' createCustomer as it answers today (the customer itself); read `createCustomer.customer.id` once it answers a payload.
    const created = await call(url, 'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } userErrors { field code message } } }', { i: { name: 'Credit Path Pumps Ltd', kind: 'ORGANISATION', listType: 'ENTERPRISE', region: 'East' } }, tokens.owner);
    const customerId: string = created.createCustomer.customer.id;
    await call(
      url,
      'mutation($i: SetCreditProfileInput!) { setCreditProfile(input: $i) { creditProfile { id reviewedBy { id kind } } userErrors { field code message } } }',
      { i: { customerId, grade: 'B', creditLimit: 1_000, paymentTermDays: 30, expectedRevision: 0 } },
      tokens.finance,
    );

    // 2 000 CNY against a 1 000 CNY limit: held, with the reason.
    const ORDER = 'order { id status consultant { id } region creditCheck { outcome reasons { code } available { amountMinor currency } } creditDecisions { kind decidedBy { id staffMember { id } } note } }';
    const placed = await callWhenCreditKnows(url, `mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { ${ORDER} userErrors { field code message } } }`, { i: { customerId, lines: [{ product: 'PUMP-100', quantity: 2, unitPriceMinor: 100_000 }] } }, tokens.owner);
    const order = placed.placeOrder.order;
    expect(order).toMatchObject({ status: 'HELD', consultant: { id: toGlobalId('Consultant', 'c-cre2e') }, creditCheck: { outcome: 'HELD', reasons: [{ code: 'OVER_CREDIT_LIMIT' }], available: { amountMinor: 100_000, currency: 'CNY' } } });
    const standing = await call(url, 'query($id: ID!) { customer(id: $id) { creditStanding { status reasons { code } } } }', { id: customerId }, tokens.owner);
    expect(standing.customer.creditStanding).toEqual({ status: 'ON_HOLD', reasons: [{ code: 'ORDERS_HELD' }] });

    // Finance releases it with the reason; the consultant delivers it.
    const released = await call(url, `mutation($i: ReleaseOrderInput!) { releaseOrder(input: $i) { ${ORDER} userErrors { field code message } } }`, { i: { id: order.id, note: 'Prepayment agreed for the next order' } }, tokens.finance);
    expect(released.releaseOrder.order).toMatchObject({ status: 'OPEN', creditDecisions: [{ kind: 'CHECK' }, { kind: 'RELEASE', decidedBy: { id: 'fin-cre2e' }, note: 'Prepayment agreed for the next order' }] });
    const delivered = await call(url, 'mutation($i: DeliverOrderInput!) { deliverOrder(input: $i) { order { id status deliveredAt } userErrors { field code message } } }', { i: { id: order.id } }, tokens.owner);
    expect(delivered.deliverOrder.order.status).toBe('DELIVERED');

    // Receivables invoice it from the delivery event, due after the 30-day term.
    const RECEIVABLES = 'query($id: ID!) { customer(id: $id) { name receivables { outstanding { amountMinor } invoices { id dueOn outstanding { amountMinor } order { id status } } } } }';
    const invoice = await eventually(async () => {
      const { customer } = await call(url, RECEIVABLES, { id: customerId }, tokens.owner);
      expect(customer.receivables?.invoices).toHaveLength(1);
      return customer.receivables.invoices[0];
    }, PROJECTION_WAIT_MS);
    expect(invoice).toMatchObject({ outstanding: { amountMinor: 200_000 }, order: { id: order.id, status: 'DELIVERED' } });

    // A payment of 1 500 CNY: 500 CNY left, not yet due.
    const paid = await call(
      url,
      'mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { payment { allocations { invoiceId amount { amountMinor } } heldAsCredit { amountMinor } recordedBy { id } } receivables { outstanding { amountMinor } } userErrors { field code message } } }',
      { i: { customerId, amountMinor: 150_000, receivedAt: new Date().toISOString(), reference: 'E2E-BANK-1', idempotencyKey: 'e2e-pay-1' } },
      tokens.finance,
    );
    expect(paid.recordPayment).toMatchObject({ payment: { allocations: [{ invoiceId: invoice.id, amount: { amountMinor: 150_000 } }], heldAsCredit: { amountMinor: 0 } }, receivables: { outstanding: { amountMinor: 50_000 } } });
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const ageing = await call(url, 'query($d: Date!) { ageing(asOf: $d) { total { amountMinor } buckets { bucket amount { amountMinor } } } }', { d: today }, tokens.owner);
    expect(ageing.ageing.total).toEqual({ amountMinor: 50_000 });
    expect(ageing.ageing.buckets.find((b: { bucket: string }) => b.bucket === 'CURRENT').amount).toEqual({ amountMinor: 50_000 });
    // Sales against collections on accounts' Consultant (the consultant reads their own).
    const year = today.slice(0, 4);
    const figures = await call(url, 'query($y: String!) { consultant(id: "c-cre2e") { name sales(period: $y) { amountMinor } collections(period: $y) { amountMinor } outstanding { amountMinor } } }', { y: year }, tokens.owner);
    expect(figures.consultant).toEqual({ name: 'Credit Consultant', sales: { amountMinor: 200_000 }, collections: { amountMinor: 150_000 }, outstanding: { amountMinor: 50_000 } });

    // The ABC run publishes the tier; accounts shows it (the only customer with sales here: A).
    const run = await call(url, 'mutation { recomputeSalesTiers(input: {}) { run { id } userErrors { field code message } } }', {}, tokens.finance);
    await eventually(async () => {
      const { salesTierRun } = await call(url, 'query($id: ID!) { salesTierRun(id: $id) { status published } }', { id: run.recomputeSalesTiers.run.id }, tokens.finance);
      expect(salesTierRun.status).toBe('DONE');
    }, PROJECTION_WAIT_MS);
    await eventually(async () => {
      const res = await graphql(url, 'query($id: ID!) { customer(id: $id) { salesTier { tier basis periodEnd } } }', { id: customerId }, tokens.owner);
      expect(res.data?.customer?.salesTier).toMatchObject({ tier: 'A', basis: 'PURCHASE_AMOUNT_ABC', periodEnd: today });
    }, PROJECTION_WAIT_MS);

    // The rest paid: the invoice is settled (crm.credit.invoice.settled) and engagement's loyalty ledger earns one
    // point per 100 yuan of it, once.
    expect((await call(url, 'query($id: ID!) { customer(id: $id) { loyaltyPoints { balance } } }', { id: customerId }, tokens.owner)).customer.loyaltyPoints).toEqual({ balance: 0 });
    await call(url, 'mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { payment { id } userErrors { field code message } } }', { i: { customerId, amountMinor: 50_000, receivedAt: new Date().toISOString(), reference: 'E2E-BANK-2', idempotencyKey: 'e2e-pay-2' } }, tokens.finance);
    const loyalty = await eventually(async () => {
      const { customer } = await call(url, 'query($id: ID!) { customer(id: $id) { receivables { invoices { settledAt } } loyaltyPoints { balance entries { points kind description } } } }', { id: customerId }, tokens.owner);
      expect(customer.loyaltyPoints?.balance).toBe(20);
      return customer;
    }, PROJECTION_WAIT_MS);
    expect(loyalty.receivables.invoices[0].settledAt).not.toBeNull();
    expect(loyalty.loyaltyPoints.entries).toEqual([{ points: 20, kind: 'PURCHASE', description: `Purchase paid: invoice ${invoice.id}, 2000.00 CNY` }]);
  });

  it("opens a bad-customer case: accounts shows the customer BAD, a new order is refused for it, and closing the case removes the customer", async () => {
    const created = await call(url, 'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } userErrors { field code message } } }', { i: { name: 'Forged Guarantee Trading Ltd', kind: 'ORGANISATION', listType: 'ENTERPRISE', region: 'East' } }, tokens.owner);
    const customerId: string = created.createCustomer.customer.id;
    for (const lifecycle of ['QUALIFYING', 'ACTIVE']) {
      await call(url, 'mutation($i: UpdateCustomerInput!) { updateCustomer(input: $i) { customer { lifecycle } userErrors { field code message } } }', { i: { id: customerId, changes: { lifecycle } } }, tokens.owner);
    }
    await call(url, 'mutation($i: SetCreditProfileInput!) { setCreditProfile(input: $i) { creditProfile { id } userErrors { field code message } } }', { i: { customerId, grade: 'B', creditLimit: 100_000, paymentTermDays: 30, expectedRevision: 0 } }, tokens.finance);
    const PLACE = 'mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { order { id status } userErrors { field code message } } }';
    const order = (n: number) => ({ i: { customerId, lines: [{ product: 'VALVE-20', quantity: n, unitPriceMinor: 120_000 }] } });
    const before = await callWhenCreditKnows(url, PLACE, order(1), tokens.owner);
    expect(before.placeOrder.order.status).toBe('OPEN');

    // A fraud with its evidence; the evaluation proposes a case, finance opens it.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    await call(url, 'mutation($i: RecordBadCustomerFactInput!) { recordBadCustomerFact(input: $i) { fact { id } userErrors { field code message } } }', { i: { customerId, kind: 'FRAUD', evidence: 'Forged bank guarantee, police report PD-2025-0417', occurredOn: today } }, tokens.finance);
    const proposed = await call(url, 'mutation { proposeBadCustomerCases { cases { id customer { id } } userErrors { field code message } } }', {}, tokens.finance);
    const badCase = (proposed.proposeBadCustomerCases.cases as { id: string; customer: { id: string } }[]).find((c) => c.customer.id === customerId);
    expect(badCase).toBeDefined();
    const opened = await call(url, 'mutation($i: OpenBadCustomerCaseInput!) { openBadCustomerCase(input: $i) { badCustomerCase { id status cancelledOrderIds } userErrors { field code message } } }', { i: { id: badCase!.id } }, tokens.finance);
    // The open order is cancelled with the case (own ids in the list, the gateway's global id on the order).
    const { status, cancelledOrderIds } = opened.openBadCustomerCase.badCustomerCase;
    expect(status).toBe('OPEN');
    expect(cancelledOrderIds.map((id: string) => toGlobalId('Order', id))).toEqual([before.placeOrder.order.id]);

    // accounts consumes crm.credit.bad-customer-case.opened: the lifecycle is BAD, with the case in the history.
    const HISTORY = 'query($id: ID!) { customer(id: $id) { lifecycle changes(first: 10) { edges { node { field before after actor { id } } } } } }';
    const bad = await eventually(async () => {
      const { customer } = await call(url, HISTORY, { id: customerId }, tokens.owner);
      expect(customer.lifecycle).toBe('BAD');
      return customer;
    }, PROJECTION_WAIT_MS);
    const entries = bad.changes.edges.map((e: { node: Record<string, unknown> }) => e.node);
    expect(entries).toEqual(expect.arrayContaining([{ field: 'lifecycle', before: '"ACTIVE"', after: '"BAD"', actor: { id: 'fin-cre2e' } }]));
    expect(toGlobalId('BadCustomerCase', JSON.parse(entries.find((e: { field: string }) => e.field === 'badCustomerCase').after).caseId)).toBe(badCase!.id);

    // credit learns BAD from accounts' customer.updated: a new order is refused with accounts' reason.
    await eventually(async () => {
      const refused = await graphql(url, PLACE, order(2), tokens.owner);
      expect(refused.data?.placeOrder ?? null).toBeNull();
      expect(refused.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'CUSTOMER_BAD' });
    }, PROJECTION_WAIT_MS);

    // Every measure done and the case closed: accounts removes the customer from the archive; the refusal says so.
    for (const measure of ['COLLECT_RECEIVABLES', 'STOP_SHIPMENTS', 'REMOVE_FROM_ARCHIVE']) {
      await call(url, 'mutation($i: CompleteBadCustomerMeasureInput!) { completeBadCustomerMeasure(input: $i) { badCustomerCase { id } userErrors { field code message } } }', { i: { caseId: badCase!.id, measure, note: 'done' } }, tokens.gm);
    }
    await call(url, 'mutation($i: CloseBadCustomerCaseInput!) { closeBadCustomerCase(input: $i) { badCustomerCase { status } userErrors { field code message } } }', { i: { id: badCase!.id, causeAnalysis: 'Guarantee not checked with the bank', preventiveMeasures: 'Check every guarantee with the issuing bank' } }, tokens.finance);
    await eventually(async () => expect((await call(url, HISTORY, { id: customerId }, tokens.gm)).customer.lifecycle).toBe('REMOVED'), PROJECTION_WAIT_MS);
    await eventually(async () => expect((await graphql(url, PLACE, order(3), tokens.gm)).errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'CUSTOMER_REMOVED' }), PROJECTION_WAIT_MS);
  });
});
