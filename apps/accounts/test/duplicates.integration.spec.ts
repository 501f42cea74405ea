import { customerMergedV1, customerUpdatedV1 } from '@crm/contracts';
import { startAccountsWorld, USER_ERRORS, type AccountsWorld } from './accounts-fixture';

const CREATE = `mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id possibleDuplicates { customer { id name } matchedOn flaggedAt } } ${USER_ERRORS} } }`;
const MERGE = `mutation($s: ID!, $d: ID!) { mergeCustomers(input: { survivorId: $s, duplicateId: $d }) { customer { id name contacts { name phone email } mergedCustomerIds possibleDuplicates { customer { id } } } ${USER_ERRORS} } }`;
const READ = `query($id: ID!) { customer(id: $id) { id name lifecycle } }`;

const original = {
  name: 'Huaxin Electronics Co., Ltd.',
  kind: 'ORGANISATION',
  listType: 'ENTERPRISE',
  ownerId: 'alice',
  organisation: { registrationNumber: '91310000-1234-5678X' },
  contacts: [{ name: 'Gu Wen', phone: '+86 21 5123 4567', email: 'gu.wen@huaxin.example', decisionMaker: true }],
};

describe('accounts: duplicates', () => {
  let w: AccountsWorld;
  beforeAll(async () => {
    w = await startAccountsWorld();
  });
  afterAll(() => w.service.stop());

  it('flags a possible duplicate at creation with the candidates and what matched, without blocking creation', async () => {
    const first = (await w.ok(CREATE, { i: original }, w.tokens.gm)).createCustomer.customer;
    expect(first.possibleDuplicates).toEqual([]);
    const byName = (await w.ok(CREATE, { i: { name: 'HUAXIN ELECTRONICS', kind: 'ORGANISATION', listType: 'ENTERPRISE', ownerId: 'alice' } }, w.tokens.alice)).createCustomer.customer;
    expect(byName.possibleDuplicates).toEqual([{ customer: { id: first.id, name: original.name }, matchedOn: ['NAME'], flaggedAt: w.clock.now().toISOString() }]);
    const byPhoneAndRegistration = (
      await w.ok(CREATE, { i: { name: 'HX Elec', kind: 'ORGANISATION', listType: 'ENTERPRISE', ownerId: 'alice', organisation: { registrationNumber: '913100001234 5678x' }, contacts: [{ name: 'Front desk', phone: '021-5123-4567' }] } }, w.tokens.alice)
    ).createCustomer.customer;
    expect(byPhoneAndRegistration.possibleDuplicates.find((d: any) => d.customer?.id === first.id).matchedOn).toEqual(['PHONE', 'REGISTRATION_NUMBER']);
    const flagged = await w.ok('query { customers(filter: {possibleDuplicate: true}, first: 100) { edges { node { id } } } }', {}, w.tokens.gm);
    expect(flagged.customers.edges.map((e: any) => e.node.id)).toEqual(expect.arrayContaining([byName.id, byPhoneAndRegistration.id]));
    expect(flagged.customers.edges.map((e: any) => e.node.id)).not.toContain(first.id);
    const unflagged = await w.ok('query { customers(filter: {possibleDuplicate: false}, first: 100) { edges { node { id } } } }', {}, w.tokens.gm);
    expect(unflagged.customers.edges.map((e: any) => e.node.id)).toContain(first.id);
    expect(unflagged.customers.edges.map((e: any) => e.node.id)).not.toContain(byName.id);
  });

  it('flags a candidate out of the caller\'s reach without saying which customer it is', async () => {
    await w.customer({ name: 'West Only Trading', ownerId: 'carol', contacts: [{ name: 'Boss', email: 'boss@westonly.example' }] });
    const mine = (await w.ok(CREATE, { i: { name: 'Some Other Name', kind: 'ORGANISATION', listType: 'ENTERPRISE', contacts: [{ name: 'Boss', email: 'BOSS@westonly.example ' }] } }, w.tokens.alice)).createCustomer.customer;
    expect(mine.possibleDuplicates).toEqual([{ customer: null, matchedOn: ['EMAIL'], flaggedAt: expect.any(String) }]);
    const probe = await w.ok('query($i: DuplicateProbeInput!) { possibleDuplicates(input: $i) { customer { id } matchedOn } }', { i: { emails: ['boss@westonly.example'] } }, w.tokens.alice);
    expect(probe.possibleDuplicates.every((d: any) => d.customer === null || d.customer.id === mine.id)).toBe(true);
  });

  it('merges contacts and history into the survivor, redirects the duplicate\'s id and announces the merge', async () => {
    const survivor = await w.customer({ ...original, name: 'Merge Survivor Ltd', organisation: {}, contacts: [{ name: 'Same Person', phone: '13800000001' }] });
    const duplicate = await w.customer({ name: 'Merge Survivor Limited', ownerId: 'bob', partnerIds: ['P-1'], contacts: [{ name: 'Same Person', phone: '+86 138 0000 0001' }, { name: 'New Person', email: 'new@merge.example' }] });
    await w.ok(`mutation($id: ID!) { updateCustomer(input: {id: $id, changes: {address: "Duplicate address"}}) { customer { id } ${USER_ERRORS} } }`, { id: duplicate }, w.tokens.gm);

    const mergeCustomers = (await w.ok(MERGE, { s: survivor, d: duplicate }, w.tokens.eastManager)).mergeCustomers.customer;
    expect(mergeCustomers).toMatchObject({ id: survivor, mergedCustomerIds: [duplicate], possibleDuplicates: [] });
    expect(mergeCustomers.contacts.map((c: any) => c.name)).toEqual(['Same Person', 'New Person']);

    // The duplicate's id reads as the survivor, through `customer` and through `_entities`.
    expect((await w.ok(READ, { id: duplicate }, w.tokens.gm)).customer).toMatchObject({ id: survivor, name: 'Merge Survivor Ltd' });
    const entities = await w.ok('query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id } } }', { r: [{ __typename: 'Customer', id: duplicate }] }, w.tokens.gm);
    expect(entities._entities).toEqual([{ id: survivor }]);
    // The partner linked to the duplicate now sees the survivor.
    expect((await w.ok(READ, { id: survivor }, w.tokens.partner)).customer).toMatchObject({ id: survivor });

    const history = await w.ok('query($id: ID!) { customer(id: $id) { history { field mergedFromCustomerId } } }', { id: survivor }, w.tokens.gm);
    expect(history.customer.history.map((h: any) => [h.field, h.mergedFromCustomerId])).toEqual(
      expect.arrayContaining([
        ['merged', null],
        ['address', duplicate],
        ['created', duplicate],
        ['created', null],
      ]),
    );

    const list = await w.ok('query { customers(filter: {nameContains: "Merge Survivor"}) { edges { node { id } } } }', {}, w.tokens.gm);
    expect(list.customers.edges.map((e: any) => e.node.id)).toEqual([survivor]);

    const [merged] = await w.events(customerMergedV1, duplicate);
    expect(merged.data).toMatchObject({ survivorId: survivor, duplicateId: duplicate, survivorOwnerConsultantId: 'alice', survivorDepartmentId: 'D-EAST' });
    const removed = await w.events(customerUpdatedV1, duplicate);
    expect(removed.at(-1)!.data.customer.lifecycle).toBe('REMOVED');

    // Merging again is a no-op that answers with the survivor.
    expect((await w.ok(MERGE, { s: survivor, d: duplicate }, w.tokens.eastManager)).mergeCustomers.customer.id).toBe(survivor);
    expect(await w.events(customerMergedV1, duplicate)).toHaveLength(1);
  });

  it('refuses merges the caller may not make or that make no sense', async () => {
    const a = await w.customer({ name: 'Merge Guard A', ownerId: 'alice' });
    const b = await w.customer({ name: 'Merge Guard B', ownerId: 'carol' });
    const person = await w.customer({ name: 'Merge Guard Person', kind: 'INDIVIDUAL', listType: 'INDIVIDUAL' });
    expect(await w.refused(MERGE, { s: a, d: b }, w.tokens.alice)).toEqual([{ code: 'NOT_FOUND', field: null, message: `Customer ${b} not found` }]);
    expect(await w.refused(MERGE, { s: a, d: a }, w.tokens.gm)).toMatchObject([{ code: 'BAD_USER_INPUT', field: ['input', 'duplicateId'] }]);
    expect(await w.refused(MERGE, { s: a, d: person }, w.tokens.gm)).toMatchObject([{ code: 'BAD_USER_INPUT', field: ['input', 'duplicateId'] }]);
    expect(await w.events(customerMergedV1, person)).toEqual([]);
    // Customers the caller sees but may not change: permission, a top-level error.
    const asAgent = await w.fails(MERGE, { s: a, d: b }, w.tokens.agent);
    expect(asAgent.extensions?.code).toBe('FORBIDDEN');
  });

  it('drops a flag when someone decides it is not the same customer', async () => {
    const a = await w.customer({ name: 'Lookalike Foods' });
    const b = (await w.ok(CREATE, { i: { name: 'Lookalike Foods', kind: 'ORGANISATION', listType: 'ENTERPRISE', ownerId: 'alice' } }, w.tokens.gm)).createCustomer.customer;
    expect(b.possibleDuplicates.map((d: any) => d.customer.id)).toEqual([a]);
    const DISMISS = `mutation($i: DismissPossibleDuplicateInput!) { dismissPossibleDuplicate(input: $i) { customer { possibleDuplicates { matchedOn } } ${USER_ERRORS} } }`;
    expect(await w.refused(DISMISS, { i: { customerId: b.id, candidateId: a } }, w.tokens.carol)).toMatchObject([{ code: 'NOT_FOUND', field: null }]);
    const { dismissPossibleDuplicate } = await w.ok(DISMISS, { i: { customerId: b.id, candidateId: a } }, w.tokens.alice);
    expect(dismissPossibleDuplicate.customer.possibleDuplicates).toEqual([]);
  });
});
