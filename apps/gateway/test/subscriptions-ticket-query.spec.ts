// Unit tests, no servers: how a subscription's ticket selection becomes the federated ticket query, cursors, and the
// schema the gateway serves over graphql-ws.
import { buildSchema, parse, print, subscribe, type GraphQLResolveInfo } from 'graphql';
import { encodeComplaintCursor as encodeCursor } from '@crm/contracts';
import { decodeCursor } from '../src/subscriptions/complaint-cursor';
import { knownComplaintEventTypes } from '../src/subscriptions/complaint-event-types';
import { buildSubscriptionSchema, type ComplaintEventsResolvers } from '../src/subscriptions/complaint-events.schema';
import { ticketQueryFor, type TicketQuery } from '../src/subscriptions/ticket-query';

const API_SDL = `
  enum Severity { LOW HIGH }
  type Customer { id: ID! name: String! tickets(status: String): [Ticket!]! }
  type Ticket { id: ID! severity: Severity! customer: Customer! }
  type Query { ticket(id: ID!): Ticket }
`;

const noResolvers: ComplaintEventsResolvers = { subscribe: () => undefined, resolve: (item) => item, eventFields: {} };

/** Subscribe `document` against the gateway's subscription schema and return the ticket query built for it. */
async function ticketQueryOf(document: string, variableValues: Record<string, unknown> = {}): Promise<TicketQuery> {
  let captured: TicketQuery | undefined;
  const schema = buildSubscriptionSchema(buildSchema(API_SDL), {
    ...noResolvers,
    subscribe: (_root, _args, _context, info: GraphQLResolveInfo) => {
      captured = ticketQueryFor(info);
      return (async function* () {})();
    },
  });
  const result = await subscribe({ schema, document: parse(document), variableValues });
  if ('errors' in result && result.errors) throw new Error(result.errors.map((e) => e.message).join('; '));
  return captured!;
}

const normalised = (query: string) => print(parse(query));

describe('subscriptions: the ticket query built from a subscription', () => {
  it("copies the subscriber's ticket selection under ticket(id:), adding __typename", async () => {
    const query = await ticketQueryOf('subscription { complaintEvents { id ticket { id customer { name } } } }');
    expect(query.keys).toEqual(['ticket']);
    expect(query.idVariable).toBe('ticketId');
    expect(query.query).toBe(normalised('query ComplaintEventTicket($ticketId: ID!) { ticket: ticket(id: $ticketId) { __typename id customer { __typename name } } }'));
  });

  it('asks for ticket { __typename } alone when no ticket field is selected: the access check', async () => {
    const query = await ticketQueryOf('subscription { complaintEvents { id type } }');
    expect(query.query).toBe(normalised('query ComplaintEventTicket($ticketId: ID!) { ticket: ticket(id: $ticketId) { __typename } }'));
  });

  it('keeps aliases, follows fragments, honours @skip/@include and carries the variables the selection uses', async () => {
    const query = await ticketQueryOf(
      `subscription S($ticketId: String, $status: String, $withCustomer: Boolean!, $unused: String) {
        complaintEvents(after: $ticketId) { ...E t2: ticket @skip(if: true) { id } }
      }
      fragment E on ComplaintEvent { t: ticket { sev: severity customer @include(if: $withCustomer) { ...C } } }
      fragment C on Customer { open: tickets(status: $status) { id } }`,
      { status: 'OPEN', withCustomer: true, unused: 'x' },
    );
    expect(query.keys).toEqual(['t']);
    expect(query.idVariable).toBe('ticketId2');
    expect(query.variables).toEqual({ status: 'OPEN', withCustomer: true });
    expect(query.query).toBe(
      normalised(`query ComplaintEventTicket($ticketId2: ID!, $status: String, $withCustomer: Boolean!) {
        t: ticket(id: $ticketId2) { __typename sev: severity customer @include(if: $withCustomer) { __typename ...C } }
      }
      fragment C on Customer { open: tickets(status: $status) { __typename id } }`),
    );
  });

  it('reads the ticket once per alias when the subscriber selects it under two names', async () => {
    const query = await ticketQueryOf('subscription { complaintEvents { a: ticket { id } b: ticket { severity } } }');
    expect(query.keys).toEqual(['a', 'b']);
  });
});

describe('subscriptions: cursors', () => {
  it('round-trips a stream sequence', () => {
    expect(decodeCursor('CRM_SERVICE_DESK', encodeCursor('CRM_SERVICE_DESK', 42))).toBe(42);
  });

  it.each([
    ['garbage', 'not-a-cursor'],
    ['another stream', encodeCursor('CRM_ACCOUNTS', 42)],
    ['an edited cursor', Buffer.from('CRM_SERVICE_DESK:42x').toString('base64url')],
  ])('refuses %s as BAD_USER_INPUT on after', (_what, cursor) => {
    expect(() => decodeCursor('CRM_SERVICE_DESK', cursor)).toThrow(expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', field: 'after' } }));
  });
});

describe('subscriptions: schema', () => {
  it('adds Subscription.complaintEvents to the API schema, reusing its Ticket and Severity', () => {
    const schema = buildSubscriptionSchema(buildSchema(API_SDL), noResolvers);
    expect(String(schema.getSubscriptionType()?.getFields().complaintEvents.type)).toBe('ComplaintEvent!');
    expect(schema.getType('Ticket')).toBeDefined();
    expect(schema.getQueryType()?.getFields().ticket).toBeDefined();
  });

  it.each([
    ['no Query.ticket', 'enum Severity { LOW } type Query { me: String }', /Query\.ticket\(id: ID!\): Ticket/],
    ['no Severity enum', 'type Ticket { id: ID! } type Query { ticket(id: ID!): Ticket }', /Severity/],
    ['a Subscription of its own', `${API_SDL} type Subscription { ping: String }`, /defines a Subscription type/],
  ])('refuses a supergraph with %s', (_what, sdl, message) => {
    expect(() => buildSubscriptionSchema(buildSchema(sdl), noResolvers)).toThrow(message);
  });

  it('knows the complaint event types from the contracts in libs/contracts', () => {
    expect(knownComplaintEventTypes.has('opened')).toBe(true);
    for (const type of knownComplaintEventTypes) expect(type).toMatch(/^[a-z-]+$/);
  });
});
