// The least data that gives every console chart something to draw, seeded through the gateway as clients would:
// two departments with a consultant each, customers (some linked to a partner), delivered orders long enough ago
// to be overdue (sales, conversion, ageing), complaints with a cause, one handled through to resolution (SLA
// clocks decided, complaint rate, trend and causes), and answered surveys (satisfaction).
import { tokenFor } from '@crm/testing';
import { call, callWhenKnown } from '../platform/demo-data';

const USER_ERRORS = 'userErrors { field code message }';
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();
const LEVELS = ['SATISFIED', 'FAIRLY_SATISFIED', 'NOT_VERY_SATISFIED'];
const AFTER_SALE = ['PRICE', 'PERFORMANCE', 'DESIGN', 'APPEARANCE_PACKAGING', 'COMPETITOR_COMPARISON', 'AFTER_SALES_SERVICE', 'OTHER_NEEDS'];
const CAUSES = ['PRODUCT_QUALITY', 'DELIVERY', 'BILLING'];

export interface ConsoleSeed {
  tokens: { generalManager: string; serviceAgent: string; partner: string };
  partnerId: string;
  /** Customers linked to the partner, and the others. */
  linked: string[];
  unlinked: string[];
  /** An open complaint of a linked customer. */
  linkedTicket: string;
  openComplaint(customerId: string, matter: string): Promise<string>;
}

