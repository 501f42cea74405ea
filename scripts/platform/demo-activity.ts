// Demo activity in the other subgraphs: tickets, interactions, survey responses and credit profiles.
import { call, callWhenKnown, demoConsultants } from './demo-data';
import { seedEngagement } from './demo-engagement';
import { seedServiceDesk } from './demo-service-desk';
import { seedSurveys } from './demo-surveys';
import { seedSurveysLoop } from './demo-surveys-loop';

export async function seedDemoActivity(gatewayUrl: string, tokens: Record<string, string>, customers: string[], log: (line: string) => void): Promise<void> {
  await seedServiceDesk(gatewayUrl, tokens, customers, log);

  const channels = ['PHONE', 'EMAIL', 'FACE_TO_FACE', 'SEMINAR'];
  const levels = ['SATISFIED', 'FAIRLY_SATISFIED', 'BASICALLY_SATISFIED', 'NOT_VERY_SATISFIED', 'DISSATISFIED'];
  const afterSaleItems = ['PRICE', 'PERFORMANCE', 'DESIGN', 'APPEARANCE_PACKAGING', 'COMPETITOR_COMPARISON', 'AFTER_SALES_SERVICE', 'OTHER_NEEDS'];
  const grades: [string, number, number][] = [['AAA', 8_000_000, 120], ['AA', 3_000_000, 90], ['A', 800_000, 60], ['B', 150_000, 45], ['C', 30_000, 30], ['D', 0, 0]];
  const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
  for (const [i, customerId] of customers.entries()) {
    const consultant = demoConsultants[i % demoConsultants.length];
    await call(
      gatewayUrl,
      'mutation($i: LogInteractionInput!) { logInteraction(input: $i) { interaction { id } userErrors { field code message } } }',
      { i: { customerId, channel: channels[i % channels.length], occurredAt: daysAgo((i % 20) + 1), staffId: consultant.id, summary: 'Discussed next quarter demand', outcome: 'Interested in the new range', nextStep: 'Send a quotation' } },
      tokens.generalManager,
    );
    if (i % 2 === 0) {
      // surveys attributes a response from the customer's scope: wait until it has heard of the customer.
      await callWhenKnown(
        gatewayUrl,
        'mutation($i: RecordSurveyResponseInput!) { recordSurveyResponse(input: $i) { surveyResponse { id } userErrors { field code message } } }',
        { i: { customerId, template: 'AFTER_SALE', respondedAt: daysAgo(i % 30), answers: afterSaleItems.map((item, k) => ({ item, level: levels[(i + k) % (i % 8 === 0 ? 5 : 3)], comment: null })) } },
        tokens.generalManager,
      );
    }
    const [grade, creditLimit, paymentTermDays] = grades[i % grades.length];
    await call(
      gatewayUrl,
      'mutation($i: SetCreditProfileInput!) { setCreditProfile(input: $i) { creditProfile { customerId } userErrors { field code message } } }',
      { i: { customerId, grade, creditLimit, paymentTermDays, frozen: grade === 'D', expectedRevision: 0 } },
      tokens.finance,
    );
    if (i === customers.length - 1) await seedCreditLedger(gatewayUrl, tokens, customers, log);
  }
  log(`seeded ${customers.length} interactions, ${Math.ceil(customers.length / 2)} survey responses and ${customers.length} credit profiles`);
  // After credit's deliveries, so return-visit schedules exist.
  await seedEngagement(gatewayUrl, tokens, customers, log);
  await seedSurveys(gatewayUrl, tokens, customers, log);
  await seedSurveysLoop(gatewayUrl, tokens, log);
}

/**
 * credit's demo ledger (issue 10): ten months of orders delivered after the fact, their invoices, payments (in full,
 * in part, late, or not at all), reminders on overdue invoices, one order left HELD for a credit decision, the
 * ABC tiers computed (so accounts shows A–D) with a dry run beside them, and an open bad-customer case.
 */
