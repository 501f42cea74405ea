import { customerFilingOverdueV1 } from '@crm/contracts';
import { DAY, eventually, MONDAY_9AM, startAccountsWorld, USER_ERRORS, type AccountsWorld } from './accounts-fixture';

const FILING = `filing { id status overdue firstContactAt firstContactDepartment { id } dueAt filedAt filedBy { id kind staffMember { id } } filedLate unreportedChangeSince changeReportDueAt lastReportedAt lastReportedBy { id kind staffMember { id } } nextDueAt }`;
const READ = `query($id: ID!) { customer(id: $id) { id ${FILING} } }`;
const EXPENSE = `query($id: ID!, $k: ExpenseKind!) { expenseAllowed(customerId: $id, kind: $k) { customerId kind allowed reason message } }`;
const OVERDUE = `query($d: ID) { overdueFilings(departmentId: $d, first: 100) { totalCount edges { node { id filing { status nextDueAt } } } } }`;
const FILE = `mutation($id: ID!) { fileCustomer(input: { id: $id }) { customer { ${FILING} } ${USER_ERRORS} } }`;
const REPORT = `mutation($id: ID!, $note: String = "new purchasing director") { reportCustomerChanges(input: { id: $id, note: $note }) { customer { ${FILING} } ${USER_ERRORS} } }`;
const UPDATE = `mutation($id: ID!, $i: CustomerCardChangesInput!) { updateCustomer(input: { id: $id, changes: $i }) { customer { ${FILING} } ${USER_ERRORS} } }`;

// Wednesday 2025-03-05 is a public holiday in this world: five working days from Monday end on Tuesday the 11th.
const DUE_WITH_HOLIDAY = '2025-03-11T15:59:59.999Z';