export async function seedConsoleData(url: string, partnerId = 'P-BROWSER'): Promise<ConsoleSeed> {
  const gm = await tokenFor({ sub: 'gm-browser', roles: ['general_manager'] });
  const agent = await tokenFor({ sub: 'agent-browser', roles: ['service_agent'] });
  const finance = await tokenFor({ sub: 'fin-browser', roles: ['finance'] });
  const marketing = await tokenFor({ sub: 'mkt-browser', roles: ['marketing'] });
  const partner = await tokenFor({ sub: 'portal-browser', roles: ['partner'], partner_id: partnerId });

  const owners = [
    ['D-BR-EAST', 'East sales', 'c-br-east', 'Consultant East'],
    ['D-BR-WEST', 'West sales', 'c-br-west', 'Consultant West'],
  ];
  for (const [departmentId, department, consultantId, consultant] of owners) {
    await call(url, `mutation($i: UpsertDepartmentInput!) { upsertDepartment(input: $i) { department { id } ${USER_ERRORS} } }`, { i: { id: departmentId, name: department } }, gm);
    await call(url, `mutation($i: UpsertConsultantInput!) { upsertConsultant(input: $i) { consultant { id } ${USER_ERRORS} } }`, { i: { id: consultantId, name: consultant, departmentId } }, gm);
  }

  const linked: string[] = [];
  const unlinked: string[] = [];
  for (let i = 0; i < 10; i += 1) {
    const partnerIds = i < 7 ? [partnerId] : i === 7 ? ['P-OTHER'] : [];
    const made = await call(
      url,
      `mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } ${USER_ERRORS} } }`,
      { i: { name: `Browser Customer ${String(i).padStart(2, '0')}`, kind: 'ORGANISATION', listType: 'ENTERPRISE', ownerId: owners[i % 2][2], partnerIds } },
      gm,
    );
    (i < 7 ? linked : unlinked).push(made.createCustomer.customer.id);
  }
  const customers = [...linked, ...unlinked];

  // Delivered orders 100 days ago (overdue by now: ageing) for half the customers (sales, conversion).
  for (const [i, customerId] of customers.entries()) {
    if (i % 2 === 1 && i > 3) continue;
    const placed = await callWhenKnown(
      url,
      `mutation($i: PlaceOrderInput!) { placeOrder(input: $i) { order { id status } ${USER_ERRORS} } }`,
      { i: { customerId, lines: [{ product: 'PUMP-100', quantity: 1 + (i % 3), unitPriceMinor: 1_250_000 }], orderedAt: ago(100 - i), idempotencyKey: `browser-order-${customerId}` } },
      finance,
    );
    const order = placed.placeOrder.order;
    if (order.status === 'HELD') await call(url, `mutation($i: ReleaseOrderInput!) { releaseOrder(input: $i) { order { id } ${USER_ERRORS} } }`, { i: { id: order.id, note: 'Released for the test' } }, finance);
    await call(url, `mutation($i: DeliverOrderInput!) { deliverOrder(input: $i) { order { id } ${USER_ERRORS} } }`, { i: { id: order.id, deliveredAt: ago(98 - i) } }, finance);
  }

  const openComplaint = async (customerId: string, matter: string, cause: string | null = null) =>
    (
      await callWhenKnown(
        url,
        `mutation($i: OpenTicketInput!) { openTicket(input: $i) { ticket { id } ${USER_ERRORS} } }`,
        { i: { customerId, type: 'COMPLAINT', channel: 'HOTLINE', severity: 'HIGH', matter, cause, complainant: { name: 'Ms Lin' } } },
        agent,
      )
    ).openTicket.ticket.id as string;
  // Complaints in both departments; the first is handled to resolution (both SLA clocks decided).
  const tickets: string[] = [];
  for (const [i, customerId] of customers.slice(0, 6).entries()) tickets.push(await openComplaint(customerId, `Complaint ${i}: pump leaks`, CAUSES[i % CAUSES.length]));
  for (const id of tickets.slice(0, 2)) {
    await call(url, `mutation($i: StartInvestigationInput!) { startInvestigation(input: $i) { ticket { id } ${USER_ERRORS} } }`, { i: { id, note: 'Called back' } }, agent);
    await call(url, `mutation($i: AgreeHandlingPlanInput!) { agreeHandlingPlan(input: $i) { ticket { id } ${USER_ERRORS} } }`, { i: { id, plan: 'Replace the seal' } }, agent);
    await call(url, `mutation($i: ResolveTicketInput!) { resolveTicket(input: $i) { ticket { id } ${USER_ERRORS} } }`, { i: { id, resolution: 'Seal replaced', cause: 'PRODUCT_QUALITY' } }, agent);
  }

  // Answered after-sale surveys in both departments (satisfaction).
  for (const [i, customerId] of customers.slice(0, 4).entries()) {
    const planned = await callWhenKnown(url, `mutation($i: PlanMysteryCheckInput!) { planMysteryCheck(input: $i) { surveyRequest { id } ${USER_ERRORS} } }`, { i: { customerId, template: 'AFTER_SALE' } }, marketing);
    const answers = AFTER_SALE.map((item, j) => ({ item, level: LEVELS[(i + j) % LEVELS.length] }));
    await call(url, `mutation($i: RecordSurveyResponseInput!) { recordSurveyResponse(input: $i) { surveyResponse { id } ${USER_ERRORS} } }`, { i: { requestId: planned.planMysteryCheck.surveyRequest.id, respondedAt: ago(1), answers } }, agent);
  }

  return { tokens: { generalManager: gm, serviceAgent: agent, partner }, partnerId, linked, unlinked, linkedTicket: tickets[2], openComplaint: (customerId, matter) => openComplaint(customerId, matter) };
}

/** Waits until every figure the dashboard charts has arrived in its subgraph (they learn from each other's events). */
export async function whenFiguresSettled(url: string, token: string, period: string, timeoutMs = 60_000): Promise<void> {
  const query = `query($p: String!, $d: Date!) { ageing(asOf: $d) { total { amountMinor } }
    departments { id newCustomers(period: $p) conversionRate(period: $p) complaintRate(period: $p) sales(period: $p) { amountMinor } satisfaction(period: $p) { meanScore } } }`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const data = await call(url, query, { p: period, d: new Date().toISOString().slice(0, 10) }, token);
    const settled =
      data.ageing.total.amountMinor > 0 &&
      data.departments.length > 0 &&
      data.departments.every((d: Record<string, any>) => // eslint-disable-line @typescript-eslint/no-explicit-any -- read loosely, as call() answers
         d.newCustomers > 0 && d.conversionRate > 0 && d.complaintRate > 0 && d.sales?.amountMinor > 0 && d.satisfaction?.meanScore > 0);
    if (settled) return;
    if (Date.now() > deadline) throw new Error(`the seeded figures did not arrive: ${JSON.stringify(data)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