async function seedCreditLedger(gatewayUrl: string, tokens: Record<string, string>, customers: string[], log: (line: string) => void): Promise<void> {
  const DAY = 86_400_000;
  const at = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY).toISOString();
  const products = ['PUMP-100', 'VALVE-20', 'SEAL-7', 'MOTOR-5', 'SENSOR-3'];
  /** credit learns new customers from accounts' events: retry while it answers NOT_FOUND (or the call is otherwise refused for a moment). */
  const whenKnown = async (query: string, variables: Record<string, unknown>): Promise<Record<string, any> | null> => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await call(gatewayUrl, query, variables, tokens.finance);
      } catch (error) {
        // A frozen account or a bad / removed customer refuses orders (FORBIDDEN with the reason): no sale there.
        if (/FORBIDDEN/.test(String(error))) return null;
        if (!/NOT_FOUND/.test(String(error)) || attempt > 100) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  };
  const ORDER = 'order { id status } userErrors { field code message }';
  let orders = 0;
  let payments = 0;
  let held: string | null = null;
  // The first 60 customers trade; the weights give the ABC run a spread (the first few buy most), the rest none (D).
  for (const [i, customerId] of customers.slice(0, 60).entries()) {
    const weight = i < 6 ? 40 : i < 20 ? 8 : 1;
    for (let month = 9; month >= 0; month -= 3 - (i % 2)) {
      const orderedDaysAgo = month * 30 + (i % 20) + 5;
      const quantity = 1 + ((i + month) % 4);
      const unitPriceMinor = weight * 250_000 + (i % 7) * 10_000;
      const placed = await whenKnown(`mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { ${ORDER} } }`, {
        i: { customerId, lines: [{ product: products[(i + month) % products.length], quantity, unitPriceMinor }], orderedAt: at(orderedDaysAgo), idempotencyKey: `demo-order-${customerId}-${month}` },
      });
      if (!placed) break;
      const order = placed.placeOrder.order;
      if (order.status === 'HELD') {
        // One held order stays for the credit controllers' work list; the others are released with a reason.
        if (!held) {
          held = order.id;
          continue;
        }
        await call(gatewayUrl, `mutation($i: ReleaseOrderInput!) { releaseOrder(input: $i) { ${ORDER} } }`, { i: { id: order.id, note: 'Long-standing customer; payment plan agreed' } }, tokens.finance);
      }
      await call(gatewayUrl, `mutation($i: DeliverOrderInput!) { deliverOrder(input: $i) { ${ORDER} } }`, { i: { id: order.id, deliveredAt: at(orderedDaysAgo - 2) } }, tokens.finance);
      orders += 1;
    }
  }
  // Receivables invoice the deliveries from the event; then customers pay: most in full, some in part, some late, some not at all.
  const RECEIVABLES = 'query($c: ID!) { receivables(customerId: $c) { invoices { id amount { amountMinor } dueOn outstanding { amountMinor } daysOverdue } } }';
  for (const [i, customerId] of customers.slice(0, 60).entries()) {
    let ledger: Record<string, any> | null = null;
    for (let attempt = 0; attempt < 50 && !ledger?.receivables; attempt += 1) {
      ledger = await call(gatewayUrl, RECEIVABLES, { c: customerId }, tokens.finance);
      if (!ledger.receivables) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const invoices: { id: string; amount: { amountMinor: number }; dueOn: string; outstanding: { amountMinor: number }; daysOverdue: number }[] = ledger?.receivables?.invoices ?? [];
    const behaviour = i % 5; // 0, 1: pay everything due; 2: pay in part; 3: pay late; 4: never pay (collections, ageing)
    for (const [k, invoice] of invoices.entries()) {
      if (behaviour === 4 || invoice.outstanding.amountMinor === 0) continue;
      const dueDaysAgo = Math.floor((Date.now() - Date.parse(`${invoice.dueOn}T00:00:00+08:00`)) / DAY);
      if (dueDaysAgo < 0 && behaviour !== 0) continue;
      const amountMinor = behaviour === 2 && k % 2 === 1 ? Math.floor(invoice.amount.amountMinor / 2) : invoice.amount.amountMinor;
      const receivedDaysAgo = Math.max(0, behaviour === 3 ? dueDaysAgo - 45 : dueDaysAgo + 3);
      await call(
        gatewayUrl,
        'mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { payment { id } userErrors { field code message } } }',
        { i: { customerId, amountMinor, receivedAt: at(receivedDaysAgo), reference: `DEMO-BANK-${i}-${k}`, idempotencyKey: `demo-pay-${invoice.id}` } },
        tokens.finance,
      );
      payments += 1;
    }
  }
  // Reminders on the most overdue invoices, so the collections list shows dunning levels.
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
  const overdue = await call(gatewayUrl, 'query($d: Date!) { overdueCollections(asOf: $d, first: 20) { invoice { id } daysOverdue } }', { d: today }, tokens.finance);
  for (const [k, item] of (overdue.overdueCollections as { invoice: { id: string }; daysOverdue: number }[]).entries()) {
    for (let level = 0; level < 1 + (k % 3); level += 1) {
      await call(gatewayUrl, 'mutation($i: RecordDunningReminderInput!) { recordDunningReminder(input: $i) { invoice { id } userErrors { field code message } } }', { i: { invoiceId: item.invoice.id } }, tokens.finance);
    }
  }
  // The ABC tiers: a dry run to preview, then the published run (accounts shows Customer.salesTier from it).
  await call(gatewayUrl, 'mutation { recomputeSalesTiers(input: {dryRun: true}) { run { id } userErrors { field code message } } }', {}, tokens.finance);
  await call(gatewayUrl, 'mutation { recomputeSalesTiers(input: {}) { run { id } userErrors { field code message } } }', {}, tokens.finance);
  const badCase = await seedBadCustomerCase(gatewayUrl, tokens, customers, held, whenKnown, log);
  log(`seeded ${orders} delivered credit orders over ten months, ${payments} payments, ${overdue.overdueCollections.length} overdue invoices reminded, ${held ? 'one held order' : 'no held order'}, the ABC tiers and ${badCase}`);
  log(await purchasePointsSeen(gatewayUrl, tokens, customers.slice(0, 60)));
}

