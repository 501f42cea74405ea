// The partner slice of accounts (docs/adr/0015-partner-slice.md) against a running accounts subgraph: what a
// partner lists and reads, what it may not filter or sort on, and the staff-only queries it is refused.
import { tokenFor } from '@crm/testing';
import { partnerWithheldCustomerFields } from '../src/access/partner-slice';
import { startAccessWorld, type AccessWorld } from './access-fixture';

jest.setTimeout(60_000);

const LIST = 'query($f: CustomerFilter, $s: CustomerSort) { customers(filter: $f, sort: $s, first: 50) { totalCount edges { node { id } } } }';

/** A value of each withheld filter member, of its GraphQL type. */
const sampleValues: Record<string, unknown> = {
  salesTier: 'A',
  creditGrade: 'AAA',
  filingStatus: 'UNFILED',
  filingOverdue: true,
  reviewOverdue: false,
  reviewDueBefore: '2030-01-01T00:00:00.000Z',
  qualificationStage: 'GENERAL_SURVEY',
  qualificationStatus: 'IN_PROGRESS',
  possibleDuplicate: true,
  assignedStaffId: 'alice',
  loyalty: 'LOYAL',
};
const withheldFilters = partnerWithheldCustomerFields.flatMap((w) => w.filters.map((member) => [member, w.field] as const));
const withheldSorts = partnerWithheldCustomerFields.flatMap((w) => w.sorts.map((sort) => [sort, w.field] as const));

/** Each withheld field selected on a customer, and what a partner must read there. */
const withheldSelections: Record<string, [selection: string, forPartner: unknown]> = {
  salesTier: ['salesTier { tier }', null],
  creditGrade: ['creditGrade', null],
  filing: ['filing { status }', null],
  listReview: ['listReview { dueAt }', null],
  qualification: ['qualification { status }', null],
  possibleDuplicates: ['possibleDuplicates { matchedOn }', []],
  assignedStaff: ['assignedStaff { id }', []],
  loyalty: ['loyalty', null],
  lastVerifiedBy: ['lastVerifiedBy { kind }', null],
  needs: ['needs { focusPoints }', null],
  characteristics: ['characteristics { culture }', null],
  managementStatus: ['managementStatus { staffQualifications }', null],
  tradingStatus: ['tradingStatus { reputation }', null],
  competitorNotes: ['competitorNotes', null],
  industryNotes: ['industryNotes', null],
  history: ['history { field }', []],
  changes: ['changes { totalCount }', { totalCount: 0 }],
};

