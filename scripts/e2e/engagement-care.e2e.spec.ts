// End to end for engagement's care and relationship evaluation through the gateway: a gift for a customer accounts
// has not filed is refused with accounts' reason code (CUSTOMER_NOT_FILED); once the department files it in accounts,
// engagement learns it from customer.updated and accepts the gift; a gift above the key-customer budget waits for the
// department manager, who approves it; an evaluation of the key customer gives its recommendation, shown on the
// relationship card with the assigned staff. Needs the composed supergraph (npm run compose).
import { eventually, graphql, PROJECTION_WAIT_MS, tokenFor } from '@crm/testing';
import { call } from '../platform/demo-data';
import type { RunningPlatform } from '../platform/platform';
import { startE2ePlatform } from './e2e-platform';

jest.setTimeout(240_000);

/** Retry while engagement has not yet learned the customer (or its filing) from accounts' events. */
const soon = <T>(check: () => Promise<T>) => eventually(check, PROJECTION_WAIT_MS, 200);

const EXPENSE = 'careExpense { id status amount { amountMinor currency } budget { amountMinor } decision { approved decidedBy { id } } } userErrors { field code message }';
const RECORD = `mutation($i: RecordCareExpenseInput!) { recordCareExpense(input: $i) { ${EXPENSE} } }`;

describe('engagement care through the gateway: the filing rule, the gift budget and the relationship card', () => {
  let platform: RunningPlatform;
  let url: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    platform = await startE2ePlatform();
    url = platform.gateway.graphqlUrl;
    tokens.gm = await tokenFor({ sub: 'gm-care2e', roles: ['general_manager'] });
    tokens.manager = await tokenFor({ sub: 'm-care2e', roles: ['department_manager'], department_id: 'D-CARE2E' });
    tokens.owner = await tokenFor({ sub: 'c-care2e', roles: ['consultant'], department_id: 'D-CARE2E' });
    await call(url, 'mutation { upsertDepartment(input: {id: "D-CARE2E", name: "Care e2e"}) { department { id } userErrors { field code message } } }', {}, tokens.gm);
    for (const [id, name] of [
      ['c-care2e', 'Care Consultant'],
      ['c-care2e-2', 'Care Colleague'],
    ]) {
      await call(url, 'mutation($i: UpsertConsultantInput!) { upsertConsultant(input: $i) { consultant { id } userErrors { field code message } } }', { i: { id, name, departmentId: 'D-CARE2E' } }, tokens.gm);
    }
  });
  afterAll(() => platform?.stop());

  it('refuses a gift until the customer is filed, holds one above the budget for the manager, and evaluates the key customer', async () => {
    const created = await call(
      url,
      'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id filing { status } } userErrors { field code message } } }',
      { i: { name: 'Care Path Valves Ltd', kind: 'ORGANISATION', listType: 'ENTERPRISE', region: 'East', category: 'KEY', importance: 'KEY', assignedStaffIds: ['c-care2e', 'c-care2e-2'] } },
      tokens.owner,
    );
    const customerId: string = created.createCustomer.customer.id;
    expect(created.createCustomer.customer.filing.status).toBe('UNFILED');
    const gift = (amountMinor: number, description: string) => ({ i: { customerId, kind: 'GIFT', amount: { amountMinor, currency: 'CNY' }, description, spentOn: new Date().toISOString().slice(0, 10) } });

    // Not filed: refused with accounts' reason code, once engagement knows the customer.
    const refused = await soon(async () => {
      const res = await graphql(url, RECORD, gift(50_000, 'Mid-autumn mooncakes'), tokens.owner);
      if (res.data?.recordCareExpense?.userErrors?.length) throw new Error(`not known yet: ${JSON.stringify(res.data.recordCareExpense.userErrors)}`);
      return res;
    });
    expect(refused.data?.recordCareExpense).toBeNull();
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'CUSTOMER_NOT_FILED' });

    // The department files the customer in accounts; engagement learns it from customer.updated.
    await call(url, 'mutation($id: ID!) { fileCustomer(input: { id: $id }) { customer { id } userErrors { field code message } } }', { id: customerId }, tokens.owner);
    const accepted = await soon(async () => {
      const res = await graphql(url, RECORD, gift(50_000, 'Mid-autumn mooncakes'), tokens.owner);
      if (res.errors?.length) throw new Error(`still refused: ${res.errors[0].message}`);
      return res.data!.recordCareExpense;
    });
    expect(accepted.careExpense).toMatchObject({ status: 'APPROVED', amount: { amountMinor: 50_000, currency: 'CNY' }, budget: { amountMinor: 200_000 } });

    // Above the key-customer budget (2,000.00 CNY): pending until the department manager approves.
    const pending = (await call(url, RECORD, gift(350_000, 'Tea set for the plant manager'), tokens.owner)).recordCareExpense.careExpense;
    expect(pending.status).toBe('PENDING_APPROVAL');
    const queue = await call(url, '{ careExpensesAwaitingApproval { id status } }', {}, tokens.manager);
    expect(queue.careExpensesAwaitingApproval).toContainEqual({ id: pending.id, status: 'PENDING_APPROVAL' });
    expect((await graphql(url, 'mutation($i: ApproveCareExpenseInput!) { approveCareExpense(input: $i) { careExpense { id } userErrors { code } } }', { i: { id: pending.id } }, tokens.owner)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const approved = await call(url, `mutation($i: ApproveCareExpenseInput!) { approveCareExpense(input: $i) { ${EXPENSE} } }`, { i: { id: pending.id, note: 'Key account' } }, tokens.manager);
    expect(approved.approveCareExpense.careExpense).toMatchObject({ id: pending.id, status: 'APPROVED', decision: { approved: true, decidedBy: { id: 'm-care2e' } } });

    // A relationship evaluation against the published default template; the key customer's card shows it.
    const template = (await call(url, '{ relationshipEvaluationTemplate { version indicators { key weight } thresholds { endBelow improveBelow } } }', {}, tokens.owner)).relationshipEvaluationTemplate;
    expect(template.indicators.reduce((sum: number, i: { weight: number }) => sum + i.weight, 0)).toBe(100);
    const scores = template.indicators.map((i: { key: string }) => ({ indicator: i.key, score: 55 }));
    const evaluated = await call(url, 'mutation($i: EvaluateRelationshipInput!) { evaluateRelationship(input: $i) { evaluation { id total recommendation templateVersion } userErrors { field code message } } }', { i: { customerId, scores, note: 'Payments slow this year' } }, tokens.owner);
    expect(evaluated.evaluateRelationship.evaluation).toMatchObject({ total: 55, recommendation: 'IMPROVE', templateVersion: template.version });
    const card = await soon(async () => {
      const read = await call(url, 'query($id: ID!) { customer(id: $id) { name relationshipCard { assignedStaff { id } latestEvaluation { recommendation total } } careExpenses { status } } }', { id: customerId }, tokens.owner);
      if (!read.customer.relationshipCard) throw new Error('engagement does not know the customer is key yet');
      return read.customer;
    });
    expect(card.relationshipCard.latestEvaluation).toEqual({ recommendation: 'IMPROVE', total: 55 });
    expect(card.relationshipCard.assignedStaff.map((a: { id: string }) => a.id).sort()).toEqual(['c-care2e', 'c-care2e-2']);
    expect(card.careExpenses.map((e: { status: string }) => e.status)).toEqual(['APPROVED', 'APPROVED']);
  });
});