/**
 * The loyalty ledgers the payments above filled: every invoice paid in full is announced by credit
 * (crm.credit.invoice.settled) and earns purchase points in engagement. Waits a little for the last events.
 */
async function purchasePointsSeen(gatewayUrl: string, tokens: Record<string, string>, customers: string[]): Promise<string> {
  const POINTS = 'query($id: ID!) { customer(id: $id) { loyaltyPoints { balance entries(first: 100) { kind points } } } }';
  let earned = { customers: 0, entries: 0, points: 0 };
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const seen = { customers: 0, entries: 0, points: 0 };
    for (const id of customers) {
      const entries: { kind: string; points: number }[] = (await call(gatewayUrl, POINTS, { id }, tokens.generalManager)).customer?.loyaltyPoints?.entries ?? [];
      const purchases = entries.filter((e) => e.kind === 'PURCHASE');
      if (purchases.length > 0) seen.customers += 1;
      seen.entries += purchases.length;
      seen.points += purchases.reduce((sum, e) => sum + e.points, 0);
    }
    if (seen.entries > 0 && seen.entries === earned.entries) break;
    earned = seen;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return `loyalty: ${earned.customers} customers earned ${earned.points} purchase points for ${earned.entries} invoices paid in full`;
}

/**
 * credit's bad customers (issue 10): a fraud recorded with its evidence, the case proposed and opened (its open order
 * cancelled, its measures as department tasks, one done; accounts moves the customer to BAD from the opened event), and
 * an insolvency recorded after it, which the dry run (badCustomerDryRun) shows as flagged with no case yet.
 * Customers are compared by `customer { id }`: the gateway answers the global id there, as `createCustomer` did, while
 * `customerId` fields carry credit's own ids (ADR 0012).
 */
