import { startAccountsWorld, USER_ERRORS, type AccountsWorld } from './accounts-fixture';

const UPSERT_DEPARTMENT = `mutation($i: UpsertDepartmentInput!) { upsertDepartment(input: $i) { department { id name } ${USER_ERRORS} } }`;
const UPSERT_CONSULTANT = `mutation($i: UpsertConsultantInput!) { upsertConsultant(input: $i) { consultant { id name active department { id } } ${USER_ERRORS} } }`;

const DEPARTMENTS = '{ departments { id name consultants { id name active department { id } } } }';

describe('accounts: departments and consultants', () => {
  let w: AccountsWorld;
  beforeAll(async () => {
    w = await startAccountsWorld();
  });
  afterAll(() => w.service.stop());

  // A resolver that hands back a mongoose Query (a thenable) has it run twice by Apollo: "Query was already executed".
  it.each(['gm', 'alice', 'westManager'] as const)('lists the departments with their consultants, ordered by name, to %s', async (caller) => {
    const { departments } = await w.ok(DEPARTMENTS, {}, w.tokens[caller]);
    expect(departments).toEqual([
      {
        id: 'D-EAST',
        name: 'East sales',
        consultants: [
          { id: 'alice', name: 'Alice Wang', active: true, department: { id: 'D-EAST' } },
          { id: 'bob', name: 'Bob Li', active: true, department: { id: 'D-EAST' } },
        ],
      },
      {
        id: 'D-WEST',
        name: 'West sales',
        consultants: [
          { id: 'carol', name: 'Carol Zhao', active: true, department: { id: 'D-WEST' } },
          { id: 'dan', name: 'Dan Sun', active: true, department: { id: 'D-WEST' } },
        ],
      },
    ]);
  });

  it('creates and renames departments and consultants for the general manager only, naming what the caller can fix', async () => {
    const created = await w.ok(UPSERT_CONSULTANT, { i: { id: 'erin', name: 'Erin Wu', departmentId: 'D-WEST' } }, w.tokens.gm);
    expect(created.upsertConsultant).toEqual({ consultant: { id: 'erin', name: 'Erin Wu', active: true, department: { id: 'D-WEST' } }, userErrors: [] });
    const renamed = await w.ok(UPSERT_DEPARTMENT, { i: { id: 'D-WEST', name: 'West region sales' } }, w.tokens.gm);
    expect(renamed.upsertDepartment).toEqual({ department: { id: 'D-WEST', name: 'West region sales' }, userErrors: [] });
    await w.ok(UPSERT_DEPARTMENT, { i: { id: 'D-WEST', name: 'West sales' } }, w.tokens.gm);

    expect(await w.refused(UPSERT_CONSULTANT, { i: { id: 'frank', name: 'Frank', departmentId: 'D-NOWHERE' } }, w.tokens.gm)).toEqual([{ code: 'NOT_FOUND', field: null, message: 'Department D-NOWHERE not found' }]);
    expect((await w.refused(UPSERT_CONSULTANT, { i: { id: ' ', name: '', departmentId: 'D-WEST' } }, w.tokens.gm)).map((p) => [p.code, p.field])).toEqual([
      ['BAD_USER_INPUT', ['input', 'id']],
      ['BAD_USER_INPUT', ['input', 'name']],
    ]);
    expect(await w.refused(UPSERT_DEPARTMENT, { i: { id: 'D-NEW', name: ' ' } }, w.tokens.gm)).toMatchObject([{ code: 'BAD_USER_INPUT', field: ['input', 'name'] }]);
    // Permission is not the caller's to fix: a top-level FORBIDDEN and no payload.
    for (const [query, i] of [
      [UPSERT_DEPARTMENT, { id: 'D-EAST', name: 'Mine now' }],
      [UPSERT_CONSULTANT, { id: 'alice', name: 'Mine now', departmentId: 'D-EAST' }],
    ] as const) {
      const res = await w.call(query, { i }, w.tokens.eastManager);
      expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      expect(Object.values(res.data ?? {})).toEqual([null]);
    }
    expect((await w.ok('query($id: ID!) { consultant(id: $id) { id } }', { id: 'frank' }, w.tokens.gm)).consultant).toBeNull();
  });

  it('declares the records a root field reads by id as Node (customer, accessRequest, consultant), so the gateway gives them global ids', async () => {
    const { __type } = await w.ok('{ __type(name: "Node") { kind possibleTypes { name } } }', {}, w.tokens.gm);
    expect(__type.kind).toBe('INTERFACE');
    expect(__type.possibleTypes.map((t: { name: string }) => t.name).sort()).toEqual(['AccessRequest', 'Consultant', 'Customer']);
  });

  it('finds one consultant with their department', async () => {
    const found = await w.ok('query($id: ID!) { consultant(id: $id) { id name department { id name } } }', { id: 'carol' }, w.tokens.alice);
    expect(found.consultant).toEqual({ id: 'carol', name: 'Carol Zhao', department: { id: 'D-WEST', name: 'West sales' } });
  });
});
