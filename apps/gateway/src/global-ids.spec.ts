import { toGlobalId } from '@crm/contracts';
import { buildSchema, execute, parse, validate, type ExecutionResult } from 'graphql';
import { MAX_NODES, nodeLookups, rewriteForGlobalIds, TooManyNodesError, withNodeFields } from './global-ids';

// A small API schema: two Node types read by id at the root, one type that is not a Node, and an input with ids.
const apiSchema = buildSchema(`
  interface Node { id: ID! }
  type Customer implements Node { id: ID! name: String! tickets: [Ticket!] }
  type Ticket implements Node { id: ID! subject: String! customer: Customer customerId: ID! }
  type Viewer { id: ID! }
  input TicketFilter { customerId: ID ids: [ID!] }
  type Query {
    customer(id: ID!): Customer
    ticket(id: ID!): Ticket
    tickets(filter: TicketFilter): [Ticket!]!
    viewer: Viewer!
  }
`);

const customers: Record<string, { id: string; name: string }> = { c1: { id: 'c1', name: 'Acme' } };
const tickets: Record<string, { id: string; subject: string; customerId: string }> = {
  t1: { id: 't1', subject: 'Noise', customerId: 'c1' },
  t2: { id: 't2', subject: 'Leak', customerId: 'c1' },
};
const ticketOf = (t: { id: string; subject: string; customerId: string }) => ({ ...t, customer: () => customerOf(customers[t.customerId]) });
const customerOf = (c: { id: string; name: string } | undefined) => c && { ...c, tickets: () => Object.values(tickets).filter((t) => t.customerId === c.id).map(ticketOf) };
const rootValue = {
  customer: ({ id }: { id: string }) => customerOf(customers[id]) ?? null,
  ticket: ({ id }: { id: string }) => (tickets[id] ? ticketOf(tickets[id]) : null),
  tickets: ({ filter }: { filter?: { customerId?: string; ids?: string[] } }) =>
    Object.values(tickets)
      .filter((t) => (!filter?.customerId || t.customerId === filter.customerId) && (!filter?.ids || filter.ids.includes(t.id)))
      .map(ticketOf),
  viewer: () => ({ id: 'alice' }),
};

const clientSchema = withNodeFields(apiSchema);
const lookups = nodeLookups(apiSchema);

/** Run a client operation as the gateway would: validate against the client schema, rewrite, execute, restore. */
async function run(query: string, variables: Record<string, unknown> = {}): Promise<ExecutionResult> {
  const document = parse(query);
  expect(validate(clientSchema, document)).toEqual([]);
  const rewrite = rewriteForGlobalIds(apiSchema, lookups, document, undefined, variables);
  expect(validate(apiSchema, rewrite.document)).toEqual([]);
  const result = (await execute({ schema: apiSchema, document: rewrite.document, variableValues: rewrite.variables, rootValue })) as ExecutionResult<Record<string, unknown>>;
  const answer = { data: result.data ? { ...result.data } : result.data, errors: result.errors };
  rewrite.restore(answer);
  return answer as ExecutionResult;
}

const T1 = toGlobalId('Ticket', 't1');
const T2 = toGlobalId('Ticket', 't2');
const C1 = toGlobalId('Customer', 'c1');

