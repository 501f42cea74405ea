import { refusalsAt, refusalsOf } from '@crm/testing';
import { CUSTOMER, CUSTOMERS, DAY, ENTITIES, entities, HOUR, nodeIds, REQUEST_ACCESS, REVOKE, startAccessWorld, type AccessWorld } from './access-fixture';

type Entity = { id: string; history: unknown[] } | null;

/** What `token` can reach of `ids` on every read path: customer(id), customers, _entities and history. */
async function reach(world: AccessWorld, token: string, ids: string[]) {
  const answers = await Promise.all(ids.map((id) => world.call(CUSTOMER, { id }, token)));
  const single = answers.map((res) => res.data!);
  const list = await world.ok(CUSTOMERS, {}, token);
  const references = await world.call(ENTITIES, entities(ids), token);
  // A reference from another subgraph is refused as customer(id) is (same code and approval), at its own path.
  expect(refusalsOf(references)).toEqual(answers.flatMap((res, i) => refusalsAt(res, ['_entities', i])));
  const resolved = references.data!;
  const listed = new Set(nodeIds(list.customers));
  return {
    customer: single.map((d) => d.customer !== null),
    customers: ids.map((id) => listed.has(id)),
    entities: resolved._entities.map((e: Entity) => e !== null),
    // History is read as the full list, as the paged `changes`, and through entity resolution.
    history: single.map((d, i) => Boolean(d.customer && d.customer.history.length > 0 && d.customer.changes.totalCount > 0 && resolved._entities[i]?.history.length > 0)),
  };
}

const all = (n: number, value: boolean) => ({ customer: Array(n).fill(value), customers: Array(n).fill(value), entities: Array(n).fill(value), history: Array(n).fill(value) });