describe('accounts: filing deadline (备案)', () => {
  let w: AccountsWorld;
  beforeAll(async () => {
    w = await startAccountsWorld({ env: { WORKING_CALENDAR_HOLIDAYS: '2025-03-05', ACCOUNTS_FILING_CHECK_MS: '100' } });
  });
  beforeEach(() => w.clock.set(MONDAY_9AM));
  afterAll(() => w.service.stop());

  it('gives a new customer 5 working days (holidays skipped) and refuses expenses until it is filed', async () => {
    const id = await w.customer({ name: 'Fresh Contact Ltd', ownerId: 'carol' });
    const { customer } = await w.ok(READ, { id }, w.tokens.carol);
    expect(customer.filing).toMatchObject({ id: `${id}:filing`, status: 'UNFILED', overdue: false, firstContactAt: MONDAY_9AM, firstContactDepartment: { id: 'D-WEST' }, dueAt: DUE_WITH_HOLIDAY, filedAt: null, nextDueAt: DUE_WITH_HOLIDAY });
    const { expenseAllowed } = await w.ok(EXPENSE, { id, k: 'ENTERTAINMENT' }, w.tokens.finance);
    expect(expenseAllowed).toMatchObject({ customerId: id, kind: 'ENTERTAINMENT', allowed: false, reason: 'CUSTOMER_NOT_FILED' });
    expect(expenseAllowed.message).toContain(DUE_WITH_HOLIDAY);
  });

  it('answers CUSTOMER_NOT_FOUND for a customer out of reach or unknown, never revealing it exists', async () => {
    const id = await w.customer({ name: 'Hidden From Carol', ownerId: 'alice' });
    expect((await w.ok(EXPENSE, { id, k: 'GIFT' }, w.tokens.carol)).expenseAllowed).toMatchObject({ allowed: false, reason: 'CUSTOMER_NOT_FOUND' });
    expect((await w.ok(EXPENSE, { id: 'not-an-id', k: 'GIFT' }, w.tokens.gm)).expenseAllowed).toMatchObject({ allowed: false, reason: 'CUSTOMER_NOT_FOUND' });
  });

  it('counts the deadline from the first contact, which cannot lie in the future', async () => {
    const earlier = await w.customer({ name: 'Contacted Last Month', firstContactAt: new Date(Date.parse(MONDAY_9AM) - 20 * DAY).toISOString() });
    expect((await w.ok(READ, { id: earlier }, w.tokens.gm)).customer.filing).toMatchObject({ status: 'FILING_OVERDUE', overdue: true });
    // The overdue job marks that customer in the background; let it, so the refusal's no-write check sees only the refusal.
    await eventually(async () => expect(await w.events(customerFilingOverdueV1, earlier)).toHaveLength(1));
    const future = await w.refused(`mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } ${USER_ERRORS} } }`, { i: { name: 'Time Traveller', kind: 'ORGANISATION', listType: 'ENTERPRISE', ownerId: 'alice', firstContactAt: '2030-01-01T00:00:00Z' } }, w.tokens.gm);
    expect(future).toEqual([{ code: 'BAD_USER_INPUT', field: ['input', 'firstContactAt'], message: 'cannot lie in the future' }]);
  });

  it('lists overdue filings, raises filing-overdue once, and filing late clears it and allows expenses', async () => {
    const id = await w.customer({ name: 'Late Filer Co', ownerId: 'dan' });
    w.clock.set('2025-03-11T15:59:59.000Z');
    expect((await w.ok(OVERDUE, { d: 'D-WEST' }, w.tokens.westManager)).overdueFilings.edges.map((e: any) => e.node.id)).not.toContain(id);
    w.clock.set('2025-03-11T16:00:00.000Z');
    const overdue = await w.ok(OVERDUE, { d: 'D-WEST' }, w.tokens.westManager);
    expect(overdue.overdueFilings.edges.find((e: any) => e.node.id === id).node.filing).toEqual({ status: 'FILING_OVERDUE', nextDueAt: DUE_WITH_HOLIDAY });
    expect((await w.ok(OVERDUE, { d: 'D-EAST' }, w.tokens.eastManager)).overdueFilings.edges.map((e: any) => e.node.id)).not.toContain(id);

    const [raised] = await eventually(async () => {
      const found = await w.events(customerFilingOverdueV1, id);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(raised).toMatchObject({ actorid: 'system:accounts-filing', data: { customerId: id, obligation: 'FILING', dueAt: DUE_WITH_HOLIDAY, departmentId: 'D-WEST', ownerConsultantId: 'dan' } });
    // Several more job runs: still once.
    await new Promise((r) => setTimeout(r, 400));
    expect(await w.events(customerFilingOverdueV1, id)).toHaveLength(1);

    const { fileCustomer } = await w.ok(FILE, { id }, w.tokens.dan);
    expect(fileCustomer.customer.filing).toMatchObject({ status: 'FILED', overdue: false, filedAt: '2025-03-11T16:00:00.000Z', filedBy: { id: 'dan', kind: 'STAFF_MEMBER', staffMember: { id: 'dan' } }, filedLate: true, nextDueAt: null });
    expect((await w.ok(EXPENSE, { id, k: 'TRAVEL' }, w.tokens.dan)).expenseAllowed).toMatchObject({ allowed: true, reason: 'ALLOWED' });
    expect((await w.ok(OVERDUE, { d: 'D-WEST' }, w.tokens.westManager)).overdueFilings.edges.map((e: any) => e.node.id)).not.toContain(id);
    // Filing again changes nothing.
    expect((await w.ok(FILE, { id }, w.tokens.dan)).fileCustomer.customer.filing.filedAt).toBe('2025-03-11T16:00:00.000Z');
  });

  it('opens a change report with the first change to a filed customer; later changes do not move its deadline', async () => {
    const id = await w.customer({ name: 'Changing Customer', ownerId: 'alice' });
    await w.ok(FILE, { id }, w.tokens.alice);
    w.clock.set('2025-03-04T02:00:00.000Z'); // Tuesday 10:00
    const first = await w.ok(UPDATE, { id, i: { address: 'New address 1' } }, w.tokens.alice);
    // Tuesday + 5 working days (Wednesday is a holiday): Wednesday the 12th.
    expect(first.updateCustomer.customer.filing).toMatchObject({ status: 'CHANGES_UNREPORTED', unreportedChangeSince: '2025-03-04T02:00:00.000Z', changeReportDueAt: '2025-03-12T15:59:59.999Z' });
    w.clock.set('2025-03-07T02:00:00.000Z');
    const second = await w.ok(UPDATE, { id, i: { address: 'New address 2' } }, w.tokens.alice);
    expect(second.updateCustomer.customer.filing.changeReportDueAt).toBe('2025-03-12T15:59:59.999Z');
    const filtered = await w.ok('query { customers(filter: {filingStatus: CHANGES_UNREPORTED}, first: 200) { edges { node { id } } } }', {}, w.tokens.gm);
    expect(filtered.customers.edges.map((e: any) => e.node.id)).toContain(id);
    const tooLong = await w.refused(REPORT, { id, note: 'x'.repeat(1001) }, w.tokens.eastManager);
    expect(tooLong).toMatchObject([{ code: 'BAD_USER_INPUT', field: ['input', 'note'] }]);
    const { reportCustomerChanges } = await w.ok(REPORT, { id }, w.tokens.eastManager);
    expect(reportCustomerChanges.customer.filing).toMatchObject({ status: 'FILED', unreportedChangeSince: null, changeReportDueAt: null, lastReportedAt: '2025-03-07T02:00:00.000Z', lastReportedBy: { id: 'mgr-east', kind: 'STAFF_MEMBER', staffMember: null }, nextDueAt: null });
  });

  it('raises an overdue change report as its own obligation, once', async () => {
    const id = await w.customer({ name: 'Unreported Change Co', ownerId: 'bob' });
    await w.ok(FILE, { id }, w.tokens.bob);
    await w.ok(UPDATE, { id, i: { industry: 'Retail' } }, w.tokens.bob);
    w.clock.set('2025-03-12T00:00:00.000Z');
    const overdue = await eventually(async () => {
      const found = await w.events(customerFilingOverdueV1, id);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(overdue[0].data).toMatchObject({ obligation: 'CHANGE_REPORT', dueAt: DUE_WITH_HOLIDAY });
    expect((await w.ok(READ, { id }, w.tokens.bob)).customer.filing).toMatchObject({ status: 'CHANGE_REPORT_OVERDUE', overdue: true });
    const history = await w.ok('query($id: ID!) { customer(id: $id) { changes(field: "filing") { edges { node { field actor { id kind staffMember { id } } } } } } }', { id }, w.tokens.bob);
    expect(history.customer.changes.edges.map((e: any) => e.node)).toEqual([
      { field: 'filing.overdue', actor: { id: 'system:accounts-filing', kind: 'SYSTEM', staffMember: null } },
      { field: 'filing.filedAt', actor: { id: 'bob', kind: 'STAFF_MEMBER', staffMember: { id: 'bob' } } },
    ]);
  });

  it('lets only the customer\'s editors file it and hides filing from partners', async () => {
    const id = await w.customer({ name: 'Partner Filing Co', ownerId: 'alice', partnerIds: ['P-1'] });
    expect(await w.refused(FILE, { id }, w.tokens.carol)).toEqual([{ code: 'NOT_FOUND', field: null, message: `Customer ${id} not found` }]);
    expect((await w.fails(FILE, { id }, w.tokens.agent)).extensions?.code).toBe('FORBIDDEN');
    expect((await w.ok(READ, { id }, w.tokens.alice)).customer.filing).toMatchObject({ status: 'UNFILED', filedBy: null });
    expect((await w.ok(READ, { id }, w.tokens.partner)).customer.filing).toBeNull();
  });
});
