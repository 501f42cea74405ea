import { customerCreatedV1, customerUpdatedV1 } from '@crm/contracts';
import { DAY, startAccountsWorld, USER_ERRORS, type AccountsWorld } from './accounts-fixture';

const CARD = `
  id name kind listType industry region address tradingSince
  organisation { enterpriseNature supervisingUnit legalRepresentative manager registrationNumber companySize employeeCount establishedOn registeredCapital { amount currency } assets { amount currency } }
  individual { gender birthday age occupation }
  contacts { name title phone email decisionMaker }
  needs { focusPoints budget { amount currency } intendedPurchaseBy purchaseStage }
  characteristics { serviceArea businessPhilosophy managementStyle salesCapability growthPotential culture }
  managementStatus { currentSalesPerformance pastSalesPerformance staffQualifications partners cooperationAttitude competitorRelations }
  tradingStatus { advantages problems futurePolicy reputation pastCreditProblems }
  competitorNotes industryNotes lifecycle lastVerifiedAt stale revision`;
const CREATE = `mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { ${CARD} } ${USER_ERRORS} } }`;
const UPDATE = `mutation($id: ID!, $i: CustomerCardChangesInput!) { updateCustomer(input: { id: $id, changes: $i }) { customer { ${CARD} } ${USER_ERRORS} } }`;
const CHANGES = `query($id: ID!, $first: Int, $after: String, $field: String) { customer(id: $id) { changes(first: $first, after: $after, field: $field) { totalCount pageInfo { hasNextPage endCursor } edges { node { at actor { id kind } field before after } } } } }`;
const LIST = `query($f: CustomerFilter, $s: CustomerSort, $first: Int, $after: String) { customers(filter: $f, sort: $s, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id name lifecycle } } } }`;

const organisationCard = {
  name: 'Jinling Precision Machinery Co., Ltd.',
  kind: 'ORGANISATION',
  listType: 'ENTERPRISE',
  industry: 'Manufacturing',
  region: 'East',
  address: '18 Zhongshan Road, Nanjing',
  tradingSince: '2019-05-01',
  ownerId: 'alice',
  organisation: {
    enterpriseNature: 'PRIVATE',
    supervisingUnit: 'Nanjing Industry Bureau',
    legalRepresentative: 'Wu Gang',
    manager: 'Ma Li',
    registrationNumber: '91320100MA1X2Y3Z4K',
    companySize: 'MEDIUM',
    employeeCount: 420,
    establishedOn: '2008-09-12',
    registeredCapital: { amount: 5_000_000, currency: 'CNY' },
    assets: { amount: 32_000_000 },
  },
  contacts: [
    { name: 'Zhou Min', title: 'Purchasing director', phone: '+86 25 8432 1000', email: 'zhou.min@jinling.example', decisionMaker: true },
    { name: 'Xu Ting', title: 'Receptionist', phone: '025-8432-1001', decisionMaker: false },
  ],
  needs: { focusPoints: ['delivery time', 'spare parts'], budget: { amount: 1_200_000, currency: 'CNY' }, intendedPurchaseBy: '2025-09-30', purchaseStage: 'EVALUATION' },
  characteristics: { serviceArea: 'Jiangsu', businessPhilosophy: 'Quality first', managementStyle: 'Centralised', salesCapability: 'Strong regional network', growthPotential: 'High', culture: 'Engineering-led' },
  managementStatus: { currentSalesPerformance: 'CNY 80m', pastSalesPerformance: 'CNY 65m', staffQualifications: 'ISO 9001 auditors', partners: 'Two distributors', cooperationAttitude: 'Open', competitorRelations: 'Buys seals from a competitor' },
  tradingStatus: { advantages: 'Pays on time', problems: 'Slow approvals', futurePolicy: 'Framework contract', reputation: 'Good', pastCreditProblems: 'None' },
  competitorNotes: 'Competitor offers 5% lower prices',
  industryNotes: 'Sector consolidating',
};

