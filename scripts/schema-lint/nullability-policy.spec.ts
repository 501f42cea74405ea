import path from 'node:path';
import { parse } from 'graphql';
import { readSubgraphSources } from '../compose-supergraph';
import { nullabilityProblems } from './nullability-policy';

const sdl = (name: string, text: string) => ({ name, typeDefs: parse(text) });

describe('nullability policy', () => {
  it('holds for the platform schema', () => {
    const { sources, errors } = readSubgraphSources(path.resolve(__dirname, '../../schema'));
    expect(errors).toEqual([]);
    expect(nullabilityProblems(sources)).toEqual([]);
  });

  it('flags a non-null reference to an entity whose non-null fields another subgraph serves', () => {
    const problems = nullabilityProblems([
      sdl('accounts', 'type Customer @key(fields: "id") { id: ID! name: String! }'),
      sdl('desk', 'type Ticket { id: ID! customer: Customer! } type Customer @key(fields: "id") { id: ID! }'),
    ]);
    expect(problems).toEqual(['Ticket.customer (desk) is non-null, and so are Customer fields another subgraph serves: name (accounts); make one side nullable']);
  });

  it('accepts the same reference once it is nullable, or once the far field is', () => {
    const customer = 'type Customer @key(fields: "id") { id: ID! }';
    expect(nullabilityProblems([sdl('accounts', 'type Customer @key(fields: "id") { id: ID! name: String! }'), sdl('desk', `type Ticket { id: ID! customer: Customer } ${customer}`)])).toEqual([]);
    expect(nullabilityProblems([sdl('accounts', 'type Customer @key(fields: "id") { id: ID! name: String }'), sdl('desk', `type Ticket { id: ID! customer: Customer! } ${customer}`)])).toEqual([]);
  });

  it('flags a non-null field a subgraph adds to another subgraph’s entity, reached from a non-null parent', () => {
    const problems = nullabilityProblems([
      sdl('accounts', 'type Query { customers: [Customer!]! } type Customer @key(fields: "id") { id: ID! name: String! }'),
      sdl('desk', 'type Customer @key(fields: "id") { id: ID! tickets: [Ticket!]! } type Ticket { id: ID! }'),
    ]);
    expect(problems).toEqual([expect.stringContaining('Query.customers (accounts) is non-null, and so are Customer fields another subgraph serves: tickets (desk)')]);
  });

  it('counts key fields and fields served by the same subgraph as local, and ignores @external ones', () => {
    expect(
      nullabilityProblems([
        sdl('accounts', 'type Customer @key(fields: "id") { id: ID! name: String! }'),
        sdl('desk', 'type Ticket { customer: Customer! } type Customer @key(fields: "id") { id: ID! name: String! @external }'),
      ]),
    ).toEqual([expect.stringContaining('Customer fields another subgraph serves: name (accounts)')]);
    expect(nullabilityProblems([sdl('desk', 'type Query { ticket: Ticket! } type Ticket { id: ID! sla: Sla! } type Sla { due: String! }')])).toEqual([]);
  });

  it('wants root mutation fields nullable', () => {
    expect(nullabilityProblems([sdl('desk', 'type Mutation { openTicket: ID! closeTicket: ID }')])).toEqual(['Mutation.openTicket is non-null: root mutation fields are nullable']);
  });
});