describe('accounts access: the same rules on every read path', () => {
  let world: AccessWorld;
  let bobs: string[];
  let alices: string;
  let carols: string;
  let t0: number;

  beforeAll(async () => {
    world = await startAccessWorld();
    bobs = [await world.customer('bob'), await world.customer('bob')];
    alices = await world.customer('alice');
    carols = await world.customer('carol', { partnerIds: ['P-1'] });
  });
  afterAll(() => world.service.stop());
  // Time only moves forward: every test starts a month after the last, when earlier grants have long expired.
  beforeEach(() => {
    world.clock.advance(30 * DAY);
    t0 = world.clock.now().getTime();
  });

  it('keeps another consultant\'s customers out of reach on every path without a grant', async () => {
    expect(await reach(world, world.tokens.alice, bobs)).toEqual(all(2, false));
    expect(await reach(world, world.tokens.alice, [alices])).toEqual(all(1, true));
  });

  it('opens every path with a consultant grant and closes every path the instant it expires', async () => {
    const id = await world.grant(world.tokens.alice, { kind: 'CONSULTANT', consultantId: 'bob' }, world.tokens.eastManager, 2 * DAY);
    expect(await reach(world, world.tokens.alice, bobs)).toEqual(all(2, true));

    world.clock.set(new Date(t0 + 2 * DAY - 1));
    expect(await reach(world, world.tokens.alice, bobs)).toEqual(all(2, true));

    world.clock.set(new Date(t0 + 2 * DAY));
    expect(await reach(world, world.tokens.alice, bobs)).toEqual(all(2, false));
    const mine = await world.ok('{ myAccessRequests { edges { node { id status } } } }', {}, world.tokens.alice);
    expect(mine.myAccessRequests.edges.find((e: { node: { id: string } }) => e.node.id === id).node.status).toBe('EXPIRED');
  });

  it('opens one customer with a customer grant, and no other customer of the same consultant', async () => {
    await world.grant(world.tokens.alice, { kind: 'CUSTOMER', customerId: bobs[0] }, world.tokens.eastManager, 6 * HOUR);
    expect(await reach(world, world.tokens.alice, bobs)).toEqual({ customer: [true, false], customers: [true, false], entities: [true, false], history: [true, false] });
    world.clock.advance(6 * HOUR);
    expect(await reach(world, world.tokens.alice, bobs)).toEqual(all(2, false));
  });

  it('opens another department with a general-manager-approved department grant, on every path, until it expires', async () => {
    expect(await reach(world, world.tokens.alice, [carols])).toEqual(all(1, false));
    await world.grant(world.tokens.alice, { kind: 'DEPARTMENT', departmentId: 'D-WEST' }, world.tokens.gm, DAY);
    expect(await reach(world, world.tokens.alice, [carols])).toEqual(all(1, true));
    world.clock.advance(DAY);
    expect(await reach(world, world.tokens.alice, [carols])).toEqual(all(1, false));
  });

  it('closes every path at once when a grant is revoked', async () => {
    const id = await world.grant(world.tokens.alice, { kind: 'CONSULTANT', consultantId: 'bob' }, world.tokens.eastManager, 10 * DAY);
    expect(await reach(world, world.tokens.alice, bobs)).toEqual(all(2, true));
    await world.ok(REVOKE, { i: { id, reason: 'leave ended early' } }, world.tokens.eastManager);
    expect(await reach(world, world.tokens.alice, bobs)).toEqual(all(2, false));
  });

  it('gives a grant only to its grantee', async () => {
    await world.grant(world.tokens.alice, { kind: 'CONSULTANT', consultantId: 'bob' }, world.tokens.eastManager, DAY);
    expect(await reach(world, world.tokens.carol, bobs)).toEqual(all(2, false));
  });

  it('reads the caller\'s grants with one query per request, whatever the number of customers and paths', async () => {
    await world.grant(world.tokens.alice, { kind: 'CONSULTANT', consultantId: 'bob' }, world.tokens.eastManager, DAY);
    const extra = await Promise.all(Array.from({ length: 10 }, () => world.customer('bob')));
    const recorder = world.recordCommands();
    const res = await world.ok(
      `query($r: [_Any!]!) { customers(first: 200) { edges { node { id } } } _entities(representations: $r) { ... on Customer { id } } one: customer(id: "${bobs[0]}") { id } }`,
      entities([...bobs, ...extra]),
      world.tokens.alice,
    );
    recorder.stop();
    expect(res._entities.every((e: Entity) => e !== null)).toBe(true);
    const grantQueries = recorder.commands.filter((c) => c.commandName === 'find' && (c.command as { find?: string }).find === 'access_requests' && !JSON.stringify(c.command).includes('pendingEvents'));
    expect(grantQueries).toHaveLength(1);
  });

  describe('partners', () => {
    it('list only customers linked to them, with personal fields masked and no history', async () => {
      const res = await world.ok(CUSTOMERS, {}, world.tokens.partner);
      expect(nodeIds(res.customers)).toEqual([carols]);
      const [{ node }] = res.customers.edges;
      expect(node.contacts[0].phone).toMatch(/^1\*+\d$/);
      expect(node.contacts[0].email).toMatch(/^c\*+m$/);
      expect(node.history).toEqual([]);
      expect((await world.ok(CUSTOMERS, {}, world.tokens.otherPartner)).customers.totalCount).toBe(0);
    });

    it('cannot reach an unlinked customer by id, by entity reference or by guessing ids', async () => {
      for (const id of [...bobs, alices, '0123456789abcdef01234567', 'not-an-id']) {
        expect((await world.read(CUSTOMER, { id }, world.tokens.partner)).customer).toBeNull();
      }
      const resolved = await world.read(ENTITIES, entities([...bobs, alices, '0123456789abcdef01234567', carols]), world.tokens.partner);
      expect(resolved._entities.map((e: Entity) => e && e.id)).toEqual([null, null, null, null, carols]);
      expect(resolved._entities[4].contacts[0].phone).not.toMatch(/^\d+$/);
      expect(resolved._entities[4].history).toEqual([]);
      const linked = await world.ok(CUSTOMER, { id: carols }, world.tokens.partner);
      expect(linked.customer).toMatchObject({ id: carols, history: [], changes: { totalCount: 0 } });
    });

    it('cannot filter their way to other customers', async () => {
      const res = await world.ok('query($o: ID) { customers(filter: { ownerId: $o }) { totalCount } }', { o: 'bob' }, world.tokens.partner);
      expect(res.customers.totalCount).toBe(0);
    });

    it('cannot ask for access grants', async () => {
      const expiresAt = new Date(t0 + DAY).toISOString();
      const res = await world.call(REQUEST_ACCESS, { i: { scope: { kind: 'CUSTOMER', customerId: bobs[0] }, reason: 'curious', expiresAt } }, world.tokens.partner);
      expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      expect(res.data?.requestCustomerAccess).toBeNull();
    });
  });
});