describe('accounts: the customer data card and the dynamic archive', () => {
  let w: AccountsWorld;
  beforeAll(async () => {
    w = await startAccountsWorld();
  });
  afterAll(() => w.service.stop());

  it('keeps the whole data card of an organisation and announces it with its classification', async () => {
    const createCustomer = (await w.ok(CREATE, { i: organisationCard }, w.tokens.gm)).createCustomer.customer;
    expect(createCustomer).toMatchObject({
      kind: 'ORGANISATION',
      tradingSince: '2019-05-01',
      organisation: { enterpriseNature: 'PRIVATE', registrationNumber: '91320100MA1X2Y3Z4K', employeeCount: 420, registeredCapital: { amount: 5_000_000, currency: 'CNY' }, assets: { amount: 32_000_000, currency: 'CNY' } },
      individual: null,
      contacts: [expect.objectContaining({ name: 'Zhou Min', decisionMaker: true }), expect.objectContaining({ name: 'Xu Ting', title: 'Receptionist', decisionMaker: false })],
      needs: { focusPoints: ['delivery time', 'spare parts'], purchaseStage: 'EVALUATION', intendedPurchaseBy: '2025-09-30' },
      characteristics: { growthPotential: 'High' },
      managementStatus: { competitorRelations: 'Buys seals from a competitor' },
      tradingStatus: { pastCreditProblems: 'None' },
      competitorNotes: 'Competitor offers 5% lower prices',
      lifecycle: 'PROSPECT',
      lastVerifiedAt: w.clock.now().toISOString(),
      stale: false,
      revision: 0,
    });
    const [created] = await w.events(customerCreatedV1, createCustomer.id);
    expect(created.data.customer).toMatchObject({ id: createCustomer.id, importance: 'GENERAL', category: 'POTENTIAL', assignedStaffIds: ['alice'] });
  });

  it('keeps an individual\'s personal data, computes the age from the birthday and withholds it from partners', async () => {
    const createCustomer = (
      await w.ok(
        CREATE,
        { i: { name: 'Ms Lin Hua', kind: 'INDIVIDUAL', listType: 'INDIVIDUAL', ownerId: 'alice', partnerIds: ['P-1'], individual: { gender: 'FEMALE', birthday: '1985-07-20', occupation: 'Architect' } } },
        w.tokens.gm,
      )
    ).createCustomer.customer;
    // 2025-03-03: not yet her birthday this year.
    expect(createCustomer.individual).toEqual({ gender: 'FEMALE', birthday: '1985-07-20', age: 39, occupation: 'Architect' });
    expect(createCustomer.organisation).toBeNull();
    const asPartner = await w.ok('query($id: ID!) { customer(id: $id) { individual { gender birthday age occupation } needs { focusPoints } tradingStatus { problems } } }', { id: createCustomer.id }, w.tokens.partner);
    expect(asPartner.customer).toEqual({ individual: { gender: null, birthday: null, age: null, occupation: 'Architect' }, needs: null, tradingStatus: null });
  });

  it.each([
    [{ ...organisationCard, individual: { gender: 'MALE' } }, 'input.individual'],
    [{ ...organisationCard, listType: 'INDIVIDUAL' }, 'input.listType'],
    [{ ...organisationCard, organisation: { registrationNumber: '#!' } }, 'input.organisation.registrationNumber'],
    [{ ...organisationCard, organisation: { assets: { amount: -1 } } }, 'input.organisation.assets.amount'],
    [{ ...organisationCard, tradingSince: '2031-01-01' }, 'input.tradingSince'],
    [{ ...organisationCard, needs: { budget: { amount: 10, currency: 'yuan' } } }, 'input.needs.budget.currency'],
    [{ ...organisationCard, contacts: [{ name: 'X', email: 'not-an-email' }] }, 'input.contacts.0.email'],
    [{ name: 'Mr Q', kind: 'INDIVIDUAL', listType: 'INDIVIDUAL', individual: { age: 200 } }, 'input.individual.age'],
  ])('refuses an invalid card with a BAD_USER_INPUT user error naming %#', async (input, field) => {
    const problems = await w.refused(CREATE, { i: input }, w.tokens.gm);
    expect(problems).toMatchObject([{ code: 'BAD_USER_INPUT', field: field.split('.') }]);
  });

  it('refuses a day the Date scalar refuses before anything runs: a top-level BAD_USER_INPUT naming its path, no payload', async () => {
    const res = await w.call(CREATE, { i: { ...organisationCard, name: 'Impossible Day Ltd', organisation: { establishedOn: '2025-02-30' } } }, w.tokens.gm);
    expect(res.errors?.map((e) => e.extensions)).toMatchObject([{ code: 'BAD_USER_INPUT', field: 'input.organisation.establishedOn' }]);
    expect(res.data ?? null).toBeNull();
    expect(await w.service.connection.collection('customers').countDocuments({ name: 'Impossible Day Ltd' })).toBe(0);
  });

  it('changes only the members an update names, keeps one history entry per member and announces the change', async () => {
    const id = await w.customer(organisationCard);
    const updateCustomer = (await w.ok(UPDATE, { id, i: { organisation: { employeeCount: 450, supervisingUnit: null }, needs: { purchaseStage: 'NEGOTIATION' }, industryNotes: 'Sector consolidating fast' } }, w.tokens.alice)).updateCustomer.customer;
    expect(updateCustomer.organisation).toMatchObject({ employeeCount: 450, supervisingUnit: null, legalRepresentative: 'Wu Gang', registrationNumber: '91320100MA1X2Y3Z4K' });
    expect(updateCustomer.needs).toMatchObject({ purchaseStage: 'NEGOTIATION', focusPoints: ['delivery time', 'spare parts'] });
    expect(updateCustomer.revision).toBe(1);
    const { customer } = await w.ok(CHANGES, { id, first: 10 }, w.tokens.alice);
    expect(customer.changes.edges.map((e: any) => [e.node.field, e.node.before, e.node.after, e.node.actor.id])).toEqual([
      // Newest first; the entries of one update in reverse card order.
      ['needs.purchaseStage', '"EVALUATION"', '"NEGOTIATION"', 'alice'],
      ['organisation.employeeCount', '420', '450', 'alice'],
      ['organisation.supervisingUnit', '"Nanjing Industry Bureau"', null, 'alice'],
      ['industryNotes', '"Sector consolidating"', '"Sector consolidating fast"', 'alice'],
      ['created', null, JSON.stringify(organisationCard.name), 'gm-1'],
    ]);
    const [updated] = await w.events(customerUpdatedV1, id);
    // Only the snapshot fields matter to other services; this update changed none of them.
    expect(updated).toBeUndefined();
  });

  it('does not touch the customer (no revision, no history) when an update changes nothing', async () => {
    const id = await w.customer(organisationCard);
    const updateCustomer = (await w.ok(UPDATE, { id, i: { region: 'East', contacts: organisationCard.contacts } }, w.tokens.alice)).updateCustomer.customer;
    expect(updateCustomer.revision).toBe(0);
  });

  it('pages the history newest first and narrows it to one member', async () => {
    const id = await w.customer({ name: 'History Paging Ltd', region: 'A' });
    for (const region of ['B', 'C', 'D', 'E']) await w.ok(UPDATE, { id, i: { region } }, w.tokens.gm);
    await w.ok(UPDATE, { id, i: { address: '1 Road' } }, w.tokens.gm);
    const first = await w.ok(CHANGES, { id, first: 2, field: 'region' }, w.tokens.gm);
    expect(first.customer.changes.totalCount).toBe(4);
    expect(first.customer.changes.edges.map((e: any) => e.node.after)).toEqual(['"E"', '"D"']);
    const second = await w.ok(CHANGES, { id, first: 5, field: 'region', after: first.customer.changes.pageInfo.endCursor }, w.tokens.gm);
    expect(second.customer.changes.edges.map((e: any) => e.node.after)).toEqual(['"C"', '"B"']);
    expect(second.customer.changes.pageInfo.hasNextPage).toBe(false);
    const otherCustomer = await w.customer({ name: 'Other History' });
    const forged = await w.call(CHANGES, { id: otherCustomer, after: first.customer.changes.pageInfo.endCursor }, w.tokens.gm);
    expect(forged.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('refuses a change to a customer out of reach or unknown with NOT_FOUND (never revealing it exists), and a change the card rules forbid field by field', async () => {
    const id = await w.customer({ name: 'Out Of Reach Co' });
    for (const target of [id, '0123456789abcdef01234567', 'not-an-id']) {
      expect(await w.refused(UPDATE, { id: target, i: { region: 'West' } }, w.tokens.carol)).toEqual([{ code: 'NOT_FOUND', field: null, message: `Customer ${target} not found` }]);
    }
    // Every rule of the card at once, under input.changes.
    const problems = await w.refused(UPDATE, { id, i: { listType: 'INDIVIDUAL', lifecycle: 'BAD', individual: { occupation: 'x' }, tradingSince: '2031-01-01' } }, w.tokens.gm);
    expect(problems.map((p) => p.field)).toEqual([
      ['input', 'changes', 'lifecycle'],
      ['input', 'changes', 'listType'],
      ['input', 'changes', 'individual'],
      ['input', 'changes', 'tradingSince'],
    ]);
    // Permission is not something the caller can fix: a top-level FORBIDDEN, no payload.
    const forbidden = await w.call(UPDATE, { id, i: { region: 'West' } }, w.tokens.agent);
    expect(forbidden.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(forbidden.data?.updateCustomer).toBeNull();
  });

  it('shows no history to a partner and hides another consultant\'s customer history behind null', async () => {
    const id = await w.customer({ name: 'Partner History Co', partnerIds: ['P-1'] });
    const asPartner = await w.ok('query($id: ID!) { customer(id: $id) { history { field } changes { totalCount } } }', { id }, w.tokens.partner);
    expect(asPartner.customer).toEqual({ history: [], changes: { totalCount: 0 } });
    const asCarol = await w.read(CHANGES, { id }, w.tokens.carol);
    expect(asCarol.customer).toBeNull();
  });

  it('marks data stale after the threshold, lists it with the stale filter, and verifying makes it fresh again', async () => {
    const id = await w.customer({ name: 'Stale Data Co', region: 'Stale' });
    w.clock.advance(400 * DAY);
    try {
      const stale = await w.ok(LIST, { f: { region: 'Stale', stale: true } }, w.tokens.gm);
      expect(stale.customers.edges.map((e: any) => e.node.id)).toEqual([id]);
      const VERIFY = `mutation($i: VerifyCustomerInput!) { verifyCustomer(input: $i) { customer { stale lastVerifiedAt lastVerifiedBy { id kind staffMember { name } } } ${USER_ERRORS} } }`;
      const tooLong = await w.refused(VERIFY, { i: { id, note: 'x'.repeat(1001) } }, w.tokens.alice);
      expect(tooLong).toMatchObject([{ code: 'BAD_USER_INPUT', field: ['input', 'note'] }]);
      const { verifyCustomer } = await w.ok(VERIFY, { i: { id, note: 'called the buyer' } }, w.tokens.alice);
      expect(verifyCustomer.customer).toEqual({ stale: false, lastVerifiedAt: w.clock.now().toISOString(), lastVerifiedBy: { id: 'alice', kind: 'STAFF_MEMBER', staffMember: { name: 'Alice Wang' } } });
      expect((await w.ok(LIST, { f: { region: 'Stale', stale: true } }, w.tokens.gm)).customers.totalCount).toBe(0);
      expect((await w.ok(LIST, { f: { region: 'Stale', verifiedBefore: w.clock.now().toISOString() } }, w.tokens.gm)).customers.totalCount).toBe(0);
    } finally {
      w.clock.advance(-400 * DAY);
    }
  });

  it('sorts by name (case-insensitive) and by lifecycle order, and pages with cursors that carry the sort', async () => {
    const names = ['delta Tools', 'Alpha Tools', 'charlie Tools', 'Bravo Tools', 'echo Tools'];
    const ids: Record<string, string> = {};
    for (const name of names) ids[name] = await w.customer({ name, region: 'Sorted' });
    await w.ok(UPDATE, { id: ids['echo Tools'], i: { lifecycle: 'QUALIFYING' } }, w.tokens.gm);
    await w.ok(UPDATE, { id: ids['Alpha Tools'], i: { lifecycle: 'QUALIFYING' } }, w.tokens.gm);
    await w.ok(UPDATE, { id: ids['Alpha Tools'], i: { lifecycle: 'ACTIVE' } }, w.tokens.gm);

    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: Record<string, any> = await w.ok(LIST, { f: { region: 'Sorted' }, s: { field: 'NAME', direction: 'DESC' }, first: 2, after }, w.tokens.gm);
      seen.push(...page.customers.edges.map((e: any) => e.node.name));
      after = page.customers.pageInfo.hasNextPage ? page.customers.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(['echo Tools', 'delta Tools', 'charlie Tools', 'Bravo Tools', 'Alpha Tools']);

    const byLifecycle = await w.ok(LIST, { f: { region: 'Sorted' }, s: { field: 'LIFECYCLE' } }, w.tokens.gm);
    expect(byLifecycle.customers.edges.map((e: any) => e.node.lifecycle)).toEqual(['PROSPECT', 'PROSPECT', 'PROSPECT', 'QUALIFYING', 'ACTIVE']);
    const filtered = await w.ok(LIST, { f: { region: 'Sorted', lifecycles: ['QUALIFYING', 'ACTIVE'] } }, w.tokens.gm);
    expect(filtered.customers.totalCount).toBe(2);

    const first = await w.ok(LIST, { f: { region: 'Sorted' }, s: { field: 'NAME' }, first: 1 }, w.tokens.gm);
    const wrongSort = await w.call(LIST, { f: { region: 'Sorted' }, s: { field: 'CREATED_AT' }, after: first.customers.pageInfo.endCursor }, w.tokens.gm);
    expect(wrongSort.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('reads a partner\'s view through _entities with the same masking', async () => {
    const id = await w.customer({ name: 'Entity Person', kind: 'INDIVIDUAL', listType: 'INDIVIDUAL', partnerIds: ['P-1'], individual: { birthday: '1990-01-01' } });
    const res = await w.ok('query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id individual { birthday age } } } }', { r: [{ __typename: 'Customer', id }] }, w.tokens.partner);
    expect(res._entities).toEqual([{ id, individual: { birthday: null, age: null } }]);
  });
});