describe('global ids at the gateway', () => {
  it('finds each Node type with the root field that reads it by id', () => {
    expect(Object.fromEntries(lookups)).toEqual({ Customer: { field: 'customer', arg: 'id' }, Ticket: { field: 'ticket', arg: 'id' } });
  });

  it('answers id of every Node as a global id, at any depth and under aliases, and leaves other ids alone', async () => {
    const result = await run(`{ ticket(id: "t1") { id key: id customerId customer { id tickets { id } } } viewer { id } }`);
    expect(result).toEqual({
      data: {
        ticket: { id: T1, key: T1, customerId: 'c1', customer: { id: C1, tickets: [{ id: T1 }, { id: T2 }] } },
        viewer: { id: 'alice' },
      },
    });
  });

  it('reads a global id back in arguments, variables and input objects; an own id still works', async () => {
    expect((await run(`{ ticket(id: "${T1}") { subject } }`)).data).toEqual({ ticket: { subject: 'Noise' } });
    expect((await run(`query($id: ID!) { ticket(id: $id) { subject } }`, { id: T2 })).data).toEqual({ ticket: { subject: 'Leak' } });
    expect((await run(`query($f: TicketFilter) { tickets(filter: $f) { subject } }`, { f: { customerId: C1, ids: [T2] } })).data).toEqual({ tickets: [{ subject: 'Leak' }] });
    expect((await run(`{ tickets(filter: { customerId: "${C1}", ids: ["${T1}", "t2"] }) { subject } }`)).data).toEqual({ tickets: [{ subject: 'Noise' }, { subject: 'Leak' }] });
    expect((await run(`{ ticket(id: "t2") { subject } }`)).data).toEqual({ ticket: { subject: 'Leak' } });
  });

  it('serves node(id:) through the type root field, with only the fragments that apply', async () => {
    const result = await run(
      `query($id: ID!) { first: node(id: $id) { id __typename ... on Ticket { subject } ... on Customer { name } ...CustomerName } again: node(id: "${C1}") { ...CustomerName } }
       fragment CustomerName on Customer { name }`,
      { id: T1 },
    );
    expect(result).toEqual({ data: { first: { id: T1, __typename: 'Ticket', subject: 'Noise' }, again: { name: 'Acme' } } });
  });

  it('answers null for an id that names no Node, or nothing', async () => {
    expect((await run(`{ node(id: "t1") { id } viewer { id } }`)).data).toEqual({ node: null, viewer: { id: 'alice' } });
    expect((await run(`{ node(id: "${toGlobalId('Ticket', 'nope')}") { id } }`)).data).toEqual({ node: null });
    expect((await run(`{ node(id: "${toGlobalId('Viewer', 'alice')}") { id } }`)).data).toEqual({ node: null });
  });

  it('serves nodes(ids:) in the order asked, null where an id names nothing, with the root keys in order', async () => {
    const result = await run(`query($ids: [ID!]!) { viewer { id } nodes(ids: $ids) { id ... on Ticket { subject } } ticket(id: "t2") { id } }`, { ids: [T2, 'garbage', C1, T1] });
    expect(result.data).toEqual({ viewer: { id: 'alice' }, nodes: [{ id: T2, subject: 'Leak' }, null, { id: C1 }, { id: T1, subject: 'Noise' }], ticket: { id: T2 } });
    expect(Object.keys(result.data!)).toEqual(['viewer', 'nodes', 'ticket']);
  });

  it('moves an error under nodes to its place in the list', () => {
    const rewrite = rewriteForGlobalIds(apiSchema, lookups, parse(`{ nodes(ids: ["${T1}", "${T2}"]) { id } }`), undefined, {});
    const answer = { data: { nodes__0: { id: 't1', gidTypename_: 'Ticket' }, nodes__1: null } as Record<string, unknown>, errors: [{ message: 'refused', path: ['nodes__1'] }] };
    rewrite.restore(answer);
    expect(answer).toEqual({ data: { nodes: [{ id: T1 }, null] }, errors: [{ message: 'refused', path: ['nodes', 1] }] });
  });

  it(`refuses more than ${MAX_NODES} ids at once`, () => {
    const ids = Array.from({ length: MAX_NODES + 1 }, (_, i) => toGlobalId('Ticket', `t${i}`));
    expect(() => rewriteForGlobalIds(apiSchema, lookups, parse(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`), undefined, { ids })).toThrow(TooManyNodesError);
  });

  it('leaves a schema without a Node interface as it is', () => {
    const plain = buildSchema('type Query { hello: String }');
    expect(withNodeFields(plain)).toBe(plain);
    expect(nodeLookups(plain).size).toBe(0);
  });
});

describe('rewrite cache', () => {
  it('rewrites a repeated operation once, still decoding each request its own variables', () => {
    const document = parse('query($f: TicketFilter) { tickets(filter: $f) { id } }');
    const first = rewriteForGlobalIds(apiSchema, lookups, document, undefined, { f: { customerId: toGlobalId('Customer', 'c1') } });
    const second = rewriteForGlobalIds(apiSchema, lookups, document, undefined, { f: { customerId: toGlobalId('Customer', 'c2') } });
    expect(second.document).toBe(first.document);
    expect([first.variables, second.variables]).toEqual([{ f: { customerId: 'c1' } }, { f: { customerId: 'c2' } }]);
    expect(rewriteForGlobalIds(apiSchema, lookups, parse('query($f: TicketFilter) { tickets(filter: $f) { id } }'), undefined, {}).document).not.toBe(first.document);
  });

  it('rewrites node(id:) per request, since the id decides which field reads it', () => {
    const document = parse('query($id: ID!) { node(id: $id) { id } }');
    const customer = rewriteForGlobalIds(apiSchema, lookups, document, undefined, { id: toGlobalId('Customer', 'c1') });
    const ticket = rewriteForGlobalIds(apiSchema, lookups, document, undefined, { id: toGlobalId('Ticket', 't1') });
    expect(ticket.document).not.toBe(customer.document);
  });
});
