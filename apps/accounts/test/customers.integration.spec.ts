import { customerCreatedV1, customerUpdatedV1, streamFor } from '@crm/contracts';
import { eventsOnStream, graphql, tokenFor } from '@crm/testing';
import type { RunningService } from '@crm/kernel';
import { startAccounts } from './accounts-fixture';
import { refusal, USER_ERRORS } from './mutation-payloads';

const CREATE = `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id name lifecycle owner { id name } department { id } contacts { name phone email decisionMaker } } ${USER_ERRORS} } }`;
const UPDATE = `mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) { customer { id name lifecycle history { field before after actor { id kind } } } ${USER_ERRORS} } }`;

function eventsAbout(service: RunningService, type: string, subject: string) {
  return eventsOnStream(service.bus.jsm, streamFor('accounts').name, type, subject);
}

describe('accounts: customers', () => {
  let ctx: Awaited<ReturnType<typeof startAccounts>>;
  beforeAll(async () => {
    ctx = await startAccounts();
  });
  afterAll(() => ctx.service.stop());

  it('creates a customer owned by the calling consultant and publishes customer.created once', async () => {
    const res = await graphql(ctx.service.url, CREATE, { input: { name: 'Acme Tools', kind: 'ORGANISATION', listType: 'ENTERPRISE', region: 'East', contacts: [{ name: 'Zhang San', phone: '+86 10 1234 5678', decisionMaker: true }] } }, ctx.alice);
    expect(res.errors).toBeUndefined();
    expect(res.data!.createCustomer.userErrors).toEqual([]);
    const customer = res.data!.createCustomer.customer;
    expect(customer).toMatchObject({ name: 'Acme Tools', lifecycle: 'PROSPECT', owner: { id: 'alice', name: 'Alice Wang' }, department: { id: 'D-EAST' } });
    await ctx.service.flushOutbox();
    const events = await eventsAbout(ctx.service, customerCreatedV1.type, customer.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ specversion: '1.0', source: '/crm/accounts', actorid: 'alice', data: { customer: { id: customer.id, ownerConsultantId: 'alice' } } });
  });

  it('pages the customer list backwards with last and before, as forwards with first and after', async () => {
    const PAGE = `query($first: Int, $after: String, $last: Int, $before: String) { customers(first: $first, after: $after, last: $last, before: $before) {
      edges { node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount } }`;
    for (const name of ['Page One', 'Page Two', 'Page Three']) await graphql(ctx.service.url, CREATE, { input: { name, kind: 'ORGANISATION', listType: 'ENTERPRISE' } }, ctx.alice);
    const all = await graphql(ctx.service.url, PAGE, { first: 200 }, ctx.gm);
    expect(all.errors).toBeUndefined();
    const ids = all.data!.customers.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(ids.length).toBeGreaterThan(2);
    const tail = await graphql(ctx.service.url, PAGE, { last: 2 }, ctx.gm);
    expect(tail.errors).toBeUndefined();
    expect(tail.data!.customers.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(ids.slice(-2));
    expect(tail.data!.customers.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    const before = await graphql(ctx.service.url, PAGE, { last: 1, before: tail.data!.customers.pageInfo.startCursor }, ctx.gm);
    expect(before.data!.customers.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(ids.slice(-3, -2));
    expect(before.data!.customers.pageInfo).toMatchObject({ hasNextPage: true });
    const both = await graphql(ctx.service.url, PAGE, { first: 1, last: 1 }, ctx.gm);
    expect(both.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'last' });
  });

  it('answers one user error per problem of an invalid input, every one at once, with its path', async () => {
    const problems = await refusal(ctx.service, () =>
      graphql(ctx.service.url, CREATE, { input: { name: ' ', kind: 'ORGANISATION', listType: 'INDIVIDUAL', tradingSince: '2999-01-01', contacts: [{ name: 'X', phone: 'call me' }, { name: '', email: 'nope' }] } }, ctx.alice),
    );
    expect(problems.map((p) => [p.code, p.field])).toEqual([
      ['BAD_USER_INPUT', ['input', 'name']],
      ['BAD_USER_INPUT', ['input', 'contacts', '0', 'phone']],
      ['BAD_USER_INPUT', ['input', 'contacts', '1', 'name']],
      ['BAD_USER_INPUT', ['input', 'contacts', '1', 'email']],
    ]);
    expect(problems.every((p) => p.message.length > 0)).toBe(true);
    // The card's own rules are checked together too, once the shape is right.
    const rules = await refusal(ctx.service, () => graphql(ctx.service.url, CREATE, { input: { name: 'Rules Ltd', kind: 'ORGANISATION', listType: 'INDIVIDUAL', tradingSince: '2999-01-01', individual: { occupation: 'x' } } }, ctx.alice));
    expect(rules.map((p) => p.field)).toEqual([
      ['input', 'listType'],
      ['input', 'individual'],
      ['input', 'tradingSince'],
    ]);
  });

  it('creates once per idempotency key: a retry, even a concurrent one, returns the first customer and writes nothing more', async () => {
    const input = { idempotencyKey: 'portal-retry-7', name: 'Retry Pumps', kind: 'ORGANISATION', listType: 'ENTERPRISE' };
    const named = { name: 'Retry Pumps' };
    const first = await graphql(ctx.service.url, CREATE, { input }, ctx.alice);
    expect(first.errors).toBeUndefined();
    const again = await Promise.all([1, 2, 3].map(() => graphql(ctx.service.url, CREATE, { input }, ctx.alice)));
    expect(again.map((res) => res.data?.createCustomer.customer.id)).toEqual([1, 2, 3].map(() => first.data!.createCustomer.customer.id));
    expect(await ctx.service.connection.collection('customers').countDocuments(named)).toBe(1);
    await ctx.service.flushOutbox();
    expect(await eventsAbout(ctx.service, customerCreatedV1.type, first.data!.createCustomer.customer.id)).toHaveLength(1);
    // Twins racing with a fresh key still make one customer.
    const twins = await Promise.all([1, 2].map(() => graphql(ctx.service.url, CREATE, { input: { ...input, idempotencyKey: 'portal-race-1', name: 'Race Pumps' } }, ctx.alice)));
    expect(new Set(twins.map((res) => res.data?.createCustomer.customer.id)).size).toBe(1);
    expect(await ctx.service.connection.collection('customers').countDocuments({ name: 'Race Pumps' })).toBe(1);
    // Keys belong to their caller, and no key means a new customer every time.
    const theirs = await graphql(ctx.service.url, CREATE, { input }, ctx.bob);
    expect(theirs.data!.createCustomer.customer.id).not.toBe(first.data!.createCustomer.customer.id);
    const { idempotencyKey: _none, ...unkeyed } = input;
    await graphql(ctx.service.url, CREATE, { input: unkeyed }, ctx.alice);
    await graphql(ctx.service.url, CREATE, { input: unkeyed }, ctx.alice);
    expect(await ctx.service.connection.collection('customers').countDocuments(named)).toBe(4);
  });

  it('refuses invalid input with a BAD_USER_INPUT user error naming the field, and writes nothing', async () => {
    const before = await ctx.service.connection.collection('customers').countDocuments();
    const problems = await refusal(ctx.service, () => graphql(ctx.service.url, CREATE, { input: { name: 'Bad Phone Ltd', kind: 'ORGANISATION', listType: 'ENTERPRISE', contacts: [{ name: 'X', phone: 'call me' }] } }, ctx.alice));
    expect(problems).toEqual([{ code: 'BAD_USER_INPUT', field: ['input', 'contacts', '0', 'phone'], message: 'must be a phone number' }]);
    expect(await ctx.service.connection.collection('customers').countDocuments()).toBe(before);
    expect(await ctx.service.connection.collection('customers').countDocuments({ name: 'Bad Phone Ltd' })).toBe(0);
  });

  it('keeps every change in the history with who, before and after, and publishes customer.updated', async () => {
    const created = await graphql(ctx.service.url, CREATE, { input: { name: 'Beta Foods', kind: 'ORGANISATION', listType: 'ENTERPRISE' } }, ctx.alice);
    const id = created.data!.createCustomer.customer.id;
    const res = await graphql(ctx.service.url, UPDATE, { input: { id, changes: { name: 'Beta Foods Group', lifecycle: 'QUALIFYING' } } }, ctx.alice);
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateCustomer.userErrors).toEqual([]);
    const alice = { id: 'alice', kind: 'STAFF_MEMBER' };
    expect(res.data!.updateCustomer.customer.history).toEqual([
      expect.objectContaining({ field: 'created', actor: alice }),
      { field: 'name', before: '"Beta Foods"', after: '"Beta Foods Group"', actor: alice },
      { field: 'lifecycle', before: '"PROSPECT"', after: '"QUALIFYING"', actor: alice },
    ]);
    await ctx.service.flushOutbox();
    const [event] = await eventsAbout(ctx.service, customerUpdatedV1.type, id);
    expect(event.data.changes.map((c: { field: string }) => c.field)).toEqual(['name', 'lifecycle']);
  });

  it('refuses a lifecycle move the state machine does not allow', async () => {
    const created = await graphql(ctx.service.url, CREATE, { input: { name: 'Gamma Labs', kind: 'ORGANISATION', listType: 'ENTERPRISE' } }, ctx.alice);
    const id = created.data!.createCustomer.customer.id;
    const problems = await refusal(ctx.service, () => graphql(ctx.service.url, UPDATE, { input: { id, changes: { lifecycle: 'DORMANT' } } }, ctx.alice));
    expect(problems).toEqual([{ code: 'BAD_USER_INPUT', field: ['input', 'changes', 'lifecycle'], message: 'cannot move from PROSPECT to DORMANT' }]);
    await ctx.service.flushOutbox();
    expect(await eventsAbout(ctx.service, customerUpdatedV1.type, id)).toEqual([]);
  });

  it('shows a consultant only their own customers; the department manager sees the department', async () => {
    await graphql(ctx.service.url, CREATE, { input: { name: 'Bob Customer', kind: 'INDIVIDUAL', listType: 'INDIVIDUAL' } }, ctx.bob);
    const list = `{ customers(first: 100) { totalCount edges { node { name owner { id } } } } }`;
    const alices = await graphql(ctx.service.url, list, {}, ctx.alice);
    expect(alices.data!.customers.edges.every((e: any) => e.node.owner.id === 'alice')).toBe(true);
    const managers = await graphql(ctx.service.url, list, {}, ctx.manager);
    const owners = new Set(managers.data!.customers.edges.map((e: any) => e.node.owner.id));
    expect(owners).toEqual(new Set(['alice', 'bob']));
  });

  describe('the read rule of customer(id)', () => {
    const READ = 'query($id: ID!) { customer(id: $id) { name } }';
    const refusal = async (id: string, token: string | Promise<string>) => {
      const res = await graphql(ctx.service.url, READ, { id }, await token);
      expect(res.data?.customer ?? null).toBeNull();
      expect(res.errors).toHaveLength(1);
      return { code: res.errors![0].extensions?.code, ...res.errors![0].extensions, path: res.errors![0].path };
    };
    let bobsId: string;
    beforeAll(async () => {
      const bobs = await graphql(ctx.service.url, CREATE, { input: { name: 'Private Bob Co', kind: 'ORGANISATION', listType: 'ENTERPRISE' } }, ctx.bob);
      bobsId = bobs.data!.createCustomer.customer.id;
    });

    it('tells a colleague FORBIDDEN and that the department manager would open it', async () => {
      expect(await refusal(bobsId, ctx.alice)).toMatchObject({ code: 'FORBIDDEN', requiredApproval: 'DEPARTMENT_MANAGER', customerId: bobsId, path: ['customer'] });
    });

    it('tells staff of another department that the general manager would open it', async () => {
      expect(await refusal(bobsId, tokenFor({ sub: 'wes', roles: ['consultant'], department_id: 'D-WEST' }))).toMatchObject({ code: 'FORBIDDEN', requiredApproval: 'GENERAL_MANAGER' });
    });

    it('tells a partner NOT_FOUND for a customer outside its slice, exactly as for an id that does not exist', async () => {
      const partner = tokenFor({ sub: 'portal', roles: ['partner'], partner_id: 'P-404' });
      const hidden = await refusal(bobsId, partner);
      const missing = await refusal('0123456789abcdef01234567', partner);
      expect(hidden.code).toBe('NOT_FOUND');
      expect(missing.code).toBe('NOT_FOUND');
      expect(Object.keys(hidden).sort()).toEqual(Object.keys(missing).sort());
    });

    it('answers NOT_FOUND for an id nobody has, and BAD_USER_INPUT for a malformed id', async () => {
      expect(await refusal('0123456789abcdef01234567', ctx.gm)).toMatchObject({ code: 'NOT_FOUND' });
      expect(await refusal('not-an-id', ctx.gm)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    });
  });

  it('pages with cursors and rejects a forged cursor with BAD_USER_INPUT', async () => {
    const first = await graphql(ctx.service.url, '{ customers(first: 1) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }', {}, ctx.gm);
    const { endCursor, hasNextPage } = first.data!.customers.pageInfo;
    expect(hasNextPage).toBe(true);
    const second = await graphql(ctx.service.url, 'query($a: String) { customers(first: 1, after: $a) { edges { node { id } } } }', { a: endCursor }, ctx.gm);
    expect(second.data!.customers.edges[0].node.id).not.toBe(first.data!.customers.edges[0].node.id);
    const forged = await graphql(ctx.service.url, '{ customers(after: "bm9wZQ") { totalCount } }', {}, ctx.gm);
    expect(forged.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('masks personal contact fields for a partner and shows only linked customers', async () => {
    const linked = await graphql(ctx.service.url, CREATE, { input: { name: 'Partnered Inc', kind: 'ORGANISATION', listType: 'BUSINESS_PARTNER', partnerIds: ['P-9'], contacts: [{ name: 'Li Si', phone: '13800138000', email: 'lisi@example.com' }] } }, ctx.alice);
    const partner = await (await import('@crm/testing')).tokenFor({ sub: 'portal-user', roles: ['partner'], partner_id: 'P-9' });
    const res = await graphql(ctx.service.url, '{ customers { totalCount edges { node { id contacts { phone email } history { field } } } } }', {}, partner);
    expect(res.data!.customers.totalCount).toBe(1);
    const node = res.data!.customers.edges[0].node;
    expect(node.id).toBe(linked.data!.createCustomer.customer.id);
    expect(node.contacts[0].phone).not.toContain('138001380');
    expect(node.contacts[0].email).not.toBe('lisi@example.com');
    expect(node.history).toEqual([]);
  });

  it('answers UNAUTHENTICATED without a token and for a forged token', async () => {
    const none = await graphql(ctx.service.url, '{ customers { totalCount } }');
    expect(none.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const forged = await graphql(ctx.service.url, '{ customers { totalCount } }', {}, 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad');
    expect(forged.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    // A mutation too: no payload, the top-level error (no change of input would help).
    const anonymous = await graphql(ctx.service.url, CREATE, { input: { name: 'Nobody Ltd', kind: 'ORGANISATION', listType: 'ENTERPRISE' } });
    expect(anonymous.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(anonymous.data?.createCustomer ?? null).toBeNull();
  });
});
