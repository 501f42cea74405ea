import { customerHandedOverV1, customerUpdatedV1 } from '@crm/contracts';
import { Types } from 'mongoose';
import { startAccountsWorld, USER_ERRORS, type AccountsWorld } from './accounts-fixture';

const HANDOVER = `mutation($from: ID!, $to: ID!, $reason: String!) { handOverCustomers(input: { fromConsultantId: $from, toConsultantId: $to, reason: $reason }) {
  handover { fromConsultant { id } toConsultant { id } reason movedCustomerIds reassignedCustomerIds remaining } ${USER_ERRORS} } }`;
const DEACTIVATE = `mutation($id: ID!) { deactivateConsultant(input: { id: $id }) { consultant { id active } ${USER_ERRORS} } }`;
const READ = `query($id: ID!) { customer(id: $id) { owner { id } department { id } assignedStaff { id } changes(first: 10) { edges { node { field before after actor { id } } } } } }`;

describe('accounts: ownership and handover', () => {
  let w: AccountsWorld;
  beforeAll(async () => {
    w = await startAccountsWorld();
    for (const [id, name, departmentId] of [['leaver', 'Leaving Consultant', 'D-EAST'], ['heir', 'Replacement', 'D-EAST'], ['mover', 'Moved Consultant', 'D-EAST']]) {
      await w.ok(`mutation($i: UpsertConsultantInput!) { upsertConsultant(input: $i) { consultant { id } ${USER_ERRORS} } }`, { i: { id, name, departmentId } }, w.tokens.gm);
    }
  });
  afterAll(() => w.service.stop());

  it('refuses to deactivate a consultant who still owns customers', async () => {
    await w.customer({ name: 'Owned By Leaver 0', ownerId: 'leaver' });
    const refused = await w.refused(DEACTIVATE, { id: 'leaver' }, w.tokens.gm);
    expect(refused).toEqual([{ code: 'CONFLICT', field: null, message: 'leaver still owns 1 and serves 0 more customer(s); hand them over first (handOverCustomers)' }]);
    expect(await w.refused(DEACTIVATE, { id: 'nobody' }, w.tokens.gm)).toEqual([{ code: 'NOT_FOUND', field: null, message: 'Consultant nobody not found' }]);
    expect((await w.ok('{ consultant(id: "leaver") { active } }', {}, w.tokens.gm)).consultant.active).toBe(true);
  });

  it('hands every customer to the replacement in one call, with history and one handed-over event each, then allows deactivation', async () => {
    const owned = [await w.customer({ name: 'Owned By Leaver 1', ownerId: 'leaver' }), await w.customer({ name: 'Owned By Leaver 2', ownerId: 'leaver' })];
    const served = await w.customer({ name: 'Served By Leaver', ownerId: 'alice', assignedStaffIds: ['leaver'] });
    const all = (await w.ok('query { customers(filter: {ownerId: "leaver"}, first: 100) { edges { node { id } } } }', {}, w.tokens.gm)).customers.edges.map((e: any) => e.node.id);
    expect(all).toEqual(expect.arrayContaining(owned));

    const handOverCustomers = (await w.ok(HANDOVER, { from: 'leaver', to: 'heir', reason: 'Leaves the company' }, w.tokens.eastManager)).handOverCustomers.handover;
    expect(handOverCustomers).toMatchObject({ fromConsultant: { id: 'leaver' }, toConsultant: { id: 'heir' }, reason: 'Leaves the company', reassignedCustomerIds: [served], remaining: 0 });
    expect(handOverCustomers.movedCustomerIds.sort()).toEqual([...all].sort());

    const { customer } = await w.ok(READ, { id: owned[0] }, w.tokens.gm);
    expect(customer).toMatchObject({ owner: { id: 'heir' }, department: { id: 'D-EAST' }, assignedStaff: [{ id: 'heir' }] });
    expect(customer.changes.edges.map((e: any) => [e.node.field, e.node.actor.id])).toEqual([
      ['handover', 'mgr-east'],
      ['assignedStaffIds', 'mgr-east'],
      ['ownerId', 'mgr-east'],
      ['created', 'gm-1'],
    ]);
    expect((await w.ok(READ, { id: served }, w.tokens.gm)).customer.assignedStaff).toEqual([{ id: 'alice' }, { id: 'heir' }]);

    for (const id of all) {
      const handed = await w.events(customerHandedOverV1, id);
      expect(handed).toHaveLength(1);
      expect(handed[0].data).toMatchObject({ customerId: id, fromConsultantId: 'leaver', toConsultantId: 'heir', fromDepartmentId: 'D-EAST', toDepartmentId: 'D-EAST', reason: 'Leaves the company' });
      // service-desk's copy of the owner follows through customer.updated.
      const [updated] = await w.events(customerUpdatedV1, id);
      expect(updated.data.customer.ownerConsultantId).toBe('heir');
    }

    const again = await w.ok(HANDOVER, { from: 'leaver', to: 'heir', reason: 'Leaves the company' }, w.tokens.eastManager);
    expect(again.handOverCustomers.handover).toMatchObject({ movedCustomerIds: [], reassignedCustomerIds: [], remaining: 0 });
    expect(await w.events(customerHandedOverV1, owned[0])).toHaveLength(1);

    expect((await w.ok(DEACTIVATE, { id: 'leaver' }, w.tokens.gm)).deactivateConsultant).toEqual({ consultant: { id: 'leaver', active: false }, userErrors: [] });
    const assignToLeaver = await w.refused(`mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } ${USER_ERRORS} } }`, { i: { name: 'Too Late', kind: 'ORGANISATION', listType: 'ENTERPRISE', ownerId: 'leaver' } }, w.tokens.gm);
    expect(assignToLeaver).toEqual([{ code: 'BAD_USER_INPUT', field: ['input', 'ownerId'], message: 'no active consultant leaver' }]);
  });

  it('finishes a handover that failed part-way when it is called again, without notifying anyone twice', async () => {
    const ids = [await w.customer({ name: 'Mover A', ownerId: 'mover' }), await w.customer({ name: 'Mover B', ownerId: 'mover' }), await w.customer({ name: 'Mover C', ownerId: 'mover' })];
    // A first run that moved only A before it died: A is with Carol (West) already, B and C are not.
    const first = await w.ok(HANDOVER, { from: 'mover', to: 'carol', reason: 'Moved to West' }, w.tokens.gm);
    expect(first.handOverCustomers.handover.remaining).toBe(0);
    const customers = w.service.connection.collection('customers');
    await customers.updateMany({ _id: { $in: ids.slice(1).map((id) => new Types.ObjectId(id)) } }, { $set: { ownerId: 'mover', departmentId: 'D-EAST', assignedStaffIds: ['mover'] } });

    const retry = await w.ok(HANDOVER, { from: 'mover', to: 'carol', reason: 'Moved to West' }, w.tokens.gm);
    expect(retry.handOverCustomers.handover.movedCustomerIds.sort()).toEqual(ids.slice(1).sort());
    expect(retry.handOverCustomers.handover.remaining).toBe(0);
    expect(await w.events(customerHandedOverV1, ids[0])).toHaveLength(1);
    const moved = await w.ok(READ, { id: ids[1] }, w.tokens.westManager);
    expect(moved.customer).toMatchObject({ owner: { id: 'carol' }, department: { id: 'D-WEST' } });
    // The East manager no longer sees it: it belongs to West now.
    expect((await w.read(READ, { id: ids[1] }, w.tokens.eastManager)).customer).toBeNull();
  });

  it('refuses a handover that would leave a KEY customer with fewer than two staff, moving nothing', async () => {
    const key = await w.customer({ name: 'Key Pair', ownerId: 'bob', importance: 'KEY', assignedStaffIds: ['alice'] });
    const other = await w.customer({ name: 'Bob Plain', ownerId: 'bob' });
    const [refused, ...more] = await w.refused(HANDOVER, { from: 'bob', to: 'alice', reason: 'Leaves' }, w.tokens.gm);
    expect(more).toEqual([]);
    expect(refused).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'toConsultantId'] });
    expect(refused.message).toContain(key);
    expect(await w.events(customerHandedOverV1, other)).toEqual([]);
    expect((await w.ok(READ, { id: other }, w.tokens.gm)).customer.owner.id).toBe('bob');
  });

  it('checks who may hand over and to whom', async () => {
    expect((await w.fails(HANDOVER, { from: 'alice', to: 'carol', reason: 'x' }, w.tokens.eastManager)).extensions?.code).toBe('FORBIDDEN');
    expect((await w.fails(HANDOVER, { from: 'alice', to: 'bob', reason: 'x' }, w.tokens.alice)).extensions?.code).toBe('FORBIDDEN');
    expect(await w.refused(HANDOVER, { from: 'alice', to: 'alice', reason: 'x' }, w.tokens.gm)).toMatchObject([{ code: 'BAD_USER_INPUT', field: ['input', 'toConsultantId'] }]);
    expect(await w.refused(HANDOVER, { from: 'alice', to: 'leaver', reason: 'x' }, w.tokens.gm)).toMatchObject([{ code: 'BAD_USER_INPUT', field: ['input', 'toConsultantId'], message: 'no active consultant leaver' }]);
    expect(await w.refused(HANDOVER, { from: 'alice', to: 'bob', reason: ' ' }, w.tokens.gm)).toMatchObject([{ code: 'BAD_USER_INPUT', field: ['input', 'reason'] }]);
    // Every problem at once: the shape, then both consultants looked up together.
    expect((await w.refused(HANDOVER, { from: ' ', to: '', reason: '' }, w.tokens.gm)).map((p) => p.field)).toEqual([
      ['input', 'fromConsultantId'],
      ['input', 'toConsultantId'],
      ['input', 'reason'],
    ]);
    expect((await w.refused(HANDOVER, { from: 'ghost', to: 'leaver', reason: 'x' }, w.tokens.gm)).map((p) => [p.field, p.message])).toEqual([
      [['input', 'fromConsultantId'], 'no consultant ghost'],
      [['input', 'toConsultantId'], 'no active consultant leaver'],
    ]);
    expect((await w.fails(DEACTIVATE, { id: 'carol' }, w.tokens.eastManager)).extensions?.code).toBe('FORBIDDEN');
  });
});
