// End to end for the customer archive, as clients and other services use it: through the gateway, with the
// credit and service-desk subgraphs talking to accounts over NATS.
import { customerHandedOverV1, customerMergedV1, ownIdOf, streamFor } from '@crm/contracts';
import { eventually, graphql, PROJECTION_WAIT_MS, tokenFor } from '@crm/testing';
import { AckPolicy, connect, DeliverPolicy, type NatsConnection } from 'nats';
import { call, callWhenKnown } from '../platform/demo-data';
import type { RunningPlatform } from '../platform/platform';
import { startE2ePlatform } from './e2e-platform';

jest.setTimeout(120_000);

describe('the customer archive through the gateway', () => {
  let platform: RunningPlatform;
  let url: string;
  let nc: NatsConnection;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    platform = await startE2ePlatform();
    url = platform.gateway.graphqlUrl;
    nc = await connect({ servers: process.env.NATS_URL! });
    tokens.gm = await tokenFor({ sub: 'gm-arch', roles: ['general_manager'] });
    tokens.finance = await tokenFor({ sub: 'fin-arch', roles: ['finance'] });
    tokens.agent = await tokenFor({ sub: 'agent-arch', roles: ['service_agent'] });
    tokens.owner = await tokenFor({ sub: 'c-arch-1', roles: ['consultant'], department_id: 'D-ARCH' });
    tokens.heir = await tokenFor({ sub: 'c-arch-2', roles: ['consultant'], department_id: 'D-ARCH' });
    tokens.manager = await tokenFor({ sub: 'm-arch', roles: ['department_manager'], department_id: 'D-ARCH' });
    await call(url, 'mutation { upsertDepartment(input: {id: "D-ARCH", name: "Archive e2e"}) { department { id } userErrors { field code message } } }', {}, tokens.gm);
    for (const [id, name] of [['c-arch-1', 'Leaving Consultant'], ['c-arch-2', 'Replacement Consultant']]) {
      await call(url, 'mutation($i: UpsertConsultantInput!) { upsertConsultant(input: $i) { consultant { id } userErrors { field code message } } }', { i: { id, name, departmentId: 'D-ARCH' } }, tokens.gm);
    }
  });
  afterAll(async () => {
    await nc?.drain();
    await platform?.stop();
  });

  /** A durable listener on accounts' stream from now on, as an internal app would subscribe. */
  async function listen(type: string) {
    const jsm = await nc.jetstreamManager();
    const durable = `e2e-archive-${type.split('.').pop()}-${Date.now()}`;
    await jsm.consumers.add(streamFor('accounts').name, { durable_name: durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New, filter_subject: type });
    return nc.jetstream().consumers.get(streamFor('accounts').name, durable);
  }

  it('opens a colleague\'s customer only through an approved access request, and audits the personal data read', async () => {
    const { createCustomer: { customer: createCustomer } } = await call(
      url,
      'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } userErrors { field code message } } }',
      { i: { name: 'Confidential Pumps Ltd', kind: 'ORGANISATION', listType: 'ENTERPRISE', contacts: [{ name: 'Ms Wu', phone: '+86 21 5555 1234', decisionMaker: true }] } },
      tokens.owner,
    );
    const id = createCustomer.id;
    const read = 'query($id: ID!) { customer(id: $id) { name contacts { phone } } }';
    // Through the gateway too, a colleague is told which approval would open the customer.
    const refused = await graphql(url, read, { id }, tokens.heir);
    expect(refused.data?.customer ?? null).toBeNull();
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', requiredApproval: 'DEPARTMENT_MANAGER', customerId: ownIdOf(id) });

    const expiresAt = new Date(Date.now() + 24 * 3600 * 1000).toISOString();
    const { requestCustomerAccess: { accessRequest: requestCustomerAccess } } = await call(
      url,
      'mutation($i: RequestCustomerAccessInput!) { requestCustomerAccess(input: $i) { accessRequest { id status approverRole } userErrors { field code message } } }',
      { i: { scope: { kind: 'CUSTOMER', customerId: id }, reason: 'Covering the account during leave', expiresAt } },
      tokens.heir,
    );
    expect(requestCustomerAccess.status).toBe('REQUESTED');
    const notTheApprover = await graphql(url, 'mutation($id: ID!) { approveAccessRequest(input: { id: $id }) { accessRequest { status } userErrors { field code message } } }', { id: requestCustomerAccess.id }, tokens.heir);
    expect(notTheApprover.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const { approveAccessRequest } = await call(url, 'mutation($id: ID!) { approveAccessRequest(input: { id: $id }) { accessRequest { status } userErrors { field code message } } }', { id: requestCustomerAccess.id }, tokens.manager);
    expect(approveAccessRequest.accessRequest.status).toBe('APPROVED');

    expect((await call(url, read, { id }, tokens.heir)).customer).toEqual({ name: 'Confidential Pumps Ltd', contacts: [{ phone: '+86 21 5555 1234' }] });
    const audited = await eventually(async () => {
      const { personalDataReads } = await call(url, 'query($id: ID!) { personalDataReads(filter: { customerId: $id }) { edges { node { readBy { id } fields } } } }', { id }, tokens.manager);
      expect(personalDataReads.edges.map((e: { node: { readBy: { id: string } } }) => e.node.readBy.id)).toContain('c-arch-2');
      return personalDataReads.edges;
    });
    expect(audited.length).toBeGreaterThan(0);
  });

  it('shows the credit grade finance sets in credit on the customer in accounts, never typed there', async () => {
    const { createCustomer: { customer: createCustomer } } = await call(url, 'mutation { createCustomer(input: {name: "Graded Through The Bus", kind: ORGANISATION, listType: ENTERPRISE}) { customer { id creditGrade salesTier { tier } } userErrors { field code message } } }', {}, tokens.owner);
    expect(createCustomer).toMatchObject({ creditGrade: null, salesTier: null });
    await call(url, 'mutation($i: SetCreditProfileInput!) { setCreditProfile(input: $i) { creditProfile { grade } userErrors { field code message } } }', { i: { customerId: createCustomer.id, grade: 'AA', creditLimit: 1_000_000, paymentTermDays: 60, expectedRevision: 0 } }, tokens.finance);
    const read = await eventually(async () => {
      const res = await call(url, 'query($id: ID!) { customer(id: $id) { creditGrade creditProfile { grade } } }', { id: createCustomer.id }, tokens.owner);
      expect(res.customer.creditGrade).toBe('AA');
      // credit shows the owner the profile once it learned the customer's scope from accounts (ADR 0003).
      expect(res.customer.creditProfile).toEqual({ grade: 'AA' });
      return res.customer;
    }, PROJECTION_WAIT_MS);
    expect(read.creditProfile).toEqual({ grade: 'AA' });
  });

  it('refuses an expense for an unfiled customer with a stable reason, and allows it once filed', async () => {
    const { createCustomer: { customer: createCustomer } } = await call(url, 'mutation { createCustomer(input: {name: "Expense Check Ltd", kind: ORGANISATION, listType: ENTERPRISE}) { customer { id filing { status dueAt } } userErrors { field code message } } }', {}, tokens.owner);
    expect(createCustomer.filing.status).toBe('UNFILED');
    const ask = `query($id: ID!) { expenseAllowed(customerId: $id, kind: ENTERTAINMENT) { allowed reason } }`;
    expect((await call(url, ask, { id: createCustomer.id }, tokens.finance)).expenseAllowed).toEqual({ allowed: false, reason: 'CUSTOMER_NOT_FILED' });
    await call(url, 'mutation($id: ID!) { fileCustomer(input: { id: $id }) { customer { id } userErrors { field code message } } }', { id: createCustomer.id }, tokens.owner);
    expect((await call(url, ask, { id: createCustomer.id }, tokens.finance)).expenseAllowed).toEqual({ allowed: true, reason: 'ALLOWED' });
  });

  it('hands a leaving consultant\'s customers over, notifies on NATS, and refuses deactivation only before', async () => {
    const ids: string[] = [];
    for (const name of ['Handover One', 'Handover Two']) ids.push((await call(url, 'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } userErrors { field code message } } }', { i: { name, kind: 'ORGANISATION', listType: 'ENTERPRISE' } }, tokens.owner)).createCustomer.customer.id);
    const refused = await call(url, 'mutation { deactivateConsultant(input: { id: "c-arch-1" }) { consultant { id } userErrors { code message } } }', {}, tokens.gm).catch((error: Error) => error);
    expect(String(refused)).toMatch(/CONFLICT: /);

    const consumer = await listen(customerHandedOverV1.type);
    const { handOverCustomers: { handover: handOverCustomers } } = await call(url, 'mutation { handOverCustomers(input: { fromConsultantId: "c-arch-1", toConsultantId: "c-arch-2", reason: "Leaves the company" }) { handover { movedCustomerIds remaining } userErrors { field code message } } }', {}, tokens.gm);
    expect(handOverCustomers.remaining).toBe(0);
    expect(handOverCustomers.movedCustomerIds).toEqual(expect.arrayContaining(ids.map(ownIdOf)));
    const notified = new Set<string>();
    while (notified.size < handOverCustomers.movedCustomerIds.length) {
      const message = await consumer.next({ expires: 10_000 });
      expect(message).not.toBeNull();
      const event = JSON.parse(Buffer.from(message!.data).toString());
      message!.ack();
      // Other test files hand customers over on the same stream meanwhile.
      if (!handOverCustomers.movedCustomerIds.includes(event.subject)) continue;
      expect(event.data).toMatchObject({ fromConsultantId: 'c-arch-1', toConsultantId: 'c-arch-2', reason: 'Leaves the company' });
      notified.add(event.subject);
    }
    expect([...notified]).toEqual(expect.arrayContaining(ids.map(ownIdOf)));

    const mine = await call(url, '{ customers(first: 100) { edges { node { id owner { id } } } } }', {}, tokens.heir);
    expect(mine.customers.edges.map((e: any) => e.node.id)).toEqual(expect.arrayContaining(ids));
    expect((await call(url, 'mutation { deactivateConsultant(input: { id: "c-arch-1" }) { consultant { active } userErrors { field code message } } }', {}, tokens.gm)).deactivateConsultant.consultant).toEqual({ active: false });
  });

  it('flags a duplicate at creation and, once merged, resolves the duplicate\'s id to the survivor from other subgraphs', async () => {
    const survivor = (await call(url, 'mutation { createCustomer(input: {name: "Yangtze Pumps Co., Ltd.", kind: ORGANISATION, listType: ENTERPRISE, ownerId: "c-arch-2", contacts: [{name: "Buyer", phone: "+86 27 8765 4321"}]}) { customer { id } userErrors { field code message } } }', {}, tokens.gm)).createCustomer.customer.id;
    const duplicate = (
      await call(url, 'mutation { createCustomer(input: {name: "YANGTZE PUMPS", kind: ORGANISATION, listType: ENTERPRISE, ownerId: "c-arch-2", contacts: [{name: "Desk", phone: "027-8765-4321"}]}) { customer { id possibleDuplicates { customer { id } matchedOn } } userErrors { field code message } } }', {}, tokens.gm)
    ).createCustomer.customer;
    expect(duplicate.possibleDuplicates).toEqual([{ customer: { id: survivor }, matchedOn: ['NAME', 'PHONE'] }]);

    // A ticket was opened against the duplicate before anyone noticed.
    const ticket = await callWhenKnown(
      url,
      'mutation($i: OpenTicketInput!) { openTicket(input: $i) { ticket { id } userErrors { field code message } } }',
      { i: { customerId: duplicate.id, type: 'INQUIRY', channel: 'PHONE', severity: 'LOW', matter: 'Price list?', complainant: { name: 'Desk' } } },
      tokens.agent,
    );
    const consumer = await listen(customerMergedV1.type);
    const { mergeCustomers: { customer: mergeCustomers } } = await call(url, 'mutation($s: ID!, $d: ID!) { mergeCustomers(input: { survivorId: $s, duplicateId: $d }) { customer { id mergedCustomerIds contacts { name } } userErrors { field code message } } }', { s: survivor, d: duplicate.id }, tokens.gm);
    expect(mergeCustomers).toMatchObject({ id: survivor, mergedCustomerIds: [ownIdOf(duplicate.id)], contacts: [{ name: 'Buyer' }] });

    // Other test files merge customers on the same stream meanwhile: read until this merge.
    let event: { data: Record<string, unknown> } | undefined;
    while (!event) {
      const message = await consumer.next({ expires: 10_000 });
      expect(message).not.toBeNull();
      message!.ack();
      const candidate = JSON.parse(Buffer.from(message!.data).toString());
      if (candidate.data.duplicateId === ownIdOf(duplicate.id)) event = candidate;
    }
    expect(event.data).toMatchObject({ survivorId: ownIdOf(survivor), duplicateId: ownIdOf(duplicate.id) });

    // Whether or not service-desk has re-pointed its reference yet (on customer.merged), the ticket's customer is
    // the survivor: accounts resolves the duplicate's id to it through _entities.
    const read = await call(url, 'query($id: ID!) { ticket(id: $id) { customer { id name mergedCustomerIds } } }', { id: ticket.openTicket.ticket.id }, tokens.agent);
    expect(read.ticket.customer).toMatchObject({ name: 'Yangtze Pumps Co., Ltd.', mergedCustomerIds: [ownIdOf(duplicate.id)] });
    expect([survivor, duplicate.id]).toContain(read.ticket.customer.id);
    expect((await call(url, 'query($id: ID!) { customer(id: $id) { id name } }', { id: duplicate.id }, tokens.gm)).customer).toEqual({ id: survivor, name: 'Yangtze Pumps Co., Ltd.' });
  });
});
