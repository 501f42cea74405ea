import { startAccountsWorld, type AccountsWorld } from './accounts-fixture';

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

  it('finds one consultant with their department', async () => {
    const found = await w.ok('query($id: ID!) { consultant(id: $id) { id name department { id name } } }', { id: 'carol' }, w.tokens.alice);
    expect(found.consultant).toEqual({ id: 'carol', name: 'Carol Zhao', department: { id: 'D-WEST', name: 'West sales' } });
  });
});