async function seedBadCustomerCase(
  gatewayUrl: string,
  tokens: Record<string, string>,
  customers: string[],
  held: string | null,
  whenKnown: (query: string, variables: Record<string, unknown>) => Promise<Record<string, any> | null>,
  log: (line: string) => void,
): Promise<string> {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
  const heldCustomer: string | null = held ? ((await call(gatewayUrl, 'query($id: ID!) { order(id: $id) { customer { id } } }', { id: held }, tokens.finance)).order?.customer?.id ?? null) : null;
  // Not a frozen (D) account, nor the customer of the held order, which stays on the credit controllers' list.
  const eligible = customers.map((customerId, i) => ({ customerId, i })).filter(({ customerId, i }) => i % 6 !== 5 && customerId !== heldCustomer).reverse();
  const FACT = 'mutation($i: RecordBadCustomerFactInput!) { recordBadCustomerFact(input: $i) { fact { id } userErrors { field code message } } }';
  const lifecycleOf = async (id: string): Promise<string | null> => (await call(gatewayUrl, 'query($id: ID!) { customer(id: $id) { lifecycle } }', { id }, tokens.generalManager)).customer?.lifecycle ?? null;
  let bad: string | null = null;
  for (const { customerId } of eligible) {
    // An active customer (accounts' lifecycle lets ACTIVE and DORMANT become BAD) that credit still accepts orders from.
    if (!['ACTIVE', 'DORMANT'].includes((await lifecycleOf(customerId)) ?? '')) continue;
    const placed = await whenKnown('mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { order { id status } userErrors { field code message } } }', {
      i: { customerId, lines: [{ product: 'VALVE-20', quantity: 2, unitPriceMinor: 120_000 }], idempotencyKey: `demo-bad-customer-order-${customerId}` },
    });
    if (!placed) continue;
    bad = customerId;
    break;
  }
  if (!bad) return 'no bad-customer case (no active customer to flag)';
  await call(gatewayUrl, FACT, { i: { customerId: bad, kind: 'FRAUD', evidence: 'Forged bank guarantee, police report PD-2025-0417', occurredOn: today } }, tokens.finance);
  const proposed = await call(gatewayUrl, 'mutation { proposeBadCustomerCases { cases { id customer { id } } userErrors { field code message } } }', {}, tokens.finance);
  // The evaluation job may have proposed it first (one active case per customer): then it is in the list of proposals.
  const badCase =
    (proposed.proposeBadCustomerCases.cases as { id: string; customer: { id: string } | null }[]).find((c) => c.customer?.id === bad) ??
    (await call(gatewayUrl, 'query($c: ID) { badCustomerCases(filter: {customerId: $c, status: PROPOSED}, first: 1) { edges { node { id } } } }', { c: bad }, tokens.finance)).badCustomerCases.edges[0]?.node;
  if (!badCase) return 'no bad-customer case (none was proposed for the fraud)';
  const CASE = 'badCustomerCase { id status customer { name lifecycle } measures { measure kind department status note } cancelledOrderIds }';
  await call(
    gatewayUrl,
    `mutation($i: OpenBadCustomerCaseInput!) { openBadCustomerCase(input: $i) { ${CASE} userErrors { field code message } } }`,
    { i: { id: badCase.id, specialMeasures: ['LEGAL_ACTION', 'FREEZE_ACCOUNT'], note: 'Guarantee forged; legal is informed' } },
    tokens.finance,
  );
  const collected = await call(
    gatewayUrl,
    `mutation($i: CompleteBadCustomerMeasureInput!) { completeBadCustomerMeasure(input: $i) { ${CASE} userErrors { field code message } } }`,
    { i: { caseId: badCase.id, measure: 'COLLECT_RECEIVABLES', note: 'Outstanding invoices handed to the collection agency' } },
    tokens.generalManager,
  );
  const opened = collected.completeBadCustomerMeasure.badCustomerCase as { customer: { name: string } | null; cancelledOrderIds: string[]; measures: { measure: string; department: string; status: string }[] };
  log(`bad-customer case OPEN for ${opened.customer?.name}: ${opened.cancelledOrderIds.length} open order(s) cancelled; tasks ${opened.measures.map((m) => `${m.measure} (${m.department}) ${m.status}`).join(', ')}`);
  // accounts moves the customer to BAD from the opened event (and credit then refuses orders with CUSTOMER_BAD).
  for (let attempt = 0; attempt < 50 && (await lifecycleOf(bad)) !== 'BAD'; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 200));
  log(`accounts lists ${opened.customer?.name} as ${await lifecycleOf(bad)}`);
  // A second customer flagged after the evaluation ran: the dry run shows it with no case yet.
  const insolvent = eligible.find(({ customerId }) => customerId !== bad)?.customerId;
  if (insolvent) await call(gatewayUrl, FACT, { i: { customerId: insolvent, kind: 'INSOLVENCY', evidence: 'Insolvency filing at the district court, case 2025-88', occurredOn: today } }, tokens.finance);
  const dryRun = await call(gatewayUrl, '{ badCustomerDryRun { evaluatedCustomers candidates { customer { name } findings { rule reason } activeCase { status } } } }', {}, tokens.finance);
  const candidates = dryRun.badCustomerDryRun.candidates as { customer: { name: string } | null; findings: { rule: string; reason: string }[]; activeCase: { status: string } | null }[];
  log(`bad-customer dry run over ${dryRun.badCustomerDryRun.evaluatedCustomers} customers flags ${candidates.length}:`);
  for (const candidate of candidates) {
    log(`  ${candidate.customer?.name ?? '?'} — ${candidate.findings.map((f) => `${f.rule}: ${f.reason}`).join('; ')} — ${candidate.activeCase ? `case ${candidate.activeCase.status}` : 'no case yet'}`);
  }
  return `an open bad-customer case (the dry run flags ${candidates.length})`;
}
