import mongoose from 'mongoose';
import { CUSTOMER, CUSTOMERS, DAY, ENTITIES, entities, eventually, startAccessWorld, type AccessWorld } from './access-fixture';

const READS = `query($f: PersonalDataReadFilter, $first: Int, $after: String) { personalDataReads(filter: $f, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id at readBy { id kind staffMember { id } } readerRoles customerId departmentId fields requestId grantId } } } }`;

type ReadEdge = { node: { customerId: string; departmentId: string; requestId: string } };

describe('accounts access: the personal-data audit log', () => {
  let world: AccessWorld;
  let alices: string[];
  let bobs: string;
  let carols: string;
  const reads = (token: string, f: Record<string, unknown> = {}, first = 200, after?: string) => world.ok(READS, { f, first, after }, token).then((d) => d.personalDataReads);
  const readsOf = (customerId: string, requestId?: string) =>
    world.service.connection
      .collection('personal_data_reads')
      .find({ customerId, ...(requestId ? { requestId } : {}) })
      .toArray();

  beforeAll(async () => {
    world = await startAccessWorld();
    alices = [];
    for (let i = 0; i < 12; i += 1) alices.push(await world.customer('alice'));
    bobs = await world.customer('bob', { partnerIds: ['P-1'] });
    carols = await world.customer('carol');
  });
  afterAll(() => world.service.stop());

  it('records who read which personal fields of which customer, when, and in which request', async () => {
    await world.ok(CUSTOMER, { id: alices[0] }, world.tokens.alice, { 'x-request-id': 'req-audit-1' });
    const [record] = await eventually(async () => {
      const found = await readsOf(alices[0], 'req-audit-1');
      return found.length > 0 && found;
    });
    expect(record).toMatchObject({ readerId: 'alice', readerRoles: ['consultant'], customerId: alices[0], departmentId: 'D-EAST', ownerId: 'alice', fields: ['contacts.phone', 'contacts.email'], requestId: 'req-audit-1', grantId: null });
    expect(record.at).toEqual(world.clock.now());
  });

  it('writes the reads of a whole list with one insert, one record per customer', async () => {
    const recorder = world.recordCommands();
    await world.ok(CUSTOMERS, {}, world.tokens.alice, { 'x-request-id': 'req-audit-list' });
    const written = await eventually(async () => {
      const found = await world.service.connection.collection('personal_data_reads').find({ requestId: 'req-audit-list' }).toArray();
      return found.length === alices.length && found;
    });
    recorder.stop();
    expect(new Set(written.map((r) => r.customerId))).toEqual(new Set(alices));
    const inserts = recorder.commands.filter((c) => c.commandName === 'insert' && (c.command as { insert?: string }).insert === 'personal_data_reads');
    expect(inserts).toHaveLength(1);
    expect((inserts[0].command as { documents: unknown[] }).documents).toHaveLength(alices.length);
  });

  it('records nothing when a partner reads masked data, on any path', async () => {
    await world.ok(CUSTOMER, { id: bobs }, world.tokens.partner, { 'x-request-id': 'req-partner-1' });
    await world.ok(CUSTOMERS, {}, world.tokens.partner, { 'x-request-id': 'req-partner-2' });
    await world.ok(ENTITIES, entities([bobs]), world.tokens.partner, { 'x-request-id': 'req-partner-3' });
    // An internal read afterwards is written in a later batch: once it is there, the partner's would be too.
    await world.ok(CUSTOMER, { id: bobs }, world.tokens.bob, { 'x-request-id': 'req-after-partner' });
    await eventually(async () => (await readsOf(bobs, 'req-after-partner')).length > 0);
    const all = await readsOf(bobs);
    expect(all.filter((r) => String(r.requestId).startsWith('req-partner'))).toEqual([]);
  });

  it('records nothing when no personal field is selected or present', async () => {
    const bare = await world.customer('alice', { contacts: [{ name: 'Front desk' }] });
    await world.ok(CUSTOMER, { id: bare }, world.tokens.alice, { 'x-request-id': 'req-bare' });
    await world.ok('query($id: ID!) { customer(id: $id) { id name } }', { id: alices[1] }, world.tokens.alice, { 'x-request-id': 'req-no-contacts' });
    await world.ok(CUSTOMER, { id: alices[2] }, world.tokens.alice, { 'x-request-id': 'req-marker' });
    await eventually(async () => (await readsOf(alices[2], 'req-marker')).length > 0);
    expect(await readsOf(bare)).toEqual([]);
    expect(await readsOf(alices[1], 'req-no-contacts')).toEqual([]);
  });

  it('audits an individual\'s gender, birthday and age for internal readers; partners get null and leave no record', async () => {
    const person = await world.customer('bob', { kind: 'INDIVIDUAL', listType: 'INDIVIDUAL', partnerIds: ['P-1'], contacts: [], individual: { gender: 'FEMALE', birthday: '1985-06-01', occupation: 'Engineer' } });
    const PERSON = 'query($id: ID!) { customer(id: $id) { individual { gender birthday age occupation } } }';
    const portal = await world.ok(PERSON, { id: person }, world.tokens.partner, { 'x-request-id': 'req-person-partner' });
    expect(portal.customer.individual).toEqual({ gender: null, birthday: null, age: null, occupation: 'Engineer' });
    const internal = await world.ok(PERSON, { id: person }, world.tokens.bob, { 'x-request-id': 'req-person-owner' });
    expect(internal.customer.individual).toMatchObject({ gender: 'FEMALE', birthday: '1985-06-01', age: expect.any(Number) });
    const [record] = await eventually(async () => {
      const found = await readsOf(person, 'req-person-owner');
      return found.length > 0 && found;
    });
    expect([...record.fields].sort()).toEqual(['individual.age', 'individual.birthday', 'individual.gender']);
    expect(await readsOf(person, 'req-person-partner')).toEqual([]);
  });

  it('names the grant that let a reader see another consultant\'s customer', async () => {
    const grantId = await world.grant(world.tokens.carol, { kind: 'CUSTOMER', customerId: bobs }, world.tokens.gm, DAY);
    await world.ok(ENTITIES, entities([bobs]), world.tokens.carol, { 'x-request-id': 'req-granted' });
    const [record] = await eventually(async () => {
      const found = await readsOf(bobs, 'req-granted');
      return found.length > 0 && found;
    });
    expect(record).toMatchObject({ readerId: 'carol', grantId, departmentId: 'D-EAST' });
  });

  it('shows a department manager their department\'s reads, the general manager all, and nobody else any', async () => {
    await world.ok(CUSTOMER, { id: carols }, world.tokens.carol, { 'x-request-id': 'req-west' });
    await eventually(async () => (await readsOf(carols, 'req-west')).length > 0);
    const east = await reads(world.tokens.eastManager);
    expect(east.edges.every((e: ReadEdge) => e.node.departmentId === 'D-EAST')).toBe(true);
    expect(east.edges.map((e: ReadEdge) => e.node.customerId)).not.toContain(carols);
    const west = await reads(world.tokens.westManager);
    expect(west.edges.map((e: ReadEdge) => e.node.customerId)).toContain(carols);
    expect(west.edges.every((e: ReadEdge) => e.node.departmentId === 'D-WEST')).toBe(true);
    const everything = await reads(world.tokens.gm);
    expect(everything.totalCount).toBe(east.totalCount + west.totalCount);
    for (const token of [world.tokens.alice, world.tokens.agent, world.tokens.partner]) {
      expect((await world.call(READS, {}, token)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
  });

  it('filters by customer, reader and period, newest first, with cursor pagination', async () => {
    const from = new Date(world.clock.now().getTime() + DAY);
    world.clock.set(from);
    await world.ok(CUSTOMER, { id: alices[3] }, world.tokens.alice, { 'x-request-id': 'req-period-1' });
    world.clock.advance(DAY);
    await world.ok(CUSTOMER, { id: alices[3] }, world.tokens.eastManager, { 'x-request-id': 'req-period-2' });
    world.clock.advance(DAY);
    await world.ok(CUSTOMER, { id: alices[3] }, world.tokens.alice, { 'x-request-id': 'req-period-3' });
    await eventually(async () => (await readsOf(alices[3])).filter((r) => String(r.requestId).startsWith('req-period')).length === 3);

    const byCustomer = await reads(world.tokens.eastManager, { customerId: alices[3], from: from.toISOString() });
    expect(byCustomer.edges.map((e: ReadEdge) => e.node.requestId)).toEqual(['req-period-3', 'req-period-2', 'req-period-1']);
    const byReader = await reads(world.tokens.eastManager, { customerId: alices[3], readerId: 'mgr-east' });
    expect(byReader.edges.map((e: ReadEdge) => e.node.requestId)).toEqual(['req-period-2']);
    // The reader as an actor: a manager is staff the directory does not list; a consultant is its own record.
    expect(byReader.edges.map((e: { node: { readBy: unknown } }) => e.node.readBy)).toEqual([{ id: 'mgr-east', kind: 'STAFF_MEMBER', staffMember: null }]);
    expect(byCustomer.edges.map((e: { node: { readBy: { staffMember: unknown } } }) => e.node.readBy.staffMember)).toEqual([{ id: 'alice' }, null, { id: 'alice' }]);
    const window = await reads(world.tokens.gm, { customerId: alices[3], from: new Date(from.getTime() + DAY).toISOString(), to: new Date(from.getTime() + 2 * DAY).toISOString() });
    expect(window.edges.map((e: ReadEdge) => e.node.requestId)).toEqual(['req-period-2']);

    const page1 = await reads(world.tokens.gm, { customerId: alices[3], from: from.toISOString() }, 2);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = await reads(world.tokens.gm, { customerId: alices[3], from: from.toISOString() }, 2, page1.pageInfo.endCursor);
    expect([...page1.edges, ...page2.edges].map((e: ReadEdge) => e.node.requestId)).toEqual(['req-period-3', 'req-period-2', 'req-period-1']);
    expect(page2.pageInfo.hasNextPage).toBe(false);

    const bad = await world.call(READS, { f: { from: 'yesterday' } }, world.tokens.gm);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.from' });
  });

  it('writes what is still buffered when the service stops', async () => {
    // A flush interval far beyond the test: only the shutdown can have written the read.
    const other = await startAccessWorld({ PERSONAL_DATA_AUDIT_FLUSH_MS: '60000' });
    const id = await other.customer('alice');
    const database = other.service.connection.db!.databaseName;
    await other.ok(CUSTOMER, { id }, other.tokens.alice, { 'x-request-id': 'req-at-stop' });
    expect(await other.service.connection.collection('personal_data_reads').countDocuments({ requestId: 'req-at-stop' })).toBe(0);
    await other.service.stop();
    const reader = await mongoose.createConnection(process.env.MONGO_URL!, { dbName: database }).asPromise();
    try {
      expect(await reader.collection('personal_data_reads').countDocuments({ requestId: 'req-at-stop' })).toBe(1);
    } finally {
      await reader.close();
    }
  });
});
