// Demo data for engagement's care and relationship evaluation, through the gateway: an individual customer whose
// birthday is in three days gets a greeting task (with the holiday and December tasks the generation finds), a gift for
// an unfiled customer is refused with accounts' reason code, a key customer has a gift within its budget, one waiting
// for the East manager's approval and one rejected with the reason, and an evaluation on its relationship card.
import { graphql } from '@crm/testing';
import { call, callWhenKnown } from './demo-data';

const DAY = 86_400_000;
const ERRORS = 'userErrors { field code message }';
const CREATE = `mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } ${ERRORS} } }`;
const RECORD = `mutation($i: RecordCareExpenseInput!) { recordCareExpense(input: $i) { careExpense { id status } ${ERRORS} } }`;

/** `tokens`: demoTokens() (generalManager, eastManager, consultantWang, coordinator). */
export async function seedEngagementCare(gatewayUrl: string, tokens: Record<string, string>, log: (line: string) => void): Promise<void> {
  const gm = tokens.generalManager;
  const wang = tokens.consultantWang;
  const today = new Date().toISOString().slice(0, 10);
  const create = async (key: string, input: Record<string, unknown>) => (await call(gatewayUrl, CREATE, { i: { idempotencyKey: key, ownerId: 'c-wang', region: 'East', ...input } }, gm)).createCustomer.customer.id as string;
  const file = (id: string) => call(gatewayUrl, `mutation($i: FileCustomerInput!) { fileCustomer(input: $i) { customer { id } ${ERRORS} } }`, { i: { id } }, gm);
  const activate = async (id: string) => {
    // Created as a prospect; a repeated run finds it active already.
    if ((await call(gatewayUrl, 'query($id: ID!) { customer(id: $id) { lifecycle } }', { id }, gm)).customer.lifecycle !== 'PROSPECT') return;
    for (const lifecycle of ['QUALIFYING', 'ACTIVE']) await call(gatewayUrl, `mutation($i: UpdateCustomerInput!) { updateCustomer(input: $i) { customer { id } ${ERRORS} } }`, { i: { id, changes: { lifecycle } } }, gm);
  };

  // A person whose birthday is in three days (any year before): the generation greets them within its 7-day horizon.
  const birthday = `1988-${new Date(Date.now() + 3 * DAY).toISOString().slice(5, 10)}`;
  const person = await create('demo-care-person', { name: 'Lin Xiaoyu (care demo)', kind: 'INDIVIDUAL', listType: 'INDIVIDUAL', individual: { gender: 'FEMALE', birthday, occupation: 'Architect' } });
  await file(person);
  await activate(person);

  // A key customer served by two consultants, filed and active; and a new customer nobody has filed yet.
  const key = await create('demo-care-key', { name: 'Jinling Care Demo Valves Co., Ltd.', kind: 'ORGANISATION', listType: 'ENTERPRISE', category: 'KEY', importance: 'KEY', assignedStaffIds: ['c-li'] });
  await file(key);
  await activate(key);
  const unfiled = await create('demo-care-unfiled', { name: 'Unfiled Care Demo Trading Ltd.', kind: 'ORGANISATION', listType: 'ENTERPRISE' });

  // The gift for the unfiled customer is refused: nothing is kept, the reason is accounts' code.
  const gift = (customerId: string, amountMinor: number, description: string, idempotencyKey: string) => ({ i: { idempotencyKey, customerId, kind: 'GIFT', amount: { amountMinor, currency: 'CNY' }, description, spentOn: today } });
  let refusal = 'not refused';
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const res = await graphql(gatewayUrl, RECORD, gift(unfiled, 20_000, 'Welcome gift basket', 'demo-care-refused'), wang);
    const reason = res.errors?.[0]?.extensions?.reason as string | undefined;
    // Until engagement knows the customer the answer is "no such customer"; then the refusal.
    if (reason) {
      refusal = `${reason}: ${res.errors![0].message}`;
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  // The key customer's gifts: within the budget (approved at once), above it (waits for the East manager), rejected.
  const expense = (amountMinor: number, description: string, idempotencyKey: string) => recordWhenFiled(gatewayUrl, gift(key, amountMinor, description, idempotencyKey), wang);
  await expense(80_000, 'Mid-autumn mooncakes for the purchasing team', 'demo-care-mooncakes');
  const pending = (await expense(600_000, 'Tea set for the plant manager’s retirement', 'demo-care-tea-set')).recordCareExpense.careExpense.id as string;
  const rejected = (await expense(450_000, 'Golf day for the buyers', 'demo-care-golf')).recordCareExpense.careExpense.id as string;
  await call(gatewayUrl, `mutation($i: RejectCareExpenseInput!) { rejectCareExpense(input: $i) { careExpense { id status } ${ERRORS} } }`, { i: { id: rejected, reason: 'Above the key-customer budget; invite them to the annual conference instead' } }, tokens.eastManager).catch(() => undefined);

  // Contacts and an evaluation of the key customer, for its relationship card.
  await callWhenKnown(gatewayUrl, `mutation($i: LogInteractionInput!) { logInteraction(input: $i) { interaction { id } ${ERRORS} } }`, { i: { idempotencyKey: 'demo-care-call', customerId: key, channel: 'PHONE', occurredAt: new Date(Date.now() - DAY).toISOString(), staffId: 'c-wang', summary: 'Quarterly review call with the purchasing director' } }, gm);
  const template = (await call(gatewayUrl, '{ relationshipEvaluationTemplate { version indicators { key } } }', {}, wang)).relationshipEvaluationTemplate;
  const scores = (template?.indicators ?? []).map((indicator: { key: string }, i: number) => ({ indicator: indicator.key, score: [85, 60, 75, 70, 80, 55][i % 6] }));
  const evaluation = await callWhenKnown(gatewayUrl, `mutation($i: EvaluateRelationshipInput!) { evaluateRelationship(input: $i) { evaluation { total recommendation } ${ERRORS} } }`, { i: { idempotencyKey: 'demo-care-evaluation', customerId: key, scores, note: 'Strong buyer; payments slowed this year' } }, wang);

  // The greetings, the holiday and (from late November) the December tasks due now.
  const generation = (await call(gatewayUrl, `mutation { generateCareTasks { generation { birthdayGreetings holidayGreetings newYearGifts demandPlanRequests } ${ERRORS} } }`, {}, tokens.coordinator)).generateCareTasks.generation;
  const tasks = await call(gatewayUrl, 'query($from: Date!, $to: Date!) { careTasks(staffId: "c-wang", from: $from, to: $to) { kind title dueOn } }', { from: today, to: new Date(Date.now() + 40 * DAY).toISOString().slice(0, 10) }, gm);
  const card = await call(gatewayUrl, 'query($id: ID!) { customer(id: $id) { relationshipCard { assignedStaff { id } latestEvaluation { total recommendation } recentInteractions { summary } } careExpenses { status description decision { reason } } } }', { id: key }, gm);
  log(
    `engagement care demo: generation ${JSON.stringify(generation)}; c-wang's care tasks ${tasks.careTasks.map((t: { kind: string; dueOn: string }) => `${t.kind} ${t.dueOn}`).join(', ') || 'none'}; ` +
      `unfiled customer's gift refused (${refusal}); gift ${pending} waits for the East manager; key customer's card ${JSON.stringify(card.customer)}; evaluation ${JSON.stringify(evaluation.evaluateRelationship.evaluation)}`,
  );
}

/**
 * Record a care expense once engagement knows the customer and its filing (accounts' customer.updated): until then
 * it answers "no such customer" or CUSTOMER_NOT_FILED, and nothing is written, so a retry is safe.
 */
async function recordWhenFiled(gatewayUrl: string, variables: Record<string, unknown>, token: string): Promise<Record<string, any>> {
  for (let attempt = 0; ; attempt += 1) {
    const res = await graphql(gatewayUrl, RECORD, variables, token);
    const waiting = res.errors?.[0]?.extensions?.reason === 'CUSTOMER_NOT_FILED' || /no such customer/.test(JSON.stringify(res.data?.recordCareExpense?.userErrors ?? []));
    if (!waiting || attempt >= 300) {
      if (res.errors?.length || !res.data?.recordCareExpense?.careExpense) throw new Error(`recordCareExpense: ${JSON.stringify(res.errors ?? res.data)}`);
      return res.data;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
