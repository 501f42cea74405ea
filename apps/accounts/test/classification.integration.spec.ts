import { creditProfileChangedV1, customerUpdatedV1, salesTierComputedV1 } from '@crm/contracts';
import { eventually, startAccountsWorld, USER_ERRORS, type AccountsWorld } from './accounts-fixture';

const CLASSIFY = `mutation($i: ClassifyCustomerInput!) { classifyCustomer(input: $i) { customer { id category importance loyalty route routeOrder assignedStaff { id } } ${USER_ERRORS} } }`;
const READ = `query($id: ID!) { customer(id: $id) { category importance loyalty salesTier { tier periodStart periodEnd basis } creditGrade assignedStaff { id } } }`;
const LIST = `query($f: CustomerFilter, $s: CustomerSort, $first: Int, $after: String) { customers(filter: $f, sort: $s, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id name routeOrder creditGrade salesTier { tier } } } } }`;

const creditProfile = (customerId: string, grade: string, revision: number) => ({
  customerId,
  grade: grade as 'AAA',
  previousGrade: null,
  creditLimit: 0,
  currency: 'CNY',
  paymentTermDays: 0,
  frozen: false,
  revision,
});

describe('accounts: classification', () => {
  let w: AccountsWorld;
  beforeAll(async () => {
    w = await startAccountsWorld();
  });
  afterAll(() => w.service.stop());

  it('classifies a new customer as POTENTIAL and GENERAL, served by its owner, until someone decides otherwise', async () => {
    const id = await w.customer({ name: 'Default Class Co' });
    const { customer } = await w.ok(READ, { id }, w.tokens.alice);
    expect(customer).toEqual({ category: 'POTENTIAL', importance: 'GENERAL', loyalty: null, salesTier: null, creditGrade: null, assignedStaff: [{ id: 'alice' }] });
  });

  it('refuses a KEY customer with fewer than two staff, on creation and on classification', async () => {
    const onCreate = await w.refused(`mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } ${USER_ERRORS} } }`, { i: { name: 'Key Alone', kind: 'ORGANISATION', listType: 'ENTERPRISE', ownerId: 'alice', importance: 'KEY' } }, w.tokens.gm);
    expect(onCreate).toMatchObject([{ code: 'BAD_USER_INPUT', field: ['input', 'importance'] }]);
    const id = await w.customer({ name: 'Becoming Key' });
    const alone = await w.refused(CLASSIFY, { i: { id, importance: 'KEY', category: 'KEY' } }, w.tokens.alice);
    expect(alone).toMatchObject([{ code: 'BAD_USER_INPUT', field: ['input', 'importance'] }]);
    expect(await w.events(customerUpdatedV1, id)).toEqual([]);
    const { classifyCustomer } = await w.ok(CLASSIFY, { i: { id, importance: 'KEY', category: 'KEY', assignedStaffIds: ['bob'] } }, w.tokens.alice);
    expect(classifyCustomer.customer).toMatchObject({ importance: 'KEY', category: 'KEY', assignedStaff: [{ id: 'alice' }, { id: 'bob' }] });
    const shrink = await w.refused(CLASSIFY, { i: { id, assignedStaffIds: [] } }, w.tokens.alice);
    expect(shrink).toMatchObject([{ code: 'BAD_USER_INPUT', field: ['input', 'assignedStaffIds'] }]);
    const unknownStaff = await w.refused(CLASSIFY, { i: { id, assignedStaffIds: ['nobody'] } }, w.tokens.alice);
    expect(unknownStaff).toMatchObject([{ code: 'BAD_USER_INPUT', field: ['input', 'assignedStaffIds'], message: 'no active consultant nobody' }]);
    // Shape problems come together, one user error each.
    const shape = await w.refused(CLASSIFY, { i: { id, route: ' ', routeOrder: -1 } }, w.tokens.alice);
    expect(shape.map((p) => p.field)).toEqual([
      ['input', 'route'],
      ['input', 'routeOrder'],
    ]);
  });

  it('lets the staff assigned to a customer read it like its owner, in the list and by id', async () => {
    const id = await w.customer({ name: 'Served By Two Co' });
    const before = await w.read('query($id: ID!) { customer(id: $id) { id } }', { id }, w.tokens.bob);
    expect(before.customer).toBeNull();
    await w.ok(CLASSIFY, { i: { id, importance: 'KEY', category: 'KEY', assignedStaffIds: ['bob'] } }, w.tokens.alice);
    const byId = await w.ok('query($id: ID!) { customer(id: $id) { id } }', { id }, w.tokens.bob);
    expect(byId.customer).toEqual({ id });
    const list = await w.ok('{ customers(first: 200) { edges { node { id } } } }', {}, w.tokens.bob);
    expect(list.customers.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(id);
  });

  it('announces importance, category and staff in customer.updated so other services (SLA) follow', async () => {
    const id = await w.customer({ name: 'Announced Key' });
    await w.ok(CLASSIFY, { i: { id, importance: 'KEY', assignedStaffIds: ['bob'] } }, w.tokens.gm);
    const [event] = await w.events(customerUpdatedV1, id);
    expect(event.data.customer).toMatchObject({ id, importance: 'KEY', category: 'POTENTIAL', assignedStaffIds: ['alice', 'bob'] });
    expect(event.data.changes.map((c: { field: string }) => c.field)).toEqual(['importance', 'assignedStaffIds']);
  });

  it('filters and sorts on every classification axis, and keeps the route sequence inside a region', async () => {
    const a = await w.customer({ name: 'Route Stop 2', region: 'Routed', route: 'R1', routeOrder: 2, category: 'TARGET', loyalty: 'LOYAL' });
    const b = await w.customer({ name: 'Route Stop 1', region: 'Routed', route: 'R1', routeOrder: 1, category: 'TARGET', loyalty: 'BRAND_SWITCHING' });
    const c = await w.customer({ name: 'Route Stop 3', region: 'Routed', route: 'R1', routeOrder: 3, category: 'GENERAL', loyalty: 'LOYAL', importance: 'KEY', assignedStaffIds: ['bob'] });
    await w.customer({ name: 'Other Route', region: 'Routed', route: 'R2', routeOrder: 1 });
    const route = await w.ok(LIST, { f: { region: 'Routed', route: 'R1' }, s: { field: 'ROUTE_ORDER' } }, w.tokens.gm);
    expect(route.customers.edges.map((e: any) => e.node.id)).toEqual([b, a, c]);
    expect((await w.ok(LIST, { f: { region: 'Routed', category: 'TARGET' } }, w.tokens.gm)).customers.totalCount).toBe(2);
    expect((await w.ok(LIST, { f: { region: 'Routed', loyalty: 'LOYAL', category: 'TARGET' } }, w.tokens.gm)).customers.edges.map((e: any) => e.node.id)).toEqual([a]);
    expect((await w.ok(LIST, { f: { region: 'Routed', importance: 'KEY' } }, w.tokens.gm)).customers.edges.map((e: any) => e.node.id)).toEqual([c]);
    expect((await w.ok(LIST, { f: { region: 'Routed', assignedStaffId: 'bob' } }, w.tokens.gm)).customers.edges.map((e: any) => e.node.id)).toEqual([c]);
    const descending = await w.ok(LIST, { f: { region: 'Routed', route: 'R1' }, s: { field: 'ROUTE_ORDER', direction: 'DESC' }, first: 2 }, w.tokens.gm);
    expect(descending.customers.edges.map((e: any) => e.node.id)).toEqual([c, a]);
    const rest = await w.ok(LIST, { f: { region: 'Routed', route: 'R1' }, s: { field: 'ROUTE_ORDER', direction: 'DESC' }, first: 2, after: descending.customers.pageInfo.endCursor }, w.tokens.gm);
    expect(rest.customers.edges.map((e: any) => e.node.id)).toEqual([b]);
  });

  it('pages one by one through a sort with missing values: first ascending, last descending, none skipped or repeated', async () => {
    const ids = [
      await w.customer({ name: 'Nulls 1', region: 'Nulls', routeOrder: 2 }),
      await w.customer({ name: 'Nulls 2', region: 'Nulls' }),
      await w.customer({ name: 'Nulls 3', region: 'Nulls', routeOrder: 1 }),
      await w.customer({ name: 'Nulls 4', region: 'Nulls' }),
      await w.customer({ name: 'Nulls 5', region: 'Nulls', routeOrder: 2 }),
    ];
    const walk = async (direction: string) => {
      const seen: string[] = [];
      let after: string | null = null;
      for (let guard = 0; guard < 10; guard += 1) {
        const page: Record<string, any> = await w.ok(LIST, { f: { region: 'Nulls' }, s: { field: 'ROUTE_ORDER', direction }, first: 1, after }, w.tokens.gm);
        seen.push(...page.customers.edges.map((e: any) => e.node.id));
        if (!page.customers.pageInfo.hasNextPage) break;
        after = page.customers.pageInfo.endCursor;
      }
      return seen;
    };
    expect(await walk('ASC')).toEqual([ids[1], ids[3], ids[2], ids[0], ids[4]]);
    expect(await walk('DESC')).toEqual([ids[4], ids[0], ids[2], ids[3], ids[1]]);
  });

  it('shows the credit grade credit publishes, never rolls it back for a late event, and sorts best grade first', async () => {
    const good = await w.customer({ name: 'Graded Good', region: 'Graded' });
    const poor = await w.customer({ name: 'Graded Poor', region: 'Graded' });
    const none = await w.customer({ name: 'Graded None', region: 'Graded' });
    await w.publish(creditProfileChangedV1, good, creditProfile(good, 'B', 1));
    await w.publish(creditProfileChangedV1, poor, creditProfile(poor, 'C', 1));
    await w.publish(creditProfileChangedV1, good, creditProfile(good, 'AA', 2));
    await eventually(async () => expect((await w.ok(READ, { id: good }, w.tokens.gm)).customer.creditGrade).toBe('AA'));
    // A redelivered older revision arrives late: ignored.
    await w.publish(creditProfileChangedV1, good, creditProfile(good, 'D', 1));
    await eventually(async () => expect((await w.ok(READ, { id: poor }, w.tokens.gm)).customer.creditGrade).toBe('C'));
    await new Promise((r) => setTimeout(r, 300));
    expect((await w.ok(READ, { id: good }, w.tokens.gm)).customer.creditGrade).toBe('AA');
    const sorted = await w.ok(LIST, { f: { region: 'Graded' }, s: { field: 'CREDIT_GRADE' } }, w.tokens.gm);
    // No grade sorts first ascending (never guessed: null).
    expect(sorted.customers.edges.map((e: any) => [e.node.id, e.node.creditGrade])).toEqual([
      [none, null],
      [good, 'AA'],
      [poor, 'C'],
    ]);
    expect((await w.ok(LIST, { f: { region: 'Graded', creditGrade: 'C' } }, w.tokens.gm)).customers.edges.map((e: any) => e.node.id)).toEqual([poor]);
    const history = await w.ok('query($id: ID!) { customer(id: $id) { changes(field: "creditGrade") { edges { node { actor { id kind staffMember { id } } after } } } } }', { id: good }, w.tokens.gm);
    // credit's events name the internal app that published them: staff the directory does not know.
    const credit = { id: 'svc-credit', kind: 'STAFF_MEMBER', staffMember: null };
    expect(history.customer.changes.edges.map((e: any) => e.node)).toEqual([
      { actor: credit, after: '"AA"' },
      { actor: credit, after: '"B"' },
    ]);
  });

  it('shows the sales tier of the latest period credit computed, and hides credit figures from partners', async () => {
    const id = await w.customer({ name: 'Tiered Co', region: 'Tiered', partnerIds: ['P-1'] });
    await w.publish(salesTierComputedV1, id, { customerId: id, tier: 'B', periodStart: '2024-01-01', periodEnd: '2024-12-31', basis: 'PURCHASE_AMOUNT_ABC' });
    await eventually(async () => expect((await w.ok(READ, { id }, w.tokens.gm)).customer.salesTier).toEqual({ tier: 'B', periodStart: '2024-01-01', periodEnd: '2024-12-31', basis: 'PURCHASE_AMOUNT_ABC' }));
    await w.publish(salesTierComputedV1, id, { customerId: id, tier: 'A', periodStart: '2025-01-01', periodEnd: '2025-02-28', basis: 'AVERAGE_MONTHLY_SALES' });
    await w.publish(salesTierComputedV1, id, { customerId: id, tier: 'D', periodStart: '2023-01-01', periodEnd: '2023-12-31', basis: 'PURCHASE_AMOUNT_ABC' });
    await eventually(async () => expect((await w.ok(READ, { id }, w.tokens.gm)).customer.salesTier.tier).toBe('A'));
    await new Promise((r) => setTimeout(r, 300));
    expect((await w.ok(READ, { id }, w.tokens.gm)).customer.salesTier.tier).toBe('A');
    expect((await w.ok(LIST, { f: { region: 'Tiered', salesTier: 'A' } }, w.tokens.gm)).customers.totalCount).toBe(1);
    const asPartner = await w.ok('query($id: ID!) { customer(id: $id) { salesTier { tier } creditGrade } }', { id }, w.tokens.partner);
    expect(asPartner.customer).toEqual({ salesTier: null, creditGrade: null });
  });

  it('lets only the customer\'s editors classify it', async () => {
    const id = await w.customer({ name: 'Not Yours' });
    const asCarol = await w.refused(CLASSIFY, { i: { id, category: 'KEY' } }, w.tokens.carol);
    expect(asCarol).toEqual([{ code: 'NOT_FOUND', field: null, message: `Customer ${id} not found` }]);
    const asAgent = await w.fails(CLASSIFY, { i: { id, category: 'KEY' } }, w.tokens.agent);
    expect(asAgent.extensions?.code).toBe('FORBIDDEN');
    expect((await w.ok('query($id: ID!) { customer(id: $id) { category } }', { id }, w.tokens.gm)).customer.category).toBe('POTENTIAL');
  });
});
