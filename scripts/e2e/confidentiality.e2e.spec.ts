// Confidentiality (docs/domain/accounts.md) end to end: engagement and credit answer through the gateway within the caller's
// customer scope, kept from accounts' events (ADR 0003).
import { eventually, graphql, PROJECTION_WAIT_MS, tokenFor } from '@crm/testing';
import { call } from '../platform/demo-data';
import type { RunningPlatform } from '../platform/platform';
import { startE2ePlatform } from './e2e-platform';

jest.setTimeout(120_000);

describe('confidentiality through the gateway', () => {
  let platform: RunningPlatform;
  let url: string;

  beforeAll(async () => {
    platform = await startE2ePlatform();
    url = platform.gateway.graphqlUrl;
    const gm = await tokenFor({ sub: 'gm-conf', roles: ['general_manager'] });
    await call(url, 'mutation { upsertDepartment(input: {id: "D-CONF", name: "Confidential sales"}) { department { id } userErrors { field code message } } }', {}, gm);
    await call(url, 'mutation { upsertConsultant(input: {id: "c-conf-a", name: "Consultant A", departmentId: "D-CONF"}) { consultant { id } userErrors { field code message } } }', {}, gm);
    await call(url, 'mutation { upsertConsultant(input: {id: "c-conf-b", name: "Consultant B", departmentId: "D-CONF"}) { consultant { id } userErrors { field code message } } }', {}, gm);
  });
  afterAll(() => platform?.stop());

  it("keeps consultant A's customer's credit profile and interactions from consultant B", async () => {
    const a = await tokenFor({ sub: 'c-conf-a', roles: ['consultant'], department_id: 'D-CONF' });
    const b = await tokenFor({ sub: 'c-conf-b', roles: ['consultant'], department_id: 'D-CONF' });
    const finance = await tokenFor({ sub: 'fin-conf', roles: ['finance'] });
    const created = await call(url, 'mutation { createCustomer(input: {name: "Huaihe Pumps", kind: ORGANISATION, listType: ENTERPRISE}) { customer { id } userErrors { field code message } } }', {}, a);
    const customerId: string = created.createCustomer.customer.id;
    await call(url, 'mutation($c: ID!) { setCreditProfile(input: {customerId: $c, grade: A, creditLimit: 500000, paymentTermDays: 30, expectedRevision: 0}) { creditProfile { grade } userErrors { field code message } } }', { c: customerId }, finance);

    // engagement learns the customer's scope from accounts' customer.created; until then A cannot log for it.
    const logged = await eventually(() =>
      call(
        url,
        'mutation($i: LogInteractionInput!) { logInteraction(input: $i) { interaction { id } userErrors { field code message } } }',
        { i: { customerId, channel: 'PHONE', occurredAt: new Date(Date.now() - 60_000).toISOString(), summary: 'First visit' } },
        a,
      ),
      PROJECTION_WAIT_MS,
    );
    const interactionId: string = logged.logInteraction.interaction.id;

    const creditOf = (token: string) => call(url, 'query($c: ID!) { creditProfile(customerId: $c) { grade } }', { c: customerId }, token);
    const interactionOf = (token: string) => call(url, 'query($id: ID!) { interaction(id: $id) { id summary } }', { id: interactionId }, token);

    await eventually(async () => expect((await creditOf(a)).creditProfile).toEqual({ grade: 'A' }));
    expect((await interactionOf(a)).interaction).toEqual({ id: interactionId, summary: 'First visit' });
    // The read rule on credit too: B is told which approval would open A's customer's profile.
    const refusedCredit = await graphql(url, 'query($c: ID!) { creditProfile(customerId: $c) { grade } }', { c: customerId }, b);
    expect(refusedCredit.data?.creditProfile ?? null).toBeNull();
    expect(refusedCredit.errors?.map((e) => [e.extensions?.code, e.extensions?.requiredApproval])).toEqual([['FORBIDDEN', 'DEPARTMENT_MANAGER']]);
    // By id, the read rule names the refusal and the approval that would lift it.
    const refused = await graphql(url, 'query($id: ID!) { interaction(id: $id) { id summary } }', { id: interactionId }, b);
    expect(refused.data?.interaction ?? null).toBeNull();
    expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  });
});