describe('accounts: the partner slice', () => {
  let world: AccessWorld;
  let linked: string;
  let unlinked: string;
  let partnerAsManager: string;

  beforeAll(async () => {
    world = await startAccessWorld();
    linked = await world.customer('carol', {
      partnerIds: ['P-1'],
      competitorNotes: 'Talks to Lotus',
      organisation: { enterpriseNature: 'PRIVATE', legalRepresentative: 'Zhang Wei', manager: 'Li Na', registrationNumber: '91310000MA1XYZ', companySize: 'MEDIUM', employeeCount: 120 },
    });
    unlinked = await world.customer('alice', { partnerIds: ['P-2'] });
    await world.ok('mutation($i: ClassifyCustomerInput!) { classifyCustomer(input: $i) { customer { id } userErrors { field code message } } }', { i: { id: linked, loyalty: 'LOYAL', assignedStaffIds: ['bob'] } }, world.tokens.gm);
    partnerAsManager = await tokenFor({ sub: 'portal-gm', roles: ['partner', 'general_manager', 'department_manager'], partner_id: 'P-1', department_id: 'D-WEST' });
  });
  afterAll(() => world?.service.stop());

  /** The reads of the customers collection in the partner's scope (the service's own jobs read and write meanwhile). */
  const customerReads = async (run: () => Promise<unknown>) => {
    const recorder = world.recordCommands();
    try {
      await run();
    } finally {
      recorder.stop();
    }
    return recorder.commands.filter((c) => (c.command as Record<string, unknown>)[c.commandName] === 'customers' && JSON.stringify(c.command).includes('"P-1"'));
  };

  it.each(withheldFilters)('refuses a partner filtering on %s (%s is withheld) with FORBIDDEN naming the argument, reading nothing', async (member) => {
    let answer: Awaited<ReturnType<AccessWorld['call']>> | undefined;
    const reads = await customerReads(async () => (answer = await world.call(LIST, { f: { [member]: sampleValues[member] } }, world.tokens.partner)));
    expect(answer!.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([['FORBIDDEN', `filter.${member}`]]);
    expect(answer!.data?.customers ?? null).toBeNull();
    expect(reads).toEqual([]);
    // Whatever staff roles the partner token also claims.
    expect((await world.call(LIST, { f: { [member]: sampleValues[member] } }, partnerAsManager)).errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: `filter.${member}` });
    // Staff filter on it as before.
    expect((await world.call(LIST, { f: { [member]: sampleValues[member] } }, world.tokens.gm)).errors).toBeUndefined();
  });

  it.each(withheldSorts)('refuses a partner sorting by %s (%s is withheld) with FORBIDDEN on sort.field, reading nothing', async (field) => {
    let answer: Awaited<ReturnType<AccessWorld['call']>> | undefined;
    const reads = await customerReads(async () => (answer = await world.call(LIST, { s: { field } }, world.tokens.partner)));
    expect(answer!.errors?.map((e) => [e.extensions?.code, e.extensions?.field])).toEqual([['FORBIDDEN', 'sort.field']]);
    expect(reads).toEqual([]);
    expect((await world.call(LIST, { s: { field } }, world.tokens.gm)).errors).toBeUndefined();
  });

  it('lists only the linked customers on the filters and sort orders a partner may use', async () => {
    let listed: Record<string, any> = {};
    // (The control of the "reading nothing" checks above: a list the partner may make is read in its scope.)
    const reads = await customerReads(async () => (listed = await world.ok(LIST, { f: { kind: 'ORGANISATION', nameContains: 'customer' }, s: { field: 'NAME', direction: 'DESC' } }, world.tokens.partner)));
    expect(reads.length).toBeGreaterThan(0);
    expect(listed.customers.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([linked]);
    expect((await world.ok(LIST, {}, partnerAsManager)).customers.totalCount).toBe(1);
  });

  it.each(Object.keys(withheldSelections))('withholds Customer.%s from a partner (staff read it)', async (field) => {
    const [selection, forPartner] = withheldSelections[field];
    const query = `query($id: ID!) { customer(id: $id) { ${selection} } }`;
    expect((await world.ok(query, { id: linked }, world.tokens.partner)).customer[field]).toEqual(forPartner);
    expect((await world.ok(query, { id: linked }, partnerAsManager)).customer[field]).toEqual(forPartner);
    expect((await world.ok(query, { id: linked }, world.tokens.gm)).customer).toHaveProperty(field);
  });

  it('covers every withheld field of the list in the selections above', () => {
    expect(Object.keys(withheldSelections).sort()).toEqual(partnerWithheldCustomerFields.map((w) => w.field).sort());
  });

  it('shows a partner of the organisation profile only who the company is', async () => {
    const query = 'query($id: ID!) { customer(id: $id) { organisation { enterpriseNature legalRepresentative manager registrationNumber companySize employeeCount supervisingUnit } } }';
    expect((await world.ok(query, { id: linked }, world.tokens.partner)).customer.organisation).toEqual({
      enterpriseNature: 'PRIVATE',
      legalRepresentative: null,
      manager: null,
      registrationNumber: '91310000MA1XYZ',
      companySize: 'MEDIUM',
      employeeCount: null,
      supervisingUnit: null,
    });
    expect((await world.ok(query, { id: linked }, world.tokens.gm)).customer.organisation).toMatchObject({ legalRepresentative: 'Zhang Wei', manager: 'Li Na', employeeCount: 120 });
  });

  const staffOnly: [string, string, Record<string, unknown>][] = [
    ['overdueFilings', 'query { overdueFilings { totalCount } }', {}],
    ['expenseAllowed', 'query($c: ID!) { expenseAllowed(customerId: $c, kind: GIFT) { allowed } }', {}],
    ['accessRequest', 'query { accessRequest(id: "0123456789abcdef01234567") { id } }', {}],
    ['myAccessRequests', 'query { myAccessRequests { totalCount } }', {}],
    ['accessRequestsAwaitingMyApproval', 'query { accessRequestsAwaitingMyApproval { totalCount } }', {}],
    ['accessGrantsInForce', 'query { accessGrantsInForce { totalCount } }', {}],
    ['personalDataReads', 'query { personalDataReads { totalCount } }', {}],
    ['departments', 'query { departments { id } }', {}],
    ['possibleDuplicates', 'query { possibleDuplicates(input: { name: "carol customer 1" }) { matchedOn } }', {}],
  ];

  it.each(staffOnly)('refuses a partner %s with FORBIDDEN, whatever roles it claims', async (name, query) => {
    for (const token of [world.tokens.partner, partnerAsManager]) {
      const res = await world.call(query, { c: linked }, token);
      expect(res.errors?.map((e) => [e.extensions?.code, e.path?.[0]])).toEqual([['FORBIDDEN', name]]);
    }
    expect((await world.call(query, { c: linked }, world.tokens.gm)).errors).toBeUndefined();
  });

  it('lets a partner read the consultant who owns a linked customer, and no one else of the directory', async () => {
    const CONSULTANT = 'query($id: ID!) { consultant(id: $id) { id name department { id name consultants { id } } } }';
    expect((await world.ok(CONSULTANT, { id: 'carol' }, world.tokens.partner)).consultant).toEqual({ id: 'carol', name: 'Carol Zhao', department: { id: 'D-WEST', name: 'West sales', consultants: [{ id: 'carol' }] } });
    for (const id of ['alice', 'bob', 'nobody']) {
      const res = await world.call(CONSULTANT, { id }, world.tokens.partner);
      expect([res.data?.consultant ?? null, res.errors?.map((e) => e.extensions?.code)]).toEqual([null, ['FORBIDDEN']]);
    }
    // References from other subgraphs (a ticket's first responder, an order's consultant): null beyond the reach.
    const ENTITIES = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Consultant { id name } } }';
    const refs = await world.ok(ENTITIES, { r: [{ __typename: 'Consultant', id: 'carol' }, { __typename: 'Consultant', id: 'alice' }] }, world.tokens.partner);
    expect(refs._entities).toEqual([{ id: 'carol', name: 'Carol Zhao' }, null]);
    // The owner on the linked customer is readable; staff read the whole directory as before.
    expect((await world.ok('query($id: ID!) { customer(id: $id) { owner { id } department { consultants { id } } } }', { id: linked }, world.tokens.partner)).customer).toEqual({
      owner: { id: 'carol' },
      department: { consultants: [{ id: 'carol' }] },
    });
    expect((await world.ok(CONSULTANT, { id: 'alice' }, world.tokens.bob)).consultant.id).toBe('alice');
  });

  it('answers a partner an unlinked customer as NOT_FOUND, like an unknown one', async () => {
    const res = await world.call('query($id: ID!) { customer(id: $id) { id } }', { id: unlinked }, world.tokens.partner);
    expect([res.data?.customer ?? null, res.errors?.map((e) => e.extensions?.code)]).toEqual([null, ['NOT_FOUND']]);
  });
});
